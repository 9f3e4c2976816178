using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Api;
using Conformance.Twin.Kube.Json;
using Conformance.Twin.Kube.Patch;
using Conformance.Twin.Kube.Schema;
using Conformance.Twin.Kube.Storage;
using Microsoft.AspNetCore.Http;

namespace Conformance.Twin.Kube.Http;

public sealed partial class ApiHandler
{
    /// <summary>PATCH in its four flavours; returns the result and whether an apply created the object.</summary>
    async Task<(JsonObject Result, bool Created)> PatchAsync(HttpContext ctx, ResourceType type, string ns, string name, string subresource, RequestContext rc)
    {
        var contentType = (ctx.Request.ContentType ?? "").Split(';')[0].Trim();
        var body = await Bodies.ReadAsync(ctx.Request).ConfigureAwait(false);
        Func<JsonObject, JsonObject> patcher;
        switch (contentType)
        {
            case "application/json-patch+json":
                patcher = cur => JsonPatch.Apply(cur, body) as JsonObject ?? throw ApiException.BadRequest("the patch produced a non-object");
                break;
            case "application/merge-patch+json":
                patcher = cur => (JsonObject)MergePatch.Apply(cur, body)!;
                break;
            case "application/strategic-merge-patch+json":
                // custom resources have no Go struct to read merge keys from (apiserver patch handler)
                if (type.IsCustom)
                    throw ApiException.UnsupportedMediaType(contentType, "application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml");
                patcher = cur => (JsonObject)StrategicMergePatch.Apply(cur, body)!;
                break;
            case "application/apply-patch+yaml" or "application/apply-patch+json":
                return await ApplyAsync(type, ns, name, subresource, Bodies.RequireObject(body), rc, ctx.RequestAborted).ConfigureAwait(false);
            default:
                throw ApiException.UnsupportedMediaType(contentType, "application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml", "application/strategic-merge-patch+json");
        }
        for (var attempt = 0; ; attempt++)
        {
            var current = s.Objects.Get(type, ns, name);
            var currentRv = current.Str("metadata", "resourceVersion");
            var patched = patcher(current.CloneObj());
            var rvInPatch = patched.Str("metadata", "resourceVersion") != currentRv;
            if (!rvInPatch) patched.Meta()["resourceVersion"] = currentRv;
            try
            {
                return (await s.Objects.UpdateAsync(type, ns, name, patched, subresource, rc, ctx.RequestAborted).ConfigureAwait(false), false);
            }
            catch (ApiException e) when (e.Code == 409 && e.Reason == "Conflict" && !rvInPatch && attempt < 20) { }
        }
    }

    async Task<(JsonObject, bool)> ApplyAsync(ResourceType type, string ns, string name, string subresource, JsonObject applied, RequestContext rc, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(rc.FieldManager))
            throw ApiException.Invalid(type, name, [FieldError.Required("fieldManager", "is required for apply patch")]);
        if (applied.Str("metadata", "name") is { Length: > 0 } n && n != name)
            throw ApiException.BadRequest($"the name of the object ({n}) does not match the name on the URL ({name})");
        applied.Meta()["name"] = name;
        var applyRc = rc with { IsApply = true };
        for (var attempt = 0; ; attempt++)
        {
            var live = s.Objects.Table(type).Get(type.Namespaced ? ns : "", name);
            if (live is null)
            {
                if (subresource.Length > 0) throw ApiException.NotFound(type, name);
                var fresh = ServerSideApply.Apply(type, null, applied, rc.FieldManager, rc.Force, s.Time.GetUtcNow());
                try { return (await s.Objects.CreateAsync(type, ns, fresh, applyRc, ct).ConfigureAwait(false), true); }
                catch (ApiException e) when (e.Reason == "AlreadyExists" && attempt < 5) { continue; }
            }
            var merged = ServerSideApply.Apply(type, live, applied, rc.FieldManager, rc.Force, s.Time.GetUtcNow());
            merged.Meta()["resourceVersion"] = live.Str("metadata", "resourceVersion");
            try { return (await s.Objects.UpdateAsync(type, ns, name, merged, subresource, applyRc, ct).ConfigureAwait(false), false); }
            catch (ApiException e) when (e.Code == 409 && e.Reason == "Conflict" && attempt < 20 && e.Message.Contains(ApiException.StaleObject)) { }
        }
    }

    async Task SubresourceAsync(HttpContext ctx, RequestInfo info, ResourceType type, RequestContext rc)
    {
        if (!type.Subresources.Contains(info.Subresource)) throw ApiException.NotFoundPath();
        var ns = info.Namespace;
        switch (info.Subresource, ctx.Request.Method)
        {
            case ("status", "GET"):
                await Responses.WriteJsonAsync(ctx, 200, Out(s.Objects.Get(type, ns, info.Name), rc.Version, type)).ConfigureAwait(false);
                return;
            case ("status", "PUT"):
            {
                var obj = Bodies.RequireObject(await Bodies.ReadAsync(ctx.Request).ConfigureAwait(false));
                var r = await s.Objects.UpdateAsync(type, ns, info.Name, obj, "status", rc, ctx.RequestAborted).ConfigureAwait(false);
                await Responses.WriteJsonAsync(ctx, 200, Out(r, rc.Version, type)).ConfigureAwait(false);
                return;
            }
            case ("status", "PATCH"):
            {
                var (r, _) = await PatchAsync(ctx, type, ns, info.Name, "status", rc).ConfigureAwait(false);
                await Responses.WriteJsonAsync(ctx, 200, Out(r, rc.Version, type)).ConfigureAwait(false);
                return;
            }
            case ("finalize", "PUT"):
            {
                var obj = Bodies.RequireObject(await Bodies.ReadAsync(ctx.Request).ConfigureAwait(false));
                var r = await s.Namespaces.FinalizeAsync(info.Name, obj.Arr("spec", "finalizers"), rc).ConfigureAwait(false);
                await Responses.WriteJsonAsync(ctx, 200, r).ConfigureAwait(false);
                return;
            }
            case ("log", "GET"):
                await s.PodLogs.ProxyAsync(ctx, ns, info.Name).ConfigureAwait(false);
                return;
            case ("binding", "POST"):
            {
                var binding = Bodies.RequireObject(await Bodies.ReadAsync(ctx.Request).ConfigureAwait(false));
                await s.PodLogs.BindAsync(ns, info.Name, binding, rc).ConfigureAwait(false);
                await Responses.WriteJsonAsync(ctx, 201, new JsonObject
                {
                    ["kind"] = "Status", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["status"] = "Success", ["code"] = 201,
                }).ConfigureAwait(false);
                return;
            }
            case ("token", "POST"):
            {
                var req = Bodies.RequireObject(await Bodies.ReadAsync(ctx.Request).ConfigureAwait(false));
                await Responses.WriteJsonAsync(ctx, 201, await s.Reviews.TokenRequestAsync(ns, info.Name, req, rc).ConfigureAwait(false)).ConfigureAwait(false);
                return;
            }
            default:
                throw ApiException.MethodNotSupported(type, info.Verb);
        }
    }
}
