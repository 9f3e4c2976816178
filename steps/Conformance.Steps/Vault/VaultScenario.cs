using Conformance.Environments.Plan;
using Conformance.Fixtures.Postgres;
using Conformance.Fixtures.Vault;
using Conformance.Steps.Support;

namespace Conformance.Steps.Vault;

/// <summary>
/// One Tier 3 scenario's Vault and Postgres state: a schema with a table its database roles may read and one they may
/// not, database roles with the scenario's TTLs, Kubernetes auth roles and policies, all named after the scenario's
/// namespace so parallel scenarios never share one. The world's Vault configuration (VaultConfiguration: the database
/// connection, the kubernetes auth mount) is what these hang off. Disposed at the end of the scenario: leases revoked,
/// roles and policies deleted, the schema dropped.
/// </summary>
public sealed class VaultScenario(ScenarioWorld world) : IAsyncDisposable
{
    /// <summary>The table each scenario role may read, and the one next to it that it may not.</summary>
    public const string GrantedTable = "features";
    public const string RestrictedTable = "restricted";

    private readonly Dictionary<string, DatabaseRoleInfo> _databaseRoles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CredentialWatch> _watches = new(StringComparer.Ordinal);
    private readonly List<string> _authRoles = [];
    private readonly List<string> _policies = [];
    private VaultClient? _vault;
    private PostgresDriver? _postgres;
    private string? _schema;

    public ScenarioWorld World => world;

    /// <summary>The world's Vault with its root token (registered in the ledger by the client).</summary>
    public VaultClient Vault => _vault ??= new VaultClient(
        (world.World.Vault ?? throw new StepFailedException("this world has no Vault (tag the scenario @needs:vault)")).Address,
        world.World.Vault.RootToken, TestRun.Ledger);

    public PostgresDriver Postgres => _postgres ??= new PostgresDriver(
        (world.World.Postgres ?? throw new StepFailedException("this world has no Postgres (tag the scenario @needs:postgres)")).Dsn);

    /// <summary>The scenario's schema (<c>t3_&lt;namespace&gt;</c>); a step that needs it before it exists is a feature mistake.</summary>
    public string Schema => _schema
        ?? throw new InvalidOperationException("no scenario schema yet: add 'And a Postgres schema for the scenario ...' to the Background");

    public string QualifiedTable(string table) => $"{Schema}.{table}";

    /// <summary>Creates the schema with its two one-row tables. Roles get USAGE and SELECT on the granted one only.</summary>
    public async Task CreateSchemaAsync()
    {
        var schema = "t3_" + world.Namespace.Replace('-', '_');
        await Postgres.ExecuteAsync(
            $"CREATE SCHEMA \"{schema}\"; "
            + $"CREATE TABLE \"{schema}\".\"{GrantedTable}\" (id int, name text); INSERT INTO \"{schema}\".\"{GrantedTable}\" VALUES (1, 'granted'); "
            + $"CREATE TABLE \"{schema}\".\"{RestrictedTable}\" (id int, name text); INSERT INTO \"{schema}\".\"{RestrictedTable}\" VALUES (1, 'restricted');",
            world.Cancellation);
        _schema = schema;
    }

    /// <summary>
    /// A database role on the world's connection, named <c>scenario-&lt;namespace&gt;-&lt;alias&gt;</c> (the
    /// connection allows that prefix, VaultConfiguration.ScenarioDatabaseRolePrefix). The creation statements are ADR-017's
    /// (LOGIN, VALID UNTIL the lease's expiration) with the grant narrowed to the scenario's table, plus a comment that
    /// marks every user made from this role so the harness can find them in pg_roles.
    /// </summary>
    public async Task<DatabaseRoleInfo> CreateDatabaseRoleAsync(string alias, TimeSpan defaultTtl, TimeSpan maxTtl)
    {
        var name = $"{VaultConfiguration.ScenarioDatabaseRolePrefix}{world.Namespace}-{alias}";
        var marker = $"conformance:{world.Namespace}:{alias}";
        var role = new DatabaseRole(VaultConfiguration.DatabaseConnection,
        [
            "CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';",
            $"GRANT USAGE ON SCHEMA \"{Schema}\" TO \"{{{{name}}}}\";",
            $"GRANT SELECT ON \"{Schema}\".\"{GrantedTable}\" TO \"{{{{name}}}}\";",
            $"COMMENT ON ROLE \"{{{{name}}}}\" IS '{marker}';",
        ], defaultTtl, maxTtl);
        await Vault.WriteDatabaseRoleAsync(name, role, VaultConfiguration.DatabaseMount, world.Cancellation);
        var info = new DatabaseRoleInfo(alias, name, marker, defaultTtl, maxTtl);
        _databaseRoles[alias] = info;
        _watches[alias] = new CredentialWatch(this, info);
        world.Timeline.Configure($"{alias} default_ttl", defaultTtl);
        world.Timeline.Configure($"{alias} max_ttl", maxTtl);
        return info;
    }

    public DatabaseRoleInfo DatabaseRole(string alias) =>
        _databaseRoles.TryGetValue(alias, out var role)
            ? role
            : throw new InvalidOperationException(
                $"the scenario made no Vault database role \"{alias}\" (known: {string.Join(", ", _databaseRoles.Keys)}); "
                + "add 'Given a Vault database role \"" + alias + "\" with default_ttl ... and max_ttl ...'");

