using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Api;
using Conformance.Twin.Kube.Auth;
using Conformance.Twin.Kube.Discovery;
using Conformance.Twin.Kube.Json;
using Conformance.Twin.Kube.Storage;
using Microsoft.AspNetCore.Http;

namespace Conformance.Twin.Kube.Http;

/// <summary>
/// The HTTP front: authentication, authorization, then discovery or the resource verbs. Each request is routed
/// by its path as kube-apiserver's RequestInfoFactory does.
/// </summary>
public sealed partial class ApiHandler(ServerContext s)
{
    public async Task HandleAsync(HttpContext ctx)
    {
        try
        {
            var path = ctx.Request.Path.Value ?? "/";
            if (path is "/healthz" or "/livez" or "/readyz")
            {
                ctx.Response.ContentType = "text/plain";
                await ctx.Response.WriteAsync("ok", ctx.RequestAborted).ConfigureAwait(false);
                return;
            }
            var user = await AuthenticateAsync(ctx).ConfigureAwait(false);
            var q = ctx.Request.Query;
            var info = RequestInfo.Parse(ctx.Request.Method, path, IsTrue(q["watch"]));
            if (info is null)
            {
                await NonResourceAsync(ctx, user, path).ConfigureAwait(false);
                return;
            }
            var attrs = new RequestAttributes(user, info.Verb, info.Group, info.Resource, info.Subresource, info.Namespace, info.Name);
            var decision = s.Rbac.Authorize(attrs);
            if (!decision.Allowed)
                throw ApiException.Forbidden(attrs.GroupResource, info.Group, info.Resource, info.Name, attrs.ForbiddenMessage());
            var type = s.Store.Find(info.Group, info.Version, info.Resource) ?? throw ApiException.NotFoundPath();
            if (type.Namespaced != (info.Namespace.Length > 0) && !(type.Plural == "namespaces") && info.Verb is not ("list" or "watch" or "deletecollection"))
                throw ApiException.NotFoundPath();
            if (!type.Namespaced && info.Namespace.Length > 0 && type.Plural != "namespaces") throw ApiException.NotFoundPath();
            var rc = new RequestContext(user, info.Version, q["dryRun"].Count > 0 && q["dryRun"].ToString() == "All",
                q["fieldManager"].ToString(), q["fieldValidation"].ToString(), IsTrue(q["force"]), ctx.Request.Headers.UserAgent.ToString());
            await ResourceAsync(ctx, info, type, rc).ConfigureAwait(false);
        }
        catch (ApiException e)
        {
            if (!ctx.Response.HasStarted) await Responses.WriteStatusAsync(ctx, e).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested) { }
        catch (Exception e) when (!ctx.Response.HasStarted)
        {
            s.Log?.Invoke($"internal error on {ctx.Request.Method} {ctx.Request.Path}: {e}");
            await Responses.WriteStatusAsync(ctx, ApiException.Internal(e.Message)).ConfigureAwait(false);
        }
    }

    static bool IsTrue(Microsoft.Extensions.Primitives.StringValues v) => v.Count > 0 && v.ToString() is "true" or "1" or "True";

