using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Conformance.Twin.Vault.Http;
using Conformance.Twin.Vault.Leases;
using Conformance.Twin.Vault.Mounts;
using Npgsql;

namespace Conformance.Twin.Vault.Database;

/// <summary>
/// The database secrets engine with postgresql-database-plugin (reference/vault.md §3.3): config/&lt;conn&gt;,
/// roles/&lt;role&gt;, creds/&lt;role&gt; issuing renewable leases; statements run for real through Npgsql.
/// </summary>
internal sealed partial class DatabaseBackend(VaultCore core) : IBackend
{
    private sealed class Connection
    {
        public required string PluginName { get; init; }
        public required string ConnectionUrl { get; set; }
        public string Username { get; set; } = "";
        public string Password { get; set; } = "";
        public List<string> AllowedRoles { get; set; } = [];
        public bool VerifyConnection { get; set; } = true;
        public long MaxOpenConnections { get; set; } = 4;
        public string PasswordPolicy { get; set; } = "";
        public List<string> RootRotationStatements { get; set; } = [];
    }

    private sealed class Role
    {
        public required string DbName { get; set; }
        public List<string> Creation { get; set; } = [];
        public List<string> Revocation { get; set; } = [];
        public List<string> Renew { get; set; } = [];
        public List<string> Rollback { get; set; } = [];
        public TimeSpan DefaultTtl { get; set; }
        public TimeSpan MaxTtl { get; set; }
    }

    private readonly Dictionary<string, Connection> _connections = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Role> _roles = new(StringComparer.Ordinal);

    public bool Exists(VaultRequest req)
    {
        var (kind, name) = Split(req.RelativePath);
        return kind switch { "config" => _connections.ContainsKey(name), "roles" => _roles.ContainsKey(name), _ => true };
    }

    private static (string, string) Split(string rel)
    {
        var i = rel.IndexOf('/');
        return i < 0 ? (rel, "") : (rel[..i], rel[(i + 1)..]);
    }

    public async Task<VaultResponse> HandleAsync(VaultRequest req, CancellationToken ct)
    {
        var (kind, name) = Split(req.RelativePath);
        return (kind, req.Operation) switch
        {
            ("config", VaultOperation.List) => VaultResponse.ListOf(_connections.Keys.Order(StringComparer.Ordinal)),
            ("config", VaultOperation.Read) => ReadConfig(name),
            ("config", VaultOperation.Delete) => Delete(_connections, name),
            ("config", _) => await WriteConfigAsync(req, name, ct),
            ("roles", VaultOperation.List) => VaultResponse.ListOf(_roles.Keys.Order(StringComparer.Ordinal)),
            ("roles", VaultOperation.Read) => ReadRole(name),
            ("roles", VaultOperation.Delete) => Delete(_roles, name),
            ("roles", _) => WriteRole(req, name),
            ("creds", VaultOperation.Read) => await CredsAsync(req, name, ct),
            _ => throw new VaultException(501, $"the twin Vault does not implement \"{req.Path}\""),
        };
    }

    private static VaultResponse Delete<T>(Dictionary<string, T> map, string name)
    {
        map.Remove(name);
        return VaultResponse.NoContent();
    }

    [GeneratedRegex(@"^[a-z]+://[^:/@]+:(?!\{\{password\}\})[^@]+@")]
    private static partial Regex LiteralPasswordInUrl();

    private async Task<VaultResponse> WriteConfigAsync(VaultRequest req, string name, CancellationToken ct)
    {
        var d = req.Data;
        _connections.TryGetValue(name, out var existing);
        var plugin = d.Str("plugin_name") ?? existing?.PluginName ?? "";
        if (plugin.Length == 0) throw VaultException.BadRequest("empty plugin name");
        if (plugin != "postgresql-database-plugin")
            throw VaultException.BadRequest($"error creating database object: the twin Vault supports postgresql-database-plugin only, not \"{plugin}\"");
        var url = d.Str("connection_url") ?? existing?.ConnectionUrl ?? "";
        if (url.Length == 0) throw VaultException.BadRequest("error creating database object: connection_url cannot be empty");
        var conn = new Connection
        {
            PluginName = plugin,
            ConnectionUrl = url,
            Username = d.Str("username") ?? existing?.Username ?? "",
            Password = d.Str("password") ?? existing?.Password ?? "",
            AllowedRoles = d.List("allowed_roles") ?? existing?.AllowedRoles ?? [],
            VerifyConnection = d.Bool("verify_connection") ?? true,
            MaxOpenConnections = d.Long("max_open_connections") ?? existing?.MaxOpenConnections ?? 4,
            PasswordPolicy = d.Str("password_policy") ?? existing?.PasswordPolicy ?? "",
            RootRotationStatements = d.List("root_rotation_statements") ?? existing?.RootRotationStatements ?? [],
        };
        if (conn.VerifyConnection)
        {
            try
            {
                await PostgresPlugin.VerifyAsync(ConnectionString(conn), ct);
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or ArgumentException or TimeoutException)
            {
                // path_config_connection.go: "error creating database object: %s"; connutil Init: "error verifying connection: %w"
                throw VaultException.BadRequest($"error creating database object: error verifying connection: {e.Message}");
            }
        }
        _connections[name] = conn;
        var resp = VaultResponse.NoContent();
        if (LiteralPasswordInUrl().IsMatch(url))
            resp.Warnings.Add("Password found in connection_url, use a templated url to enable root rotation and prevent read access to password information.");
        return resp;
    }

