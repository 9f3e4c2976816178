using k8s.Models;

namespace Conformance.Twin.Injector;

/// <summary>
/// Injector-wide settings: the AGENT_INJECT_* environment of the vault-k8s Deployment as vault-helm 0.34.1 renders it
/// (reference/vault.md §1.3), plus where the twin's webhook lives. Defaults are the chart's defaults.
/// </summary>
public sealed record InjectorOptions
{
    /// <summary>AGENT_INJECT_VAULT_ADDR (= Helm global.externalVaultAddr): the Vault address as pods see it.</summary>
    public required string VaultAddress { get; init; }

    /// <summary>AGENT_INJECT_VAULT_IMAGE (Helm injector.agentImage, hashicorp/vault:2.0.4).</summary>
    public string AgentImage { get; init; } = "hashicorp/vault:2.0.4";

    /// <summary>AGENT_INJECT_VAULT_AUTH_PATH (Helm injector.authPath).</summary>
    public string AuthPath { get; init; } = "auth/kubernetes";

    public string AuthType { get; init; } = "kubernetes";

    /// <summary>AGENT_INJECT_REVOKE_ON_SHUTDOWN (Helm injector.revokeOnShutdown, false).</summary>
    public bool RevokeOnShutdown { get; init; }

    /// <summary>AGENT_INJECT_DEFAULT_TEMPLATE (Helm injector.agentDefaults.template, "map").</summary>
    public string DefaultTemplate { get; init; } = "map";

    public string CpuLimit { get; init; } = "500m";
    public string CpuRequest { get; init; } = "250m";
    public string MemLimit { get; init; } = "128Mi";
    public string MemRequest { get; init; } = "64Mi";
    public string EphemeralLimit { get; init; } = "";
    public string EphemeralRequest { get; init; } = "";
    public string RunAsUser { get; init; } = "100";
    public string RunAsGroup { get; init; } = "1000";
    public bool RunAsSameUser { get; init; }
    public bool SetSecurityContext { get; init; } = true;

    /// <summary>AGENT_INJECT_TEMPLATE_CONFIG_EXIT_ON_RETRY_FAILURE (Helm default true).</summary>
    public bool ExitOnRetryFailure { get; init; } = true;

    /// <summary>AGENT_INJECT_TEMPLATE_STATIC_SECRET_RENDER_INTERVAL (Helm default "", i.e. the Agent's 5m).</summary>
    public string StaticSecretRenderInterval { get; init; } = "";

    /// <summary>The Helm release name: names the webhook configuration `&lt;release&gt;-agent-injector-cfg`.</summary>
    public string ReleaseName { get; init; } = "vault";

    /// <summary>The namespace the injector "runs in" (its TLS host names).</summary>
    public string InjectorNamespace { get; init; } = "vault";

    /// <summary>Helm injector.webhook.failurePolicy: Ignore by default; harnesses should use Fail (vault.md §1.3 rule 2).</summary>
    public string FailurePolicy { get; init; } = "Ignore";

    public int TimeoutSeconds { get; init; } = 30;

    /// <summary>Helm injector.webhook.namespaceSelector: {} renders nothing (all namespaces).</summary>
    public V1LabelSelector? NamespaceSelector { get; init; }

    /// <summary>Null means the chart default: app.kubernetes.io/name NotIn [&lt;name&gt;-agent-injector].</summary>
    public V1LabelSelector? ObjectSelector { get; init; }

    /// <summary>Fault names from <see cref="TwinFaults"/>.</summary>
    public IReadOnlyList<string> Faults { get; init; } = [];

    /// <summary>Where the injector writes its log lines (request received, denials); null discards them.</summary>
    public TextWriter? Log { get; init; }
}
