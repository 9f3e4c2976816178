namespace Conformance.Twin.Workloads.Kubelet;

/// <summary>How the twin's kubelet (and its one-node scheduler) runs.</summary>
public sealed record KubeletOptions
{
    /// <summary>The Node object the kubelet registers and binds pods to.</summary>
    public string NodeName { get; init; } = "twin-node";

    /// <summary>Where pods' volumes and container filesystems live; a fresh temp folder by default, removed on dispose.</summary>
    public string? HostRoot { get; init; }

    /// <summary>Timers (grace periods, back-off); tests may pass a fake.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Also run the scheduler that binds unscheduled pods to this node (pods/binding).</summary>
    public bool RunScheduler { get; init; } = true;

    /// <summary>Service-link env the kubelet adds to every container (e.g. KUBERNETES_SERVICE_HOST); none by default.</summary>
    public IReadOnlyDictionary<string, string>? ServiceEnv { get; init; }

    /// <summary>Named faults that break one kubelet behaviour each (<see cref="KubeletFaults"/>).</summary>
    public IReadOnlySet<string> Faults { get; init; } = new HashSet<string>();

    /// <summary>Pod IPs are handed out from this /24 prefix.</summary>
    public string PodIpPrefix { get; init; } = "10.42.0.";

    /// <summary>The env an image brings (its OCI config); <see cref="ImageConfigs.EnvOf"/> by default.</summary>
    public Func<string?, IReadOnlyDictionary<string, string>> ImageEnv { get; init; } = ImageConfigs.EnvOf;

    /// <summary>Receives the kubelet's own diagnostics (never secret values); null discards them.</summary>
    public Action<string>? Log { get; init; }
}
