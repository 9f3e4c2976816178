namespace Conformance.Twin.Eso;

/// <summary>Controller-wide settings of the twin's ESO, mirroring the real controller's env vars and flags (reference/eso.md §2-3).</summary>
public sealed record EsoOptions
{
    /// <summary>ESO env AWS_SECRETSMANAGER_ENDPOINT: there is no spec field for it (reference/eso.md §3a). Null = real AWS.</summary>
    public Uri? AwsSecretsManagerEndpoint { get; init; }

    /// <summary>ESO env AWS_STS_ENDPOINT (reference/eso.md §3a); kept for AssumeRole, which the twin does not implement yet.</summary>
    public Uri? AwsStsEndpoint { get; init; }

    /// <summary>Drives refresh timers, backoff and status timestamps; tests pass a fake clock.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Named faults (EsoFaults constants); empty for the faithful controller.</summary>
    public EsoFaults Faults { get; init; } = EsoFaults.None;

    /// <summary>ESO --store-requeue-interval, default 5m (reference/eso.md §4); a store's spec.refreshInterval overrides it.</summary>
    public TimeSpan StoreRequeueInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>ESO --enable-flood-gate, default true: ExternalSecrets only use Ready stores (reference/eso.md §4).</summary>
    public bool EnableFloodGate { get; init; } = true;

    /// <summary>ESO --controller-class; stores or generators naming another class are skipped.</summary>
    public string ControllerClass { get; init; } = "default";

    /// <summary>The controller's own service account (Helm: namespace and name of the release, reference/eso.md §2); the twin
    /// only uses it under the fault eso-vault-logs-in-as-controller.</summary>
    public (string Namespace, string Name) ControllerServiceAccount { get; init; } = ("external-secrets", "external-secrets");

    /// <summary>A sink for controller log lines (never values: keys, names and fingerprints only).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>HTTP handler for provider calls (tests may inject one); default: a fresh SocketsHttpHandler.</summary>
    public HttpMessageHandler? ProviderHttpHandler { get; init; }
}
