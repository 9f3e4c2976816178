using Conformance.Twin.Kube.Storage;

namespace Conformance.Twin.Kube.BuiltIns;

/// <summary>The built-in resources the twin serves, with their names as `kubectl api-resources` lists them on v1.32.</summary>
public static class BuiltInResources
{
    static ResourceType R(string group, string version, string plural, string singular, string kind, bool ns,
        string[]? shortNames = null, string[]? sub = null, string[]? categories = null, bool isVirtual = false, string[]? fields = null) => new()
    {
        Group = group, Versions = [version], Plural = plural, Singular = singular, Kind = kind, Namespaced = ns,
        ShortNames = shortNames ?? [], Subresources = new HashSet<string>(sub ?? []), Categories = categories ?? [],
        Virtual = isVirtual, FieldLabels = fields ?? [],
    };

    static readonly string[] All = ["all"];

    public static IReadOnlyList<ResourceType> Create() =>
    [
        R("", "v1", "namespaces", "namespace", "Namespace", false, ["ns"], ["status", "finalize"], fields: ["status.phase"]),
        R("", "v1", "secrets", "secret", "Secret", true, fields: ["type"]),
        R("", "v1", "configmaps", "configmap", "ConfigMap", true, ["cm"]),
        R("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, ["sa"], ["token"]),
        R("", "v1", "pods", "pod", "Pod", true, ["po"], ["status", "log", "binding"], All,
            fields: ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork",
                     "status.phase", "status.podIP", "status.nominatedNodeName"]),
        R("", "v1", "events", "event", "Event", true, ["ev"],
            fields: ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
                     "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
                     "reportingComponent", "source", "type"]),
        R("", "v1", "services", "service", "Service", true, ["svc"], ["status"], All),
        R("", "v1", "endpoints", "endpoints", "Endpoints", true, ["ep"]),
        R("", "v1", "nodes", "node", "Node", false, ["no"], ["status"], fields: ["spec.unschedulable"]),
        R("", "v1", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true, ["pvc"], ["status"]),
        R("", "v1", "persistentvolumes", "persistentvolume", "PersistentVolume", false, ["pv"], ["status"]),
        R("", "v1", "resourcequotas", "resourcequota", "ResourceQuota", true, ["quota"], ["status"]),
        R("", "v1", "limitranges", "limitrange", "LimitRange", true, ["limits"]),
        R("discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", true),
        R("apps", "v1", "deployments", "deployment", "Deployment", true, ["deploy"], ["status"], All),
        R("apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, ["rs"], ["status"], All),
        R("apps", "v1", "statefulsets", "statefulset", "StatefulSet", true, ["sts"], ["status"], All),
        R("apps", "v1", "daemonsets", "daemonset", "DaemonSet", true, ["ds"], ["status"], All),
        R("batch", "v1", "jobs", "job", "Job", true, sub: ["status"], categories: All),
        R("batch", "v1", "cronjobs", "cronjob", "CronJob", true, ["cj"], ["status"], All),
        R("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", true),
        R("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", true),
        R("rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", false),
        R("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false),
        R("authentication.k8s.io", "v1", "tokenreviews", "tokenreview", "TokenReview", false, isVirtual: true),
        R("authentication.k8s.io", "v1", "selfsubjectreviews", "selfsubjectreview", "SelfSubjectReview", false, isVirtual: true),
        R("authorization.k8s.io", "v1", "selfsubjectaccessreviews", "selfsubjectaccessreview", "SelfSubjectAccessReview", false, isVirtual: true),
        R("authorization.k8s.io", "v1", "subjectaccessreviews", "subjectaccessreview", "SubjectAccessReview", false, isVirtual: true),
        R("authorization.k8s.io", "v1", "localsubjectaccessreviews", "localsubjectaccessreview", "LocalSubjectAccessReview", true, isVirtual: true),
        R("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", false, ["crd", "crds"], ["status"], ["api-extensions"]),
        R("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "mutatingwebhookconfiguration", "MutatingWebhookConfiguration", false, categories: ["api-extensions"]),
        R("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "validatingwebhookconfiguration", "ValidatingWebhookConfiguration", false, categories: ["api-extensions"]),
        R("coordination.k8s.io", "v1", "leases", "lease", "Lease", true),
        R("networking.k8s.io", "v1", "networkpolicies", "networkpolicy", "NetworkPolicy", true, ["netpol"]),
        R("networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", true, ["ing"], ["status"]),
        R("policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", true, ["pdb"], ["status"]),
        R("storage.k8s.io", "v1", "storageclasses", "storageclass", "StorageClass", false, ["sc"]),
        R("scheduling.k8s.io", "v1", "priorityclasses", "priorityclass", "PriorityClass", false, ["pc"]),
    ];
}
