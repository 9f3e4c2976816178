using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Api;
using Conformance.Twin.Kube.Http;
using Conformance.Twin.Kube.Json;
using Conformance.Twin.Kube.Patch;
using Conformance.Twin.Kube.Storage;

namespace Conformance.Twin.Kube.Admission;

/// <summary>
/// Dynamic admission (k8s.io/apiserver/pkg/admission/plugin/webhook): for each Mutating- or
/// ValidatingWebhookConfiguration (by name) and each webhook in it, when rules, namespaceSelector and objectSelector
/// match, an admission.k8s.io/v1 AdmissionReview is POSTed over HTTPS (trusting the caBundle); a mutating webhook's
/// JSONPatch is applied; a denial or (with failurePolicy Fail) a call failure refuses the request.
/// </summary>
public sealed class WebhookDispatcher(ObjectStore store, KubeApiServerOptions options)
{
    public async Task<JsonObject?> RunAsync(bool mutating, AdmissionAttributes a, CancellationToken ct)
    {
        if (a.Type.Group == "admissionregistration.k8s.io") return a.Object; // never called for webhook configurations
        var plural = mutating ? "mutatingwebhookconfigurations" : "validatingwebhookconfigurations";
        var configs = store.Table("admissionregistration.k8s.io", plural)?.List(null).Items.OrderBy(c => c.Name(), StringComparer.Ordinal).ToList() ?? [];
        var obj = a.Object;
        foreach (var config in configs)
            foreach (var hook in (config.Arr("webhooks") ?? []).OfType<JsonObject>())
            {
                if (!Matches(hook, a, obj)) continue;
                obj = await CallAsync(mutating, hook, a with { Object = obj }, ct).ConfigureAwait(false) ?? obj;
            }
        return obj;
    }

    bool Matches(JsonObject hook, AdmissionAttributes a, JsonObject? obj)
    {
        var resource = a.Subresource.Length > 0 ? $"{a.Type.Plural}/{a.Subresource}" : a.Type.Plural;
        var ruleOk = (hook.Arr("rules") ?? []).Any(r =>
            In(r.Arr("operations"), a.Operation) && In(r.Arr("apiGroups"), a.Type.Group) && In(r.Arr("apiVersions"), a.Version) &&
            (r.Arr("resources") ?? []).Any(x => x?.ToString() is { } s && (s == resource || s == "*/*" || (s == "*" && a.Subresource.Length == 0) ||
                                                                         (s == $"{a.Type.Plural}/*" && a.Subresource.Length > 0) || (s == $"*/{a.Subresource}" && a.Subresource.Length > 0))) &&
            (r.Str("scope") is null or "*" || (r.Str("scope") == "Namespaced") == a.Type.Namespaced));
        if (!ruleOk) return false;
        if (hook.Obj("objectSelector") is { Count: > 0 } os)
        {
            var sel = LabelSelector.FromObject(os);
            if (!(obj is not null && sel.Matches(obj)) && !(a.OldObject is not null && sel.Matches(a.OldObject))) return false;
        }
        if (hook.Obj("namespaceSelector") is { Count: > 0 } nss)
        {
            var sel = LabelSelector.FromObject(nss);
            JsonObject? nsObj = a.Type.Group == "" && a.Type.Plural == "namespaces" ? obj ?? a.OldObject
                : a.Type.Namespaced ? store.Table("", "namespaces")?.Get("", a.Namespace) : null;
            if (a.Type.Namespaced || nsObj is not null)
                if (nsObj is null || !sel.Matches(nsObj)) return false;
        }
        return true;
    }

    static bool In(JsonArray? list, string value) => list is not null && list.Any(x => x?.ToString() is "*" || x?.ToString() == value);