    /// <summary>The leases and Postgres users of the role as watched since the role was made.</summary>
    public CredentialWatch Watch(string alias) => _watches.TryGetValue(alias, out var watch) ? watch : throw new InvalidOperationException(
        $"the scenario made no Vault database role \"{alias}\" (known: {string.Join(", ", _databaseRoles.Keys)})");

    /// <summary>The Vault path a template or policy names for the scenario's role.</summary>
    public string CredsPath(string alias) => $"{VaultConfiguration.DatabaseMount}/creds/{DatabaseRole(alias).VaultName}";

    public string AuthRoleName(string alias) => $"{world.Namespace}-{alias}";

    /// <summary>
    /// A policy allowing <c>read</c> on exactly <paramref name="paths"/> and a Kubernetes auth role bound to one
    /// ServiceAccount of the scenario's namespace with it. Token TTLs stay long (reference/vault.md §2.4: a short
    /// token_max_ttl makes the agent re-authenticate and fetch everything anew, which is not what these scenarios test).
    /// </summary>
    public async Task CreateAuthRoleAsync(string alias, string serviceAccount, IReadOnlyList<string> paths)
    {
        var name = AuthRoleName(alias);
        var hcl = string.Concat(paths.Select(p => $"path \"{p}\" {{\n  capabilities = [\"read\"]\n}}\n"));
        await Vault.PutPolicyAsync(name, hcl, world.Cancellation);
        _policies.Add(name);
        await Vault.WriteKubernetesRoleAsync(name,
            new KubernetesAuthRole([serviceAccount], [world.Namespace], [name], TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30)),
            VaultConfiguration.KubernetesMount, world.Cancellation);
        _authRoles.Add(name);
    }

    /// <summary>Every lease Vault holds for the role right now (LIST sys/leases/lookup/…, 404 read as none).</summary>
    public Task<IReadOnlyList<string>> LeasesAsync(string alias) =>
        Vault.ListLeasesAsync(CredsPath(alias), world.Cancellation);

    /// <summary>The Postgres users made from the role that still exist, each registered in the ledger (a username is a credential).</summary>
    public async Task<IReadOnlyList<PostgresRole>> UsersAsync(string alias)
    {
        var users = await Postgres.RolesCommentedAsync(DatabaseRole(alias).Marker, world.Cancellation);
        foreach (var user in users)
        {
            TestRun.Ledger.Register(user.Name, $"postgres user from vault role {alias}", Fixtures.Secrets.SecretKind.DynamicCredential);
        }

        return users;
    }

    /// <summary>The probe's login check against this world's Postgres, reading the scenario's granted or restricted table.</summary>
    public Fixtures.Probe.PostgresProbe PostgresCheck(Fixtures.Probe.CredentialSource user, Fixtures.Probe.CredentialSource password, string table)
    {
        var pg = world.World.Postgres ?? throw new StepFailedException("this world has no Postgres (tag the scenario @needs:vault-database)");
        var name = table switch
        {
            "granted" => GrantedTable,
            "restricted" => RestrictedTable,
            _ => throw new ArgumentException($"the table is 'granted' or 'restricted', not '{table}'", nameof(table)),
        };
        return new Fixtures.Probe.PostgresProbe(pg.InClusterHost, pg.InClusterPort, pg.Database, user, password,
            $"SELECT * FROM \"{Schema}\".\"{name}\" LIMIT 1");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var watch in _watches.Values)
        {
            await watch.DisposeAsync();
        }

        if (_vault is null)
        {
            return;
        }

        // Revoke what is left first: revocation drops the users, which must go before the schema they hold grants on.
        using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        foreach (var role in _databaseRoles.Values)
        {
            await Quietly(() => _vault.RevokeLeasePrefixAsync($"{VaultConfiguration.DatabaseMount}/creds/{role.VaultName}", cleanup.Token));
            await Quietly(() => _vault.DeleteDatabaseRoleAsync(role.VaultName, VaultConfiguration.DatabaseMount, cleanup.Token));
        }

        foreach (var role in _authRoles)
        {
            await Quietly(() => _vault.DeleteAsync($"auth/{VaultConfiguration.KubernetesMount}/role/{role}", cleanup.Token));
        }

        foreach (var policy in _policies)
        {
            await Quietly(() => _vault.DeletePolicyAsync(policy, cleanup.Token));
        }

        if (_schema is not null && _postgres is not null)
        {
            // A user whose lease outlived the scenario (e.g. issued by a now-deleted role) still holds grants: drop it too.
            foreach (var role in _databaseRoles.Values)
            {
                await Quietly(async () =>
                {
                    foreach (var user in await _postgres.RolesCommentedAsync(role.Marker, cleanup.Token))
                    {
                        await _postgres.ExecuteAsync($"DROP OWNED BY \"{user.Name}\"; DROP ROLE IF EXISTS \"{user.Name}\";", cleanup.Token);
                    }
                });
            }

            await Quietly(() => _postgres.ExecuteAsync($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE;", cleanup.Token));
        }

        _vault.Dispose();
    }

    // Clean-up must not hide the scenario's own verdict; what it could not remove is left for the run's namespace sweep.
    private static async Task Quietly(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e) when (e is VaultException or Npgsql.NpgsqlException or OperationCanceledException or HttpRequestException)
        {
        }
    }
}

/// <summary>A database role a scenario made: its alias in the feature, its Vault name, the comment its users carry, its TTLs.</summary>
public sealed record DatabaseRoleInfo(string Alias, string VaultName, string Marker, TimeSpan DefaultTtl, TimeSpan MaxTtl);
