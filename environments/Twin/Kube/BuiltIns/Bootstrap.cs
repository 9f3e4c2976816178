using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Api;
using Conformance.Twin.Kube.Storage;

namespace Conformance.Twin.Kube.BuiltIns;

/// <summary>
/// What a fresh cluster holds: the default, kube-system, kube-public and kube-node-lease namespaces, the kubernetes
/// Service, and the bootstrap RBAC policy the twin's clients rely on (plugin/pkg/auth/authorizer/rbac/bootstrappolicy):
/// cluster-admin, admin/edit/view (simplified, not aggregated), system:auth-delegator, system:basic-user,
/// system:discovery, system:public-info-viewer, system:service-account-issuer-discovery and their bindings.
/// </summary>
public static class Bootstrap
{
    static JsonObject Rule(string[] verbs, string[]? groups = null, string[]? resources = null, string[]? urls = null)
    {
        var r = new JsonObject { ["verbs"] = Arr(verbs) };
        if (groups is not null) r["apiGroups"] = Arr(groups);
        if (resources is not null) r["resources"] = Arr(resources);
        if (urls is not null) r["nonResourceURLs"] = Arr(urls);
        return r;
    }

    static JsonArray Arr(IEnumerable<string> s) => new(s.Select(x => (JsonNode)x).ToArray());

    static readonly string[] Read = ["get", "list", "watch"];
    static readonly string[] Write = ["create", "delete", "deletecollection", "patch", "update"];

    static readonly string[] NamespacedCore = ["pods", "pods/log", "pods/status", "services", "endpoints", "configmaps", "persistentvolumeclaims", "serviceaccounts", "events", "replicationcontrollers"];

    public static async Task RunAsync(ObjectService objects)
    {
        var rc = RequestContext.System();
        var store = objects.Store;
        ResourceType T(string g, string p) => store.Find(g, "v1", p)!;
        foreach (var ns in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
            await objects.CreateAsync(T("", "namespaces"), "", new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } }, rc).ConfigureAwait(false);
        await objects.CreateAsync(T("", "services"), "default", new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "kubernetes", ["labels"] = new JsonObject { ["component"] = "apiserver", ["provider"] = "kubernetes" } },
            ["spec"] = new JsonObject
            {
                ["clusterIP"] = "10.43.0.1",
                ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = 443, ["protocol"] = "TCP", ["targetPort"] = 6443 }),
            },
        }, rc).ConfigureAwait(false);

        var roles = new Dictionary<string, JsonArray>
        {
            ["cluster-admin"] = new(Rule(["*"], ["*"], ["*"]), Rule(["*"], urls: ["*"])),
            ["admin"] = new(Rule([.. Read, .. Write], [""], [.. NamespacedCore, "secrets"]), Rule([.. Read, .. Write], ["apps", "batch", "networking.k8s.io", "policy", "coordination.k8s.io", "discovery.k8s.io"], ["*"]),
                Rule([.. Read, .. Write], ["rbac.authorization.k8s.io"], ["roles", "rolebindings"]), Rule(["create"], ["authorization.k8s.io"], ["localsubjectaccessreviews"]), Rule(["create"], [""], ["serviceaccounts/token"])),
            ["edit"] = new(Rule([.. Read, .. Write], [""], [.. NamespacedCore, "secrets"]), Rule([.. Read, .. Write], ["apps", "batch", "networking.k8s.io", "policy", "coordination.k8s.io", "discovery.k8s.io"], ["*"]), Rule(["create"], [""], ["serviceaccounts/token"])),
            ["view"] = new(Rule(Read, [""], NamespacedCore), Rule(Read, ["apps", "batch", "networking.k8s.io", "policy", "discovery.k8s.io"], ["*"])),
            ["system:auth-delegator"] = new(Rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]), Rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews"])),
            ["system:basic-user"] = new(Rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]), Rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"])),
            ["system:discovery"] = new(Rule(["get"], urls: ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"])),
            ["system:public-info-viewer"] = new(Rule(["get"], urls: ["/healthz", "/livez", "/readyz", "/version", "/version/"])),
            ["system:service-account-issuer-discovery"] = new(Rule(["get"], urls: ["/.well-known/openid-configuration", "/.well-known/openid-configuration/", "/openid/v1/jwks", "/openid/v1/jwks/"])),
        };
        foreach (var (name, rules) in roles)
            await objects.CreateAsync(T("rbac.authorization.k8s.io", "clusterroles"), "", new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = name, ["labels"] = new JsonObject { ["kubernetes.io/bootstrapping"] = "rbac-defaults" } },
                ["rules"] = rules,
            }, rc).ConfigureAwait(false);
        var bindings = new (string Role, string Group)[]
        {
            ("cluster-admin", "system:masters"), ("system:basic-user", "system:authenticated"), ("system:discovery", "system:authenticated"),
            ("system:public-info-viewer", "system:authenticated"), ("system:service-account-issuer-discovery", "system:serviceaccounts"),
        };
        foreach (var (role, group) in bindings)
            await objects.CreateAsync(T("rbac.authorization.k8s.io", "clusterrolebindings"), "", new JsonObject
            {
                ["metadata"] = new JsonObject { ["name"] = role, ["labels"] = new JsonObject { ["kubernetes.io/bootstrapping"] = "rbac-defaults" } },
                ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "ClusterRole", ["name"] = role },
                ["subjects"] = new JsonArray(new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "Group", ["name"] = group }),
            }, rc).ConfigureAwait(false);
    }
}
