namespace Conformance.Twin.Workloads.Kubelet;

/// <summary>Named faults of the twin kubelet (DESIGN.md §2): each breaks one behaviour, to prove that a scenario notices.</summary>
public static class KubeletFaults
{
    /// <summary>A Secret named by env secretKeyRef or envFrom that does not exist is treated as empty: the container starts
    /// (the variables empty or absent) instead of waiting in CreateContainerConfigError (operator.md §2.5).</summary>
    public const string IgnoresMissingSecret = "kubelet-ignores-missing-secret";

    /// <summary>A secret volume's files (secret volumes and projected secret sources) are written from the value decoded
    /// as UTF-8 text and encoded again, so bytes that are not UTF-8 are replaced (U+FFFD), not kept exactly.</summary>
    public const string WritesSecretVolumeAsText = "kubelet-writes-secret-volume-as-text";

    public static IReadOnlyList<string> Known { get; } = [IgnoresMissingSecret, WritesSecretVolumeAsText];
}
