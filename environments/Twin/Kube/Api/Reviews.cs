using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Auth;
using Conformance.Twin.Kube.Http;
using Conformance.Twin.Kube.Json;
using Conformance.Twin.Kube.Schema;
using Conformance.Twin.Kube.Storage;

namespace Conformance.Twin.Kube.Api;

/// <summary>
/// The create-only review APIs (TokenReview, SubjectAccessReview, SelfSubjectAccessReview, LocalSubjectAccessReview,
/// SelfSubjectReview) and TokenRequest (serviceaccounts/token), answered as pkg/registry/authentication and
/// pkg/registry/authorization do.
/// </summary>
public sealed class Reviews(ObjectStore store, TokenIssuer tokens, RbacAuthorizer rbac, TimeProvider time)
{
    public async Task<JsonObject> AnswerAsync(ResourceType t, string ns, JsonObject review, RequestContext rc)
    {
        var result = review.CloneObj();
        result["apiVersion"] = t.ApiVersion(rc.Version);
        result["kind"] = t.Kind;
        result["metadata"] = new JsonObject { ["creationTimestamp"] = null };
        switch (t.Plural)
        {
            case "tokenreviews":
            {
                var token = review.Str("spec", "token");
                if (string.IsNullOrEmpty(token))
                    throw ApiException.Invalid(t, "", [FieldError.Required("spec.token", "")]);
                var auds = review.Arr("spec", "audiences")?.Select(a => a!.GetValue<string>()).ToList();
                var check = await tokens.ValidateAsync(token, auds).ConfigureAwait(false);
                var status = new JsonObject();
                if (check.User is { } u)
                {
                    status["authenticated"] = true;
                    status["user"] = UserJson(u);
                    status["audiences"] = new JsonArray(check.Audiences.Select(a => (JsonNode)a).ToArray());
                }
                else
                {
                    status["user"] = new JsonObject();
                    // the union authenticator reports the token authenticator's error in a list
                    status["error"] = $"[invalid bearer token, {check.Error}]";
                }
                result["status"] = status;
                return result;
            }
            case "selfsubjectreviews":
                result["status"] = new JsonObject { ["userInfo"] = UserJson(rc.User) };
                return result;
            case "selfsubjectaccessreviews":
                result["status"] = Decide(rc.User, review.Obj("spec"), null);
                return result;
            case "subjectaccessreviews":
            case "localsubjectaccessreviews":
            {
                var spec = review.Obj("spec");
                var user = new UserInfo(spec.Str("user") ?? "", spec.Str("uid") ?? "",
                    (spec.Arr("groups") ?? []).Select(g => g!.GetValue<string>()).ToList());
                if (user.Name.Length == 0 && user.Groups.Count == 0)
                    throw ApiException.Invalid(t, "", [FieldError.Invalid("spec.user", JsonValue.Create(""), "at least one of user or group must be specified")]);
                result["status"] = Decide(user, spec, t.Plural == "localsubjectaccessreviews" ? ns : null);
                return result;
            }
        }
        throw ApiException.MethodNotSupported(t, "create");
    }

    JsonObject Decide(UserInfo user, JsonObject? spec, string? forceNs)
    {
        RequestAttributes a;
        if (spec.Obj("resourceAttributes") is { } ra)
            a = new RequestAttributes(user, ra.Str("verb") ?? "", ra.Str("group") ?? "", ra.Str("resource") ?? "", ra.Str("subresource") ?? "",
                forceNs ?? ra.Str("namespace") ?? "", ra.Str("name") ?? "");
        else if (spec.Obj("nonResourceAttributes") is { } nra)
            a = new RequestAttributes(user, nra.Str("verb") ?? "", "", "", "", "", "", false, nra.Str("path") ?? "");
        else
            throw ApiException.BadRequest("spec.resourceAttributes or spec.nonResourceAttributes is required");
        var d = rbac.Authorize(a);
        var status = new JsonObject { ["allowed"] = d.Allowed };
        if (d.Reason.Length > 0) status["reason"] = d.Reason;
        return status;
    }

