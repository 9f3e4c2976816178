namespace Conformance.Twin.Kube;

/// <summary>
/// Named faults of the twin's Kubernetes control plane (DESIGN.md §2): each breaks one behaviour of the API server
/// (admission, custom-resource validation), its RBAC authorizer or its garbage collector, to prove that a scenario
/// notices. The prefix says the part: <c>apiserver-</c>, <c>rbac-</c>, <c>gc-</c>. What each models and where that
/// failure was seen is in the fault catalogue (Conformance.Environments TwinFaultCatalogue).
/// </summary>
public static class KubeFaults
{
    /// <summary>The ServiceAccount admission plugin admits a pod naming a ServiceAccount that does not exist (it still
    /// defaults the name and adds the projected token volume); the kubelet then cannot fetch the token.</summary>
    public const string AdmitsMissingServiceAccount = "apiserver-admits-missing-service-account";

    /// <summary>Pod Security Admission does not enforce the namespace's pod-security.kubernetes.io/enforce level.</summary>
    public const string SkipsPodSecurity = "apiserver-skips-pod-security";

    /// <summary>A custom resource's structural schema is not enforced: type, enum, required and format errors are
    /// admitted (pruning and defaulting still happen).</summary>
    public const string SkipsCrdValidation = "apiserver-skips-crd-validation";

    /// <summary>The RBAC authorizer applies a RoleBinding's rules in every namespace, not only in its own.</summary>
    public const string RoleBindingGrantsClusterWide = "rbac-rolebinding-grants-cluster-wide";

    /// <summary>The garbage collector ignores ownerReferences: a dependent whose owners are gone is never deleted
    /// (background deletion; foreground and orphan finalizers still work).</summary>
    public const string GcIgnoresOwnerReferences = "gc-ignores-owner-references";

    public static IReadOnlyList<string> Known { get; } =
        [AdmitsMissingServiceAccount, SkipsPodSecurity, SkipsCrdValidation, RoleBindingGrantsClusterWide, GcIgnoresOwnerReferences];
}
