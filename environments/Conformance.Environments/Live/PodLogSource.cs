using Conformance.Environments.Plan;

namespace Conformance.Environments.Live;

/// <summary>A controller whose pods' logs are read through the Kubernetes API: every pod matching the selector,
/// one container of it (null: all of its containers).</summary>
public sealed record PodLogSource(string Component, string Namespace, string LabelSelector, string? Container = null)
{
    /// <summary>The operator as <see cref="OperatorManifests"/> installs it (config/manager: control-plane=controller-manager, container manager).</summary>
    public static PodLogSource Operator { get; } = new("operator", OperatorManifests.Namespace, "control-plane=controller-manager", "manager");

    /// <summary>ESO's controller; its cert-controller and webhook carry other app.kubernetes.io/name values.</summary>
    public static PodLogSource ExternalSecrets { get; } = new("external-secrets", Infra.EsoNamespace, "app.kubernetes.io/name=external-secrets");

    /// <summary>The vault-helm chart's injector Deployment (vault-agent-injector).</summary>
    public static PodLogSource VaultInjector { get; } = new("vault-injector", Infra.VaultNamespace, "app.kubernetes.io/name=vault-agent-injector");

    /// <summary>What the k3s world (and <c>--env existing --install</c>) installs.</summary>
    public static IReadOnlyList<PodLogSource> Installed { get; } = [Operator, ExternalSecrets, VaultInjector];
}

/// <summary>A log that is not a pod's: a side container of the k3s world (Vault, LocalStack). Returns raw text whose
/// lines start with RFC3339Nano stamps (Docker's <c>timestamps</c>), for [since, until].</summary>
public sealed record TextLogSource(string Component, Func<DateTimeOffset, DateTimeOffset, CancellationToken, Task<string>> Read);