    /// <summary>TwinVaultOptions.PostgresAdminDsn, when given, is where the world's Postgres really is.</summary>
    private string ConnectionString(Connection c) =>
        core.Options.PostgresAdminDsn is { } dsn ? PostgresConnection.ToNpgsql(dsn) : PostgresConnection.Render(c.ConnectionUrl, c.Username, c.Password);

    private VaultResponse ReadConfig(string name)
    {
        if (!_connections.TryGetValue(name, out var c)) throw VaultException.NotFound();
        return VaultResponse.Ok(new JsonObject
        {
            ["allowed_roles"] = Json.Array(c.AllowedRoles),
            ["connection_details"] = new JsonObject
            {
                ["connection_url"] = c.ConnectionUrl,
                ["max_open_connections"] = c.MaxOpenConnections,
                ["username"] = c.Username,
            },
            ["password_policy"] = c.PasswordPolicy,
            ["plugin_name"] = c.PluginName,
            ["plugin_version"] = "",
            ["root_credentials_rotate_statements"] = Json.Array(c.RootRotationStatements),
            ["verify_connection"] = c.VerifyConnection,
        });
    }

    private VaultResponse WriteRole(VaultRequest req, string name)
    {
        var d = req.Data;
        _roles.TryGetValue(name, out var existing);
        var dbName = d.Str("db_name") ?? existing?.DbName ?? "";
        if (dbName.Length == 0) throw VaultException.BadRequest("empty database name attribute");
        var role = new Role
        {
            DbName = dbName,
            Creation = Statements(d, "creation_statements") ?? existing?.Creation ?? [],
            Revocation = Statements(d, "revocation_statements") ?? existing?.Revocation ?? [],
            Renew = Statements(d, "renew_statements") ?? existing?.Renew ?? [],
            Rollback = Statements(d, "rollback_statements") ?? existing?.Rollback ?? [],
            DefaultTtl = d.Duration("default_ttl") ?? existing?.DefaultTtl ?? TimeSpan.Zero,
            MaxTtl = d.Duration("max_ttl") ?? existing?.MaxTtl ?? TimeSpan.Zero,
        };
        if (role.Creation.Count == 0) throw VaultException.BadRequest("empty creation statements");
        if (role.MaxTtl > TimeSpan.Zero && role.DefaultTtl > role.MaxTtl)
            throw VaultException.BadRequest("ttl cannot be greater than max_ttl");
        _roles[name] = role;
        return VaultResponse.NoContent();
    }

    // TypeStringSlice: an array, or one string taken whole.
    private static List<string>? Statements(JsonObject d, string key) =>
        d[key] is JsonArray ? d.List(key) : d.Str(key) is { } s ? (s.Length == 0 ? [] : [s]) : null;

    private VaultResponse ReadRole(string name)
    {
        if (!_roles.TryGetValue(name, out var r)) throw VaultException.NotFound();
        return VaultResponse.Ok(new JsonObject
        {
            ["creation_statements"] = Json.Array(r.Creation),
            ["credential_type"] = "password",
            ["db_name"] = r.DbName,
            ["default_ttl"] = (long)r.DefaultTtl.TotalSeconds,
            ["max_ttl"] = (long)r.MaxTtl.TotalSeconds,
            ["renew_statements"] = Json.Array(r.Renew),
            ["revocation_statements"] = Json.Array(r.Revocation),
            ["rollback_statements"] = Json.Array(r.Rollback),
        });
    }

