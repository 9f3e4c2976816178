namespace Conformance.Environments.Plan;

/// <summary>
/// Names shared by the containers, the in-cluster bridges and the Vault configuration. Docker DNS does not resolve
/// inside pods (reference/vault.md §5.2), so pods use the bridge Services; Vault, a container, uses Docker aliases.
/// </summary>
public static class Infra
{
    public const string Namespace = "conformance-infra";
    public const string K3sAlias = "k3s";
    public const int KubeApiPort = 6443;

    public static readonly Bridge Vault = new("vault", 8200, "http");
    public static readonly Bridge LocalStack = new("localstack", 4566, "http");
    public static readonly Bridge Postgres = new("postgres", 5432, "postgres");
    public static readonly Bridge Git = new("git", 9418, "git");
    public static readonly IReadOnlyList<Bridge> Bridges = [Vault, LocalStack, Postgres, Git];

    public const string ReviewerServiceAccount = "vault-auth";
    public const string ReviewerSecret = "vault-auth-token";
    public const string PostgresDatabase = "conformance";
    public const string PostgresUser = "postgres";
    public const string AuditLogPath = "/vault/logs/audit.log";

    public const string EsoNamespace = "external-secrets";
    public const string EsoRelease = "external-secrets";
    public const string VaultNamespace = "vault";
    public const string VaultRelease = "vault";
    public const string SmokeNamespace = "conformance-smoke";
}

/// <summary>A container reached from pods through a selector-less Service + EndpointSlice of the same name.</summary>
public sealed record Bridge(string Name, int Port, string PortName)
{
    /// <summary>The Docker network alias, as other containers (Vault) reach it.</summary>
    public string Alias => Name;

    public string ServiceHost => $"{Name}.{Infra.Namespace}.svc.cluster.local";

    public Uri InClusterUri(string scheme = "http") => new($"{scheme}://{ServiceHost}:{Port}");
}