    async Task<UserInfo> AuthenticateAsync(HttpContext ctx)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) throw ApiException.Unauthorized();
        var token = header[7..].Trim();
        if (token == s.AdminToken) return UserInfo.Admin;
        var check = await s.Tokens.ValidateAsync(token, null).ConfigureAwait(false);
        return check.User ?? throw ApiException.Unauthorized();
    }

    async Task NonResourceAsync(HttpContext ctx, UserInfo user, string path)
    {
        var attrs = new RequestAttributes(user, ctx.Request.Method == "GET" ? "get" : ctx.Request.Method.ToLowerInvariant(), "", "", "", "", "", false, path);
        if (!s.Rbac.Authorize(attrs).Allowed) throw new ApiException(403, "Forbidden", $"forbidden: {attrs.ForbiddenMessage()}", new JsonObject());
        var segs = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        JsonNode? body = segs switch
        {
            ["version"] => DiscoveryDocs.Version(),
            ["api"] => DiscoveryDocs.ApiVersions($"127.0.0.1:{s.Port}"),
            ["api", var v] => DiscoveryDocs.ResourceList(s.Store.Types, "", v),
            ["apis"] => DiscoveryDocs.ApiGroupList(s.Store.Types),
            ["apis", var g] => DiscoveryDocs.ApiGroup(s.Store.Types, g),
            ["apis", var g, var v] => DiscoveryDocs.ResourceList(s.Store.Types, g, v),
            ["openapi", "v3"] => OpenApiDocs.Root(s.Store.Types),
            ["openapi", "v3", "api", var v] => OpenApiDocs.GroupVersion(s.Store.Types, "", v),
            ["openapi", "v3", "apis", var g, var v] => OpenApiDocs.GroupVersion(s.Store.Types, g, v),
            [".well-known", "openid-configuration"] => new JsonObject
            {
                ["issuer"] = s.Tokens.Issuer, ["jwks_uri"] = $"https://127.0.0.1:{s.Port}/openid/v1/jwks",
                ["response_types_supported"] = new JsonArray("id_token"), ["subject_types_supported"] = new JsonArray("public"),
                ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            },
            _ => null,
        };
        if (body is null) throw ApiException.NotFoundPath();
        await Responses.WriteJsonAsync(ctx, 200, body).ConfigureAwait(false);
    }

    async Task ResourceAsync(HttpContext ctx, RequestInfo info, ResourceType type, RequestContext rc)
    {
        var method = ctx.Request.Method;
        var ns = info.Namespace;
        if (type.Virtual)
        {
            if (method != "POST" || info.Name.Length > 0) throw ApiException.MethodNotSupported(type, info.Verb);
            var review = Bodies.RequireObject(await Bodies.ReadAsync(ctx.Request).ConfigureAwait(false));
            await Responses.WriteJsonAsync(ctx, 201, await s.Reviews.AnswerAsync(type, ns, review, rc).ConfigureAwait(false)).ConfigureAwait(false);
            return;
        }
        if (info.Subresource.Length > 0)
        {
            await SubresourceAsync(ctx, info, type, rc).ConfigureAwait(false);
            return;
        }
        switch (info.Verb)
        {
            case "get":
            {
                var obj = Out(s.Objects.Get(type, ns, info.Name), rc.Version, type);
                await Responses.WriteJsonAsync(ctx, 200, WantsTable(ctx)
                    ? Tables.ForList(type, new JsonObject { ["metadata"] = new JsonObject { ["resourceVersion"] = obj.Str("metadata", "resourceVersion") }, ["items"] = new JsonArray(obj.DeepClone()) }, rc.Version, s.Time)
                    : obj).ConfigureAwait(false);
                return;
            }
            case "list":
                await ListAsync(ctx, type, ns, rc).ConfigureAwait(false);
                return;
            case "watch":
                await WatchAsync(ctx, type, ns, info, rc).ConfigureAwait(false);
                return;
            case "create":
            {
                if (info.Name.Length > 0) throw ApiException.MethodNotSupported(type, "create");
                var obj = Bodies.RequireObject(await Bodies.ReadAsync(ctx.Request).ConfigureAwait(false));
                var created = await s.Objects.CreateAsync(type, ns, obj, rc, ctx.RequestAborted).ConfigureAwait(false);
                await Responses.WriteJsonAsync(ctx, 201, Out(created, rc.Version, type)).ConfigureAwait(false);
                return;
            }
            case "update":
            {
                var obj = Bodies.RequireObject(await Bodies.ReadAsync(ctx.Request).ConfigureAwait(false));
                var updated = await s.Objects.UpdateAsync(type, ns, info.Name, obj, "", rc, ctx.RequestAborted).ConfigureAwait(false);
                await Responses.WriteJsonAsync(ctx, 200, Out(updated, rc.Version, type)).ConfigureAwait(false);
                return;
            }
            case "patch":
            {
                var (result, created) = await PatchAsync(ctx, type, ns, info.Name, "", rc).ConfigureAwait(false);
                await Responses.WriteJsonAsync(ctx, created ? 201 : 200, Out(result, rc.Version, type)).ConfigureAwait(false);
                return;
            }
            case "delete":
            {
                var opts = await DeleteOptionsAsync(ctx).ConfigureAwait(false);
                var (obj, removed) = await s.Objects.DeleteAsync(type, ns, info.Name, opts, rc with { DryRun = rc.DryRun || opts.DryRun }, ctx.RequestAborted).ConfigureAwait(false);
                // registries that return the deleted object (pods, namespaces, custom resources) do; others answer Status Success
                JsonNode body = !removed || type.IsCustom || type.Plural is "pods" or "namespaces"
                    ? Out(obj, rc.Version, type)
                    : Responses.Success(info.Name, type.Group, type.Plural, obj.Uid());
                await Responses.WriteJsonAsync(ctx, removed ? 200 : 200, body).ConfigureAwait(false);
                return;
            }
            case "deletecollection":
            {
                var opts = await DeleteOptionsAsync(ctx).ConfigureAwait(false);
                var labels = LabelSelector.Parse(ctx.Request.Query["labelSelector"]);
                var fields = FieldSelector.Parse(ctx.Request.Query["fieldSelector"], type);
                var (items, _) = s.Objects.Table(type).List(type.Namespaced && ns.Length > 0 ? ns : null);
                var deleted = new JsonArray();
                foreach (var o in items.Where(o => labels.Matches(o) && fields.Matches(o)))
                {
                    try { deleted.Add(Out((await s.Objects.DeleteAsync(type, o.Namespace(), o.Name(), opts, rc, ctx.RequestAborted).ConfigureAwait(false)).Object, rc.Version, type)); }
                    catch (ApiException e) when (e.Code == 404) { }
                }
                await Responses.WriteJsonAsync(ctx, 200, new JsonObject
                {
                    ["apiVersion"] = type.ApiVersion(rc.Version), ["kind"] = type.ListKind,
                    ["metadata"] = new JsonObject { ["resourceVersion"] = s.Store.CurrentRv.ToString() }, ["items"] = deleted,
                }).ConfigureAwait(false);
                return;
            }
            default:
                throw ApiException.MethodNotSupported(type, info.Verb);
        }
    }

    sealed record DeleteBody(string? PropagationPolicy, long? GracePeriodSeconds, string? Uid, string? Rv, bool DryRun);

    async Task<DeleteRequestEx> DeleteOptionsAsync(HttpContext ctx)
    {
        var q = ctx.Request.Query;
        JsonNode? body = null;
        if (ctx.Request.ContentLength is > 0 || ctx.Request.Headers.TransferEncoding.Count > 0)
            body = await Bodies.ReadAsync(ctx.Request, allowEmpty: true).ConfigureAwait(false);
        var policy = q["propagationPolicy"].Count > 0 ? q["propagationPolicy"].ToString() : body.Str("propagationPolicy");
        if (policy is null && body.Bool("orphanDependents") == true) policy = "Orphan";
        long? grace = q["gracePeriodSeconds"].Count > 0 && long.TryParse(q["gracePeriodSeconds"], out var g) ? g : body.Long("gracePeriodSeconds");
        var dry = body.Arr("dryRun")?.Any(x => x?.ToString() == "All") == true;
        return new DeleteRequestEx(new DeleteRequest(policy, grace, body.Str("preconditions", "uid"), body.Str("preconditions", "resourceVersion")), dry);
    }

    /// <summary>Returns an object as the requested version (custom resources: only apiVersion differs, conversion None).</summary>
    internal static JsonObject Out(JsonObject obj, string version, ResourceType type)
    {
        var av = type.ApiVersion(version);
        if (obj.Str("apiVersion") == av) return obj;
        var c = obj.CloneObj();
        c["apiVersion"] = av;
        return c;
    }
}

/// <summary>DeleteOptions plus the body's dryRun.</summary>
public sealed record DeleteRequestEx(DeleteRequest Options, bool DryRun)
{
    public static implicit operator DeleteRequest(DeleteRequestEx e) => e.Options;
}
