namespace Conformance.Environments.Plan;

/// <summary>
/// The Vault configuration of a live world, as data: each call is a method, a path under <c>/v1/</c> and a body.
/// An executor (<see cref="IVaultCallExecutor"/>) carries them out in order; a test checks every path against Vault's
/// OpenAPI document.
/// </summary>
public static class VaultConfiguration
{
    public const string DatabaseMount = "database";
    public const string DatabaseConnection = "conformance-postgres";
    public const string KubernetesMount = "kubernetes";
    public const string KvMount = "secret";

    /// <summary>Dynamic database roles: a normal one and short-lived ones for lifecycle scenarios.</summary>
    public static readonly IReadOnlyList<(string Name, string DefaultTtl, string MaxTtl)> DatabaseRoles =
    [
        ("conformance-readonly", "5m", "30m"),
        ("conformance-short", "30s", "2m"),
        ("conformance-capped", "1m", "90s"),
    ];

    /// <summary>
    /// Scenarios create their own short-lived database roles (TTLs of seconds for renewal and max_ttl scenarios) named
    /// with this prefix; the connection allows them by glob (reference/vault.md §3.3, path_creds_create.go).
    /// </summary>
    public const string ScenarioDatabaseRolePrefix = "scenario-";

    /// <summary>Vault's answer when enabling a mount, auth method or audit device at a taken path (a reused world).</summary>
    public const string AlreadyInUse = "already in use";

    /// <summary>The calls that need a Postgres (the database engine, its connection and roles), left out without one.</summary>
    public static bool IsDatabaseCall(VaultCall call) =>
        call.Path.StartsWith(DatabaseMount + "/", StringComparison.Ordinal) || call.Path == $"sys/mounts/{DatabaseMount}";

    public static IReadOnlyList<VaultCall> Calls(PlanInputs inputs) =>
    [
        // Audit first, so everything after is on record; /vault/logs is chowned by the entrypoint (reference/vault.md §4).
        new("POST", "sys/audit/file", new() { ["type"] = "file", ["options"] = new Dictionary<string, object?> { ["file_path"] = inputs.AuditLogPath } },
            "file audit device the harness reads (reference/vault.md §3.7)", AlreadyInUse),

        // Dev mode already mounts KV v2 at secret/ (reference/vault.md §3.1); tune it so scenarios see a known max.
        new("POST", $"sys/mounts/{KvMount}/tune", new() { ["max_lease_ttl"] = "768h" }, "KV v2 at secret/ (dev default) tuned"),

        new("POST", $"sys/mounts/{DatabaseMount}", new()
        {
            ["type"] = "database",
            ["config"] = new Dictionary<string, object?> { ["default_lease_ttl"] = "5m", ["max_lease_ttl"] = "1h" },
        }, "database secrets engine (reference/vault.md §3.3)", AlreadyInUse),

        // Vault is a container: it reaches Postgres by its Docker alias, not by the in-cluster Service.
        new("POST", $"{DatabaseMount}/config/{DatabaseConnection}", new()
        {
            ["plugin_name"] = "postgresql-database-plugin",
            ["connection_url"] = $"postgresql://{{{{username}}}}:{{{{password}}}}@{inputs.PostgresHostPort}/{inputs.PostgresDatabase}?sslmode=disable",
            ["username"] = inputs.PostgresUser,
            ["password"] = inputs.PostgresPassword,
            ["allowed_roles"] = DatabaseRoles.Select(r => (object?)r.Name).Append(ScenarioDatabaseRolePrefix + "*").ToList(),
            ["verify_connection"] = true,
            ["max_open_connections"] = 4L,
        }, "connection to the Postgres container"),

        .. DatabaseRoles.Select(role => new VaultCall("POST", $"{DatabaseMount}/roles/{role.Name}", new()
        {
            ["db_name"] = DatabaseConnection,
            ["creation_statements"] = new List<object?>
            {
                "CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';",
                "GRANT SELECT ON ALL TABLES IN SCHEMA public TO \"{{name}}\";",
            },
            ["default_ttl"] = role.DefaultTtl,
            ["max_ttl"] = role.MaxTtl,
        }, $"database role {role.Name} (ttl {role.DefaultTtl}, max {role.MaxTtl})")),

        new("POST", $"sys/auth/{KubernetesMount}", new() { ["type"] = "kubernetes" }, "Kubernetes auth method", AlreadyInUse),

        // Vault reaches the K3s API by its alias, which is in the serving cert thanks to --tls-san (reference/vault.md §5.1).
        new("POST", $"auth/{KubernetesMount}/config", new()
        {
            ["kubernetes_host"] = inputs.KubernetesHost,
            ["kubernetes_ca_cert"] = inputs.KubernetesCaPem,
            ["token_reviewer_jwt"] = inputs.ReviewerJwt,
            ["disable_local_ca_jwt"] = true,
        }, "Kubernetes auth against K3s with the reviewer JWT and the cluster CA (reference/vault.md §3.5)"),

        new("POST", "sys/policies/acl/conformance-kv-read", new()
        {
            ["policy"] = "path \"secret/data/*\" {\n  capabilities = [\"read\"]\n}\npath \"secret/metadata/*\" {\n  capabilities = [\"read\", \"list\"]\n}\n",
        }, "policy: read KV v2"),
        new("POST", "sys/policies/acl/conformance-db-creds", new()
        {
            ["policy"] = string.Concat(DatabaseRoles.Select(r => $"path \"{DatabaseMount}/creds/{r.Name}\" {{\n  capabilities = [\"read\"]\n}}\n")),
        }, "policy: read dynamic database credentials"),

        // Scenarios bind their own roles to their namespace's service accounts through the fixtures' Vault driver;
        // this one serves ESO's smoke store and checks that a login works at all.
        new("POST", $"auth/{KubernetesMount}/role/conformance-smoke", new()
        {
            ["bound_service_account_names"] = new List<object?> { "default" },
            ["bound_service_account_namespaces"] = new List<object?> { Infra.SmokeNamespace },
            ["token_policies"] = new List<object?> { "conformance-kv-read", "conformance-db-creds" },
            ["token_ttl"] = "10m",
            ["token_max_ttl"] = "1h",
        }, "Kubernetes auth role for the smoke checks"),

        new("POST", $"{KvMount}/data/conformance/smoke", new()
        {
            ["data"] = new Dictionary<string, object?> { ["probe"] = "conformance-smoke-value" },
        }, "a KV v2 secret the smoke ClusterSecretStore reads"),
    ];
}