    async Task<JsonObject?> CallAsync(bool mutating, JsonObject hook, AdmissionAttributes a, CancellationToken ct)
    {
        var name = hook.Str("name") ?? "";
        var timeout = TimeSpan.FromSeconds(hook.Long("timeoutSeconds") ?? 10);
        var failOpen = hook.Str("failurePolicy") == "Ignore";
        var uid = Guid.NewGuid().ToString();
        string url;
        try { url = Url(hook) + $"?timeout={(int)timeout.TotalSeconds}s"; }
        catch (ApiException) when (failOpen) { return null; }
        var review = new JsonObject
        {
            ["kind"] = "AdmissionReview", ["apiVersion"] = "admission.k8s.io/v1",
            ["request"] = Request(uid, a),
        };
        JsonObject? response;
        try
        {
            using var client = Client(hook.Str("clientConfig", "caBundle"), timeout);
            using var msg = await client.PostAsync(url, new StringContent(review.ToJsonString(), Encoding.UTF8, "application/json"), ct).ConfigureAwait(false);
            if (!msg.IsSuccessStatusCode) throw new HttpRequestException($"the server responded with the status code {(int)msg.StatusCode}");
            response = (await msg.Content.ReadFromJsonAsync<JsonObject>(ct).ConfigureAwait(false)).Obj("response");
            if (response is null) throw new HttpRequestException("webhook response was absent");
            if (response.Str("uid") != uid) throw new HttpRequestException($"expected response.uid=\"{uid}\", got \"{response.Str("uid")}\"");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !ct.IsCancellationRequested)
        {
            options.Log?.Invoke($"webhook {name} failed: {e.Message}");
            if (failOpen) return null;
            var why = e is TaskCanceledException ? "context deadline exceeded" : e.Message;
            throw ApiException.Internal($"failed calling webhook \"{name}\": failed to call webhook: Post \"{url}\": {why}");
        }
        if (response.Bool("allowed") != true)
        {
            var st = response.Obj("status");
            var code = (int)(st.Long("code") ?? 400);
            if (code < 400) code = 400;
            var denied = $"admission webhook \"{name}\" denied the request";
            var msg = st.Str("message") is { Length: > 0 } m ? $"{denied}: {m}" : st.Str("reason") is { Length: > 0 } r ? $"{denied}: {r}" : $"{denied} without explanation";
            throw new ApiException(code, st.Str("reason") ?? "", msg);
        }
        if (!mutating || response.Str("patch") is not { Length: > 0 } patch || a.Object is null) return null;
        if (response.Str("patchType") is { } pt && pt != "JSONPatch")
            throw ApiException.Internal($"received invalid webhook response: unsupported patch type \"{pt}\"");
        var ops = JsonNode.Parse(Convert.FromBase64String(patch));
        return JsonPatch.Apply(a.Object, ops) as JsonObject;
    }

    string Url(JsonObject hook)
    {
        if (hook.Str("clientConfig", "url") is { Length: > 0 } u) return u;
        var svc = hook.Obj("clientConfig", "service") ?? throw ApiException.Internal("webhook has neither url nor service");
        var port = svc.Long("port") ?? 443;
        var key = $"{svc.Str("namespace")}/{svc.Str("name")}:{port}";
        var path = svc.Str("path") ?? "";
        if (options.ServiceEndpoints.TryGetValue(key, out var baseUri)) return baseUri.ToString().TrimEnd('/') + path;
        return $"https://{svc.Str("name")}.{svc.Str("namespace")}.svc:{port}{path}";
    }

    static HttpClient Client(string? caBundle, TimeSpan timeout)
    {
        var handler = new SocketsHttpHandler();
        if (caBundle is { Length: > 0 })
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPem(Encoding.UTF8.GetString(Convert.FromBase64String(caBundle)));
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, errors) =>
                cert is not null && (errors == System.Net.Security.SslPolicyErrors.None || Conformance.Twin.Tls.TwinCertificates.ChainsTo(new X509Certificate2(cert), roots));
        }
        return new HttpClient(handler, true) { Timeout = timeout };
    }

    static JsonObject Request(string uid, AdmissionAttributes a)
    {
        var gvk = new JsonObject { ["group"] = a.Type.Group, ["version"] = a.Version, ["kind"] = a.Type.Kind };
        var gvr = new JsonObject { ["group"] = a.Type.Group, ["version"] = a.Version, ["resource"] = a.Type.Plural };
        var user = new JsonObject
        {
            ["username"] = a.Context.User.Name, ["uid"] = a.Context.User.Uid,
            ["groups"] = new JsonArray(a.Context.User.Groups.Select(g => (JsonNode)g).ToArray()),
        };
        var req = new JsonObject
        {
            ["uid"] = uid, ["kind"] = gvk, ["resource"] = gvr, ["requestKind"] = gvk.DeepClone(), ["requestResource"] = gvr.DeepClone(),
            ["name"] = a.Name, ["namespace"] = a.Namespace.Length > 0 ? a.Namespace : null, ["operation"] = a.Operation, ["userInfo"] = user,
            ["object"] = a.Object?.DeepClone(), ["oldObject"] = a.OldObject?.DeepClone(), ["dryRun"] = a.Context.DryRun,
            ["options"] = new JsonObject
            {
                ["kind"] = a.Operation switch { "CREATE" => "CreateOptions", "UPDATE" => "UpdateOptions", _ => "DeleteOptions" },
                ["apiVersion"] = "meta.k8s.io/v1",
            },
        };
        if (a.Subresource.Length > 0) { req["subResource"] = a.Subresource; req["requestSubResource"] = a.Subresource; }
        return req;
    }
}
