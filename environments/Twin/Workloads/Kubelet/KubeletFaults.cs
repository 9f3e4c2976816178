namespace Conformance.Twin.Workloads.Kubelet;

/// <summary>Named faults of the twin kubelet (DESIGN.md §2): each breaks one behaviour, to prove that a scenario notices.</summary>
public static class KubeletFaults
{
    /// <summary>A Secret named by env secretKeyRef or envFrom that does not exist is treated as empty: the container starts
    /// (the variables empty or absent) instead of waiting in CreateContainerConfigError (operator.md §2.5).</summary>
    public const string IgnoresMissingSecret = "kubelet-ignores-missing-secret";

    public static IReadOnlyList<string> Known { get; } = [IgnoresMissingSecret];
}