    private async Task<VaultResponse> CredsAsync(VaultRequest req, string name, CancellationToken ct)
    {
        if (!_roles.TryGetValue(name, out var role)) throw VaultException.BadRequest($"unknown role: {name}");
        if (!_connections.TryGetValue(role.DbName, out var conn))
            throw new VaultException(500, $"could not find database connection configuration \"{role.DbName}\"");
        // path_creds_create.go: the role must be in the connection's allowed_roles (globs allowed).
        if (!conn.AllowedRoles.Any(a => a == "*" || KubernetesAuth.Glob.Matches(a, name)))
            throw VaultException.BadRequest($"\"{name}\" is not an allowed role");
        var now = core.Now;
        var mount = req.Mount!;
        var ttl = TtlCalculator.Calculate(TimeSpan.Zero, role.DefaultTtl, role.MaxTtl, TimeSpan.Zero, core.MountDefaultTtl(mount), core.MountMaxTtl(mount), now, now).Ttl;
        // path_creds_create.go: expiration = now + ttl + 5s, so the credential outlives its lease.
        var expiration = now + ttl + TimeSpan.FromSeconds(5);
        var username = CredentialGenerators.Username(req.Token?.DisplayName ?? "", name, now);
        var password = CredentialGenerators.Password();
        try
        {
            await PostgresPlugin.ExecuteInTransactionAsync(ConnectionString(conn), role.Creation, new Dictionary<string, string>
            {
                ["name"] = username, ["username"] = username, ["password"] = password, ["expiration"] = PostgresPlugin.Expiration(expiration),
            }, ct);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            throw new VaultException(500, $"failed to execute query: {e.Message}");
        }
        return new VaultResponse
        {
            Data = new JsonObject { ["password"] = password, ["username"] = username },
            Secret = new SecretLease
            {
                Ttl = role.DefaultTtl, MaxTtl = role.MaxTtl, Renewable = true,
                Internal = new JsonObject
                {
                    ["username"] = username, ["role"] = name, ["db_name"] = role.DbName,
                    ["revocation_statements"] = Json.Array(role.Revocation), ["renew_statements"] = Json.Array(role.Renew),
                },
            },
        };
    }

    public Task<(TimeSpan Ttl, TimeSpan MaxTtl)> RenewAsync(Lease lease, CancellationToken ct)
    {
        var roleName = lease.Internal.Str("role") ?? "";
        if (!_roles.TryGetValue(roleName, out var role)) throw new VaultException(500, $"error during renew: could not find role with name: {roleName}");
        return Task.FromResult((role.DefaultTtl, role.MaxTtl));
    }

    /// <summary>secret_creds.go renew: VALID UNTIL moves to now + ttl + 5s via renew_statements or the default.</summary>
    public async Task OnRenewedAsync(Lease lease, TimeSpan ttl, CancellationToken ct)
    {
        if (ttl <= TimeSpan.Zero) return;
        var conn = ConnectionFor(lease);
        var roleName = lease.Internal.Str("role") ?? "";
        var stmts = _roles.TryGetValue(roleName, out var role) && role.Renew.Count > 0 ? role.Renew : [PostgresPlugin.DefaultRenewStatement];
        var username = lease.Internal.Str("username")!;
        await PostgresPlugin.ExecuteInTransactionAsync(ConnectionString(conn), stmts, new Dictionary<string, string>
        {
            ["name"] = username, ["username"] = username, ["expiration"] = PostgresPlugin.Expiration(core.Now + ttl + TimeSpan.FromSeconds(5)),
        }, ct);
    }

    /// <summary>secret_creds.go revoke: revocation_statements (kept with the lease) or the plugin's default.</summary>
    public async Task RevokeAsync(Lease lease, CancellationToken ct)
    {
        var conn = ConnectionFor(lease);
        var username = lease.Internal.Str("username")!;
        var roleName = lease.Internal.Str("role") ?? "";
        var stmts = _roles.TryGetValue(roleName, out var role) ? role.Revocation : lease.Internal.List("revocation_statements") ?? [];
        if (stmts.Count == 0) await PostgresPlugin.DefaultRevokeAsync(ConnectionString(conn), username, ct);
        else
            await PostgresPlugin.ExecuteInTransactionAsync(ConnectionString(conn), stmts, new Dictionary<string, string>
            {
                ["name"] = username, ["username"] = username,
            }, ct);
    }

    private Connection ConnectionFor(Lease lease)
    {
        var db = lease.Internal.Str("db_name") ?? "";
        return _connections.GetValueOrDefault(db) ?? throw new VaultException(500, $"could not find database connection configuration \"{db}\"");
    }
}
