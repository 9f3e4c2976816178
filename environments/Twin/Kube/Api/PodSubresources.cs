using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Http;
using Conformance.Twin.Kube.Json;
using Conformance.Twin.Kube.Storage;
using Microsoft.AspNetCore.Http;

namespace Conformance.Twin.Kube.Api;

/// <summary>
/// pods/log, proxied to the node's kubelet as kube-apiserver does (pkg/registry/core/pod/rest/log.go: the node's
/// InternalIP and status.daemonEndpoints.kubeletEndpoint.Port, GET /containerLogs/{ns}/{pod}/{container}), and
/// pods/binding, which assigns spec.nodeName (pkg/registry/core/pod/storage/storage.go assignPod).
/// </summary>
public sealed class PodSubresources(ObjectService objects, TimeProvider time)
{
    static readonly HttpClient Kubelet = new(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) }) { Timeout = Timeout.InfiniteTimeSpan };
    ResourceType Pods => objects.Store.Find("", "v1", "pods")!;

    public async Task ProxyAsync(HttpContext ctx, string ns, string name)
    {
        var pod = objects.Get(Pods, ns, name);
        var q = ctx.Request.Query;
        var container = q["container"].ToString();
        var containers = (pod.Arr("spec", "containers") ?? []).Select(c => c.Str("name")!).ToList();
        var inits = (pod.Arr("spec", "initContainers") ?? []).Select(c => c.Str("name")!).ToList();
        if (container.Length == 0)
        {
            if (containers.Count == 1) container = containers[0];
            else
                throw ApiException.BadRequest(inits.Count > 0
                    ? $"a container name must be specified for pod {name}, choose one of: [{string.Join(" ", containers)}] or one of the init containers: [{string.Join(" ", inits)}]"
                    : $"a container name must be specified for pod {name}, choose one of: [{string.Join(" ", containers)}]");
        }
        else if (!containers.Contains(container) && !inits.Contains(container))
            throw ApiException.BadRequest($"container {container} is not valid for pod {name}");
        var nodeName = pod.Str("spec", "nodeName");
        if (string.IsNullOrEmpty(nodeName)) throw ApiException.BadRequest($"pod {name} does not have a host assigned");
        var nodeType = objects.Store.Find("", "v1", "nodes")!;
        var node = objects.Table(nodeType).Get("", nodeName) ?? throw ApiException.NotFound(nodeType, nodeName);
        var addresses = node.Arr("status", "addresses") ?? [];
        var ip = addresses.FirstOrDefault(a => a.Str("type") == "InternalIP").Str("address")
                 ?? addresses.FirstOrDefault().Str("address") ?? nodeName;
        var port = node.Long("status", "daemonEndpoints", "kubeletEndpoint", "Port") ?? 10250;
        var query = new List<string>();
        foreach (var key in new[] { "follow", "previous", "tailLines", "timestamps", "sinceSeconds", "sinceTime", "limitBytes" })
            if (q[key].Count > 0) query.Add($"{key}={Uri.EscapeDataString(q[key].ToString())}");
        var host = ip.Contains(':') ? $"[{ip}]" : ip;
        var url = $"http://{host}:{port}/containerLogs/{ns}/{name}/{container}" + (query.Count > 0 ? "?" + string.Join("&", query) : "");
        HttpResponseMessage resp;
        try
        {
            resp = await Kubelet.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw ApiException.Internal($"Get \"{url}\": {e.Message}");
        }
        using (resp)
        {
            if (!resp.IsSuccessStatusCode)
            {
                var text = (await resp.Content.ReadAsStringAsync(ctx.RequestAborted).ConfigureAwait(false)).Trim();
                var code = (int)resp.StatusCode;
                // GenericHttpResponseChecker: the kubelet's status and text become the Status
                var reason = code switch { 400 => "BadRequest", 404 => "NotFound", 403 => "Forbidden", 401 => "Unauthorized", 409 => "Conflict", _ => "InternalError" };
                throw new ApiException(code, reason, text);
            }
            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "text/plain";
            await using var body = await resp.Content.ReadAsStreamAsync(ctx.RequestAborted).ConfigureAwait(false);
            var buffer = new byte[16 * 1024];
            int n;
            while ((n = await body.ReadAsync(buffer, ctx.RequestAborted).ConfigureAwait(false)) > 0)
            {
                await ctx.Response.Body.WriteAsync(buffer.AsMemory(0, n), ctx.RequestAborted).ConfigureAwait(false);
                await ctx.Response.Body.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
            }
        }
    }

    public async Task BindAsync(string ns, string name, JsonObject binding, RequestContext rc)
    {
        var target = binding.Str("target", "name");
        if (string.IsNullOrEmpty(target))
            throw ApiException.Invalid(new ResourceType { Group = "", Versions = ["v1"], Plural = "bindings", Singular = "binding", Kind = "Binding", Namespaced = true },
                name, [Schema.FieldError.Required("target.name", "")]);
        for (var attempt = 0; ; attempt++)
        {
            var pod = objects.Get(Pods, ns, name);
            if (pod.Get("metadata", "deletionTimestamp") is not null)
                throw ApiException.Conflict(Pods, name, "pod is being deleted, cannot be assigned to a host");
            if (pod.Str("spec", "nodeName") is { Length: > 0 } existing)
                throw new ApiException(409, "Conflict", $"Operation cannot be fulfilled on pods/binding \"{name}\": pod {name} is already assigned to node \"{existing}\"",
                    new JsonObject { ["name"] = name, ["kind"] = "pods/binding" });
            var updated = pod.CloneObj();
            updated.Ensure("spec")["nodeName"] = target;
            if (binding.Obj("metadata", "annotations") is { } ann)
                foreach (var (k, v) in ann) updated.Meta().Ensure("annotations")[k] = v?.DeepClone();
            var status = updated.Ensure("status");
            var conds = status.Arr("conditions") ?? new JsonArray();
            for (var i = conds.Count - 1; i >= 0; i--) if (conds[i].Str("type") == "PodScheduled") conds.RemoveAt(i);
            conds.Add(new JsonObject { ["type"] = "PodScheduled", ["status"] = "True", ["lastProbeTime"] = null, ["lastTransitionTime"] = JsonUtil.Rfc3339(time.GetUtcNow()) });
            status["conditions"] = conds;
            try
            {
                await objects.StoreAsync(Pods, pod, updated, rc).ConfigureAwait(false);
                return;
            }
            catch (ApiException e) when (e.Code == 409 && attempt < 10) { }
        }
    }
}
