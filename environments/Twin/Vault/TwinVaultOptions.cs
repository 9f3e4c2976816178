namespace Conformance.Twin.Vault;

/// <summary>How to start a twin Vault (dev mode: initialized, unsealed, KV v2 at secret/, a known root token).</summary>
public sealed class TwinVaultOptions
{
    /// <summary>The dev root token (VAULT_DEV_ROOT_TOKEN_ID); random "hvs.…" when null.</summary>
    public string? RootToken { get; init; }

    /// <summary>
    /// Postgres admin DSN the database engine may use instead of what a config's connection_url names, e.g. when the
    /// harness knows the real host. When null, connection_url is used as given.
    /// </summary>
    public string? PostgresAdminDsn { get; init; }

    /// <summary>Builds the HTTP client for TokenReview calls from the config's kubernetes_ca_cert (PEM, may be empty).
    /// Default: a client that trusts exactly that CA.</summary>
    public Func<string, HttpClient>? KubernetesReviewHttpClientFactory { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Fault names from <see cref="TwinVaultFaults"/>; unknown names are rejected at start.</summary>
    public IReadOnlyCollection<string> Faults { get; init; } = [];

    /// <summary>Mount KV v2 at secret/ as `vault server -dev` does (docs/concepts/dev-server.mdx).</summary>
    public bool DevKvV2 { get; init; } = true;
}
