namespace Conformance.Twin.Workloads.Operator;

/// <summary>Which operator the twin plays (DESIGN.md §2, fidelity rule).</summary>
public enum OperatorProfile
{
    /// <summary>v1.0.8 as released, its deviations from the ADRs included (reference/operator.md §2, §5, §6).</summary>
    Upstream,

    /// <summary>What the ADRs promise: built-in env kept beside user env, spec.timeout enforced, CR annotations copied to the pod.</summary>
    Contract,
}

public sealed record OperatorOptions
{
    public OperatorProfile Profile { get; init; } = OperatorProfile.Upstream;

    /// <summary>The manager's GIT_INIT_IMAGE; empty means the built-in default (reference/operator.md §2.2).</summary>
    public string? GitInitImage { get; init; }

    /// <summary>Named faults that break one operator behaviour each (<see cref="OperatorFaults"/>).</summary>
    public IReadOnlySet<string> Faults { get; init; } = new HashSet<string>();

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The controller's log (never secret values); null discards it.</summary>
    public Action<string>? Log { get; init; }

    public bool HasFault(string name) => Faults.Contains(name);

    /// <summary>reference/operator.md §2.2: $GIT_INIT_IMAGE, else quay.io/takinosh/git-init-rhel9:latest.</summary>
    public string EffectiveGitInitImage => string.IsNullOrEmpty(GitInitImage) ? "quay.io/takinosh/git-init-rhel9:latest" : GitInitImage;
}
