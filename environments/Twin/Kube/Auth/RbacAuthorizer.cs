using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Json;
using Conformance.Twin.Kube.Storage;

namespace Conformance.Twin.Kube.Auth;

/// <summary>
/// RBAC as plugin/pkg/auth/authorizer/rbac evaluates it: system:masters is all-powerful; otherwise a request is
/// allowed when a ClusterRoleBinding, or a RoleBinding in the request's namespace, binds a subject matching the user
/// to a (Cluster)Role with a rule covering verb, API group, resource[/subresource] and resourceName (or non-resource URL).
/// Aggregated ClusterRoles are not supported.
/// </summary>
public sealed class RbacAuthorizer(ObjectStore store)
{
    public sealed record Decision(bool Allowed, string Reason);

    /// <summary>True under <see cref="KubeFaults.RoleBindingGrantsClusterWide"/>: a RoleBinding's rules apply in
    /// every namespace (and to cluster-scoped requests), as if it were a ClusterRoleBinding.</summary>
    public bool RoleBindingsApplyEverywhere { get; init; }

    public Decision Authorize(RequestAttributes a)
    {
        if (a.User.IsMaster) return new(true, "");
        foreach (var crb in Items("clusterrolebindings", null))
        {
            if (!BindsUser(crb, a.User, "")) continue;
            var role = store.Table("rbac.authorization.k8s.io", "clusterroles")?.Get("", crb.Str("roleRef", "name") ?? "");
            if (role is not null && RulesAllow(role, a))
                return new(true, $"RBAC: allowed by ClusterRoleBinding \"{crb.Name()}\" of ClusterRole \"{role.Name()}\" to {SubjectText(crb, a.User)}");
        }
        if (a.Namespace.Length > 0 || RoleBindingsApplyEverywhere)
        {
            foreach (var rb in Items("rolebindings", RoleBindingsApplyEverywhere ? null : a.Namespace))
            {
                // the binding's own namespace: subjects without one and its Role are resolved there
                var bindingNs = rb.Namespace();
                if (!BindsUser(rb, a.User, bindingNs)) continue;
                var refKind = rb.Str("roleRef", "kind");
                var refName = rb.Str("roleRef", "name") ?? "";
                var role = refKind == "ClusterRole"
                    ? store.Table("rbac.authorization.k8s.io", "clusterroles")?.Get("", refName)
                    : store.Table("rbac.authorization.k8s.io", "roles")?.Get(bindingNs, refName);
                if (role is not null && RulesAllow(role, a))
                    return new(true, $"RBAC: allowed by RoleBinding \"{rb.Name()}/{bindingNs}\" of {refKind} \"{refName}\" to {SubjectText(rb, a.User)}");
            }
        }
        return new(false, "");
    }

    /// <summary>The rules that apply to a user in a namespace (for SelfSubjectRulesReview-like listings and tests).</summary>
    IEnumerable<JsonObject> Items(string plural, string? ns) =>
        store.Table("rbac.authorization.k8s.io", plural)?.List(ns).Items ?? [];

    static bool BindsUser(JsonObject binding, UserInfo user, string bindingNs)
    {
        foreach (var s in binding.Arr("subjects") ?? [])
        {
            var name = s.Str("name") ?? "";
            switch (s.Str("kind"))
            {
                case "User" when name == user.Name: return true;
                case "Group" when user.Groups.Contains(name): return true;
                case "ServiceAccount":
                    var ns = s.Str("namespace") is { Length: > 0 } n ? n : bindingNs;
                    if (user.Name == $"system:serviceaccount:{ns}:{name}") return true;
                    break;
            }
        }
        return false;
    }

    static string SubjectText(JsonObject binding, UserInfo user)
    {
        foreach (var s in binding.Arr("subjects") ?? [])
        {
            var kind = s.Str("kind"); var name = s.Str("name");
            if (kind == "User" && name == user.Name) return $"User \"{name}\"";
            if (kind == "Group" && user.Groups.Contains(name!)) return $"Group \"{name}\"";
            if (kind == "ServiceAccount") return $"ServiceAccount \"{name}/{s.Str("namespace")}\"";
        }
        return "";
    }

    static bool RulesAllow(JsonObject role, RequestAttributes a) =>
        (role.Arr("rules") ?? []).OfType<JsonObject>().Any(r => RuleAllows(r, a));

    public static bool RuleAllows(JsonObject rule, RequestAttributes a)
    {
        if (!Has(rule.Arr("verbs"), a.Verb)) return false;
        if (!a.IsResourceRequest)
        {
            foreach (var u in rule.Arr("nonResourceURLs") ?? [])
            {
                var url = u?.GetValue<string>() ?? "";
                if (url == "*" || url == a.Path || (url.EndsWith('*') && a.Path.StartsWith(url[..^1], StringComparison.Ordinal))) return true;
            }
            return false;
        }
        if (!Has(rule.Arr("apiGroups"), a.ApiGroup)) return false;
        var combined = a.Subresource.Length > 0 ? $"{a.Resource}/{a.Subresource}" : a.Resource;
        var resOk = false;
        foreach (var r in rule.Arr("resources") ?? [])
        {
            var s = r?.GetValue<string>() ?? "";
            if (s == "*" || s == combined) { resOk = true; break; }
            if (a.Subresource.Length > 0 && (s == $"*/{a.Subresource}" || s == $"{a.Resource}/*")) { resOk = true; break; }
        }
        if (!resOk) return false;
        var names = rule.Arr("resourceNames");
        if (names is null || names.Count == 0) return true;
        return a.Name.Length > 0 && names.Any(n => n?.GetValue<string>() == a.Name);
    }

    static bool Has(JsonArray? list, string value) => list is not null && list.Any(x => x?.GetValue<string>() is { } s && (s == "*" || s == value));
}
