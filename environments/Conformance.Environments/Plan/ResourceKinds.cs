namespace Conformance.Environments.Plan;

/// <summary>REST paths of the kinds the live worlds apply and watch (no discovery round trip needed).</summary>
public static class ResourceKinds
{
    private static readonly Dictionary<(string ApiVersion, string Kind), (string Plural, bool Namespaced)> Known = new()
    {
        [("v1", "Namespace")] = ("namespaces", false),
        [("v1", "Node")] = ("nodes", false),
        [("v1", "Service")] = ("services", true),
        [("v1", "ServiceAccount")] = ("serviceaccounts", true),
        [("v1", "Secret")] = ("secrets", true),
        [("v1", "Pod")] = ("pods", true),
        [("v1", "Event")] = ("events", true),
        [("discovery.k8s.io/v1", "EndpointSlice")] = ("endpointslices", true),
        [("apps/v1", "Deployment")] = ("deployments", true),
        [("batch/v1", "Job")] = ("jobs", true),
        [("rbac.authorization.k8s.io/v1", "ClusterRole")] = ("clusterroles", false),
        [("rbac.authorization.k8s.io/v1", "ClusterRoleBinding")] = ("clusterrolebindings", false),
        [("rbac.authorization.k8s.io/v1", "Role")] = ("roles", true),
        [("rbac.authorization.k8s.io/v1", "RoleBinding")] = ("rolebindings", true),
        [("apiextensions.k8s.io/v1", "CustomResourceDefinition")] = ("customresourcedefinitions", false),
        [("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration")] = ("mutatingwebhookconfigurations", false),
        [("helm.cattle.io/v1", "HelmChart")] = ("helmcharts", true),
        [("external-secrets.io/v1", "ClusterSecretStore")] = ("clustersecretstores", false),
        [("external-secrets.io/v1", "SecretStore")] = ("secretstores", true),
        [("external-secrets.io/v1", "ExternalSecret")] = ("externalsecrets", true),
        [("mlops.mlops.dev/v1alpha1", "NotebookValidationJob")] = ("notebookvalidationjobs", true),
    };

    public static bool IsKnown(string apiVersion, string kind) => Known.ContainsKey((apiVersion, kind));

    /// <summary>The collection path (<paramref name="name"/> null) or the object path.</summary>
    public static string PathFor(string apiVersion, string kind, string? ns, string? name = null)
    {
        if (!Known.TryGetValue((apiVersion, kind), out var info))
            throw new NotSupportedException($"no REST mapping for {apiVersion} {kind}; add it to {nameof(ResourceKinds)}");
        var prefix = apiVersion.Contains('/') ? "/apis/" + apiVersion : "/api/" + apiVersion;
        var path = info.Namespaced && ns is not null ? $"{prefix}/namespaces/{ns}/{info.Plural}" : $"{prefix}/{info.Plural}";
        return name is null ? path : $"{path}/{Uri.EscapeDataString(name)}";
    }
}