    static JsonObject UserJson(UserInfo u)
    {
        var o = new JsonObject
        {
            ["username"] = u.Name, ["uid"] = u.Uid,
            ["groups"] = new JsonArray(u.Groups.Select(g => (JsonNode)g).ToArray()),
        };
        if (u.Extra is { Count: > 0 } extra)
        {
            var e = new JsonObject();
            foreach (var (k, v) in extra) e[k] = new JsonArray(v.Select(x => (JsonNode)x).ToArray());
            o["extra"] = e;
        }
        return o;
    }

    /// <summary>POST serviceaccounts/{name}/token (pkg/registry/core/serviceaccount/storage/token.go).</summary>
    public async Task<JsonObject> TokenRequestAsync(string ns, string saName, JsonObject req, RequestContext rc)
    {
        var saType = store.Find("", "v1", "serviceaccounts")!;
        var sa = store.TableFor(saType).Get(ns, saName) ?? throw ApiException.NotFound(saType, saName);
        var trType = new ResourceType { Group = "authentication.k8s.io", Versions = ["v1"], Plural = "tokenrequests", Singular = "tokenrequest", Kind = "TokenRequest", Namespaced = true };
        var expSeconds = req.Long("spec", "expirationSeconds") ?? 3600;
        if (expSeconds < 600)
            throw ApiException.Invalid(trType, saName, [FieldError.Invalid("spec.expirationSeconds", JsonValue.Create(expSeconds), "may not specify a duration less than 10 minutes")]);
        if (expSeconds > 1L << 32)
            throw ApiException.Invalid(trType, saName, [FieldError.Invalid("spec.expirationSeconds", JsonValue.Create(expSeconds), "may not specify a duration larger than 2^32 seconds")]);
        JsonObject? bound = null, node = null;
        if (req.Obj("spec", "boundObjectRef") is { } bref)
        {
            var kind = bref.Str("kind");
            var plural = kind switch { "Pod" => "pods", "Secret" => "secrets", "Node" => "nodes", _ => throw ApiException.BadRequest($"cannot bind token to object of type {kind}") };
            var bt = store.Find("", "v1", plural)!;
            bound = store.TableFor(bt).Get(plural == "nodes" ? "" : ns, bref.Str("name") ?? "") ?? throw ApiException.NotFound(bt, bref.Str("name") ?? "");
            if (bref.Str("uid") is { Length: > 0 } uid && uid != bound.Uid())
                throw ApiException.Conflict(bt, bound.Name(), $"the UID in the bound object reference ({uid}) does not match the UID in record. The object might have been deleted and then recreated");
            if (plural == "pods" && bound.Str("spec", "nodeName") is { Length: > 0 } nn)
                node = store.Table("", "nodes")?.Get("", nn);
        }
        var auds = req.Arr("spec", "audiences")?.Select(a => a!.GetValue<string>()).ToList();
        var (token, exp) = await tokens.IssueAsync(sa, auds, TimeSpan.FromSeconds(expSeconds), bound, node).ConfigureAwait(false);
        var spec = req.Obj("spec")?.DeepClone() as JsonObject ?? new JsonObject();
        spec["audiences"] = new JsonArray((auds is { Count: > 0 } ? auds : tokens.ApiAudiences).Select(a => (JsonNode)a).ToArray());
        spec["expirationSeconds"] = expSeconds;
        spec["boundObjectRef"] ??= null;
        return new JsonObject
        {
            ["kind"] = "TokenRequest", ["apiVersion"] = "authentication.k8s.io/v1",
            ["metadata"] = new JsonObject { ["name"] = saName, ["namespace"] = ns, ["creationTimestamp"] = JsonUtil.Rfc3339(time.GetUtcNow()) },
            ["spec"] = spec,
            ["status"] = new JsonObject { ["token"] = token, ["expirationTimestamp"] = JsonUtil.Rfc3339(exp) },
        };
    }
}
