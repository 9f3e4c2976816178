using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using FluentAssertions;
using Npgsql;
using Xunit;

namespace Conformance.Tests.TwinVault;

/// <summary>
/// The database engine against a real Postgres (reference/vault.md §3.3, §2.1, §2.5): creds that log in, VALID UNTIL
/// moving on renew, capping at max_ttl, the role dropped on revoke, on expiry and when the issuing token is revoked.
/// </summary>
public sealed partial class DatabaseEngineTests(PostgresCluster pg) : IClassFixture<PostgresCluster>
{
    [GeneratedRegex("^v-root-readonly-[A-Za-z0-9]{20}-[0-9]{10}$")]
    private static partial Regex RootUsername();

    private static readonly string[] Creation =
    [
        "CREATE ROLE \"{{name}}\" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';",
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO \"{{name}}\";",
    ];

    private void SkipWithoutPostgres()
    {
        if (pg.AdminDsn is null) Assert.Skip(pg.SkipReason ?? "no Postgres");
    }

    private async Task<TestVault> ConfiguredAsync(bool fakeClock = false, string defaultTtl = "60s", string maxTtl = "90s", IReadOnlyCollection<string>? faults = null)
    {
        var v = await TestVault.StartAsync(fakeClock: fakeClock, faults: faults);
        if (fakeClock) v.Clock!.Advance(DateTimeOffset.UtcNow - v.Clock.GetUtcNow());   // VALID UNTIL is compared with Postgres' real clock
        (await v.Root.PostAsync("sys/mounts/database", new { type = "database" })).Status.Should().Be(HttpStatusCode.NoContent);
        var b = new NpgsqlConnectionStringBuilder(Twin.Vault.Database.PostgresConnection.ToNpgsql(pg.AdminDsn!));
        var config = await v.Root.PostAsync("database/config/pg", new
        {
            plugin_name = "postgresql-database-plugin",
            connection_url = $"postgresql://{{{{username}}}}:{{{{password}}}}@{b.Host}:{b.Port}/{b.Database}?sslmode=disable",
            username = b.Username, password = b.Password, allowed_roles = new[] { "readonly" }, verify_connection = true,
        });
        config.Status.Should().Be(HttpStatusCode.NoContent, config.ToString());
        (await v.Root.PostAsync("database/roles/readonly", new { db_name = "pg", creation_statements = Creation, default_ttl = defaultTtl, max_ttl = maxTtl })).Status.Should().Be(HttpStatusCode.NoContent);
        await using var admin = pg.Admin();
        await admin.OpenAsync(TestContext.Current.CancellationToken);
        await using var cmd = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS public.things (id int); INSERT INTO public.things VALUES (1);", admin);
        await cmd.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        return v;
    }

    private async Task<DateTime?> ValidUntilAsync(string role)
    {
        await using var admin = pg.Admin();
        await admin.OpenAsync(TestContext.Current.CancellationToken);
        await using var cmd = new NpgsqlCommand("SELECT rolvaliduntil FROM pg_roles WHERE rolname = $1", admin);
        cmd.Parameters.AddWithValue(role);
        var r = await cmd.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        return r is DateTime d ? d.ToUniversalTime() : null;
    }

    private async Task<bool> RoleExistsAsync(string role)
    {
        await using var admin = pg.Admin();
        await admin.OpenAsync(TestContext.Current.CancellationToken);
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM pg_roles WHERE rolname = $1", admin);
        cmd.Parameters.AddWithValue(role);
        return (long)(await cmd.ExecuteScalarAsync(TestContext.Current.CancellationToken))! > 0;
    }

    [Fact]
    public async Task Issued_credentials_log_in_and_read_what_the_role_grants_only()
    {
        SkipWithoutPostgres();
        await using var v = await ConfiguredAsync();
        var creds = await v.Root.GetAsync("database/creds/readonly");
        creds.Status.Should().Be(HttpStatusCode.OK, creds.ToString());
        var user = creds.Data["username"]!.GetValue<string>();
        var password = creds.Data["password"]!.GetValue<string>();
        user.Should().MatchRegex(RootUsername().ToString()).And.HaveLength(47);
        password.Should().HaveLength(20).And.MatchRegex("[a-z]").And.MatchRegex("[A-Z]").And.MatchRegex("[0-9]").And.Contain("-");
        creds.Body!["lease_id"]!.GetValue<string>().Should().StartWith("database/creds/readonly/");
        creds.Body["lease_duration"]!.GetValue<long>().Should().Be(60);
        creds.Body["renewable"]!.GetValue<bool>().Should().BeTrue();

        await using (var conn = new NpgsqlConnection(pg.DsnFor(user, password)))
        {
            await conn.OpenAsync(TestContext.Current.CancellationToken);
            await using var read = new NpgsqlCommand("SELECT count(*) FROM public.things", conn);
            ((long)(await read.ExecuteScalarAsync(TestContext.Current.CancellationToken))!).Should().BeGreaterThan(0);
            await using var write = new NpgsqlCommand("INSERT INTO public.things VALUES (2)", conn);
            var act = () => write.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
            (await act.Should().ThrowAsync<PostgresException>()).Which.SqlState.Should().Be("42501", "the role grants SELECT only");
        }
        var wrong = async () => { await using var c = new NpgsqlConnection(pg.DsnFor(user, "not-" + password)); await c.OpenAsync(TestContext.Current.CancellationToken); };
        await wrong.Should().ThrowAsync<PostgresException>("password authentication is enforced");

        var validUntil = await ValidUntilAsync(user);
        validUntil.Should().BeCloseTo(DateTime.UtcNow.AddSeconds(65), TimeSpan.FromSeconds(5), "expiration = now + default_ttl + 5s");

        var leaseId = creds.Body["lease_id"]!.GetValue<string>();
        var list = await v.Root.ListAsync("sys/leases/lookup/database/creds/readonly/");
        list.Data["keys"]!.AsArray().Select(k => "database/creds/readonly/" + k!.GetValue<string>()).Should().Equal(leaseId);
        (await v.Root.PostAsync("sys/leases/revoke", new { lease_id = leaseId, sync = true })).Status.Should().Be(HttpStatusCode.NoContent);
        (await RoleExistsAsync(user)).Should().BeFalse("the default revocation drops the role");
        (await v.Root.ListAsync("sys/leases/lookup/database/creds/readonly/")).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Renewal_moves_valid_until_and_is_capped_at_max_ttl_with_vaults_warning()
    {
        SkipWithoutPostgres();
        await using var v = await ConfiguredAsync(fakeClock: true);
        var creds = await v.Root.GetAsync("database/creds/readonly");
        var user = creds.Data["username"]!.GetValue<string>();
        var leaseId = creds.Body!["lease_id"]!.GetValue<string>();
        var issued = v.Clock!.GetUtcNow();

        v.Clock.Advance(TimeSpan.FromSeconds(20));
        var r1 = await v.Root.PostAsync("sys/leases/renew", new { lease_id = leaseId });
        r1.Status.Should().Be(HttpStatusCode.OK, r1.ToString());
        r1.Body!["lease_duration"]!.GetValue<long>().Should().Be(60);
        r1.Body["lease_id"]!.GetValue<string>().Should().Be(leaseId);
        r1.Warnings.Should().BeEmpty();
        (await ValidUntilAsync(user)).Should().BeCloseTo(issued.UtcDateTime.AddSeconds(20 + 60 + 5), TimeSpan.FromSeconds(1));

        v.Clock.Advance(TimeSpan.FromSeconds(20));
        var r2 = await v.Root.PostAsync("sys/leases/renew", new { lease_id = leaseId, increment = 60 });
        r2.Body!["lease_duration"]!.GetValue<long>().Should().Be(50);
        r2.Warnings.Should().Equal("TTL of \"1m0s\" exceeded the effective max_ttl of \"50s\"; TTL value is capped accordingly");
        (await ValidUntilAsync(user)).Should().BeCloseTo(issued.UtcDateTime.AddSeconds(40 + 50 + 5), TimeSpan.FromSeconds(1));
        var lookup = await v.Root.PostAsync("sys/leases/lookup", new { lease_id = leaseId });
        lookup.Data["ttl"]!.GetValue<long>().Should().Be(50);
        lookup.Data["last_renewal"]!.GetValue<string>().Should().NotBeEmpty();

        v.Clock.Advance(TimeSpan.FromSeconds(51));   // expiry: the expiration manager revokes and drops the role
        await VaultClient.EventuallyAsync(() => RoleExistsAsync(user), exists => !exists, TimeSpan.FromSeconds(10), $"role {user} dropped at lease expiry");
        (await v.Root.PostAsync("sys/leases/lookup", new { lease_id = leaseId })).Errors.Should().Equal("invalid lease");
    }

    [Fact]
    public async Task Revoking_the_issuing_token_revokes_its_leases_asynchronously()
    {
        SkipWithoutPostgres();
        await using var v = await ConfiguredAsync();
        await v.Root.PostAsync("sys/policies/acl/db", new { policy = """path "database/creds/readonly" { capabilities = ["read"] }""" });
        var token = (await v.Root.PostAsync("auth/token/create", new { policies = new[] { "db" }, display_name = "agent" })).Auth["client_token"]!.GetValue<string>();
        using var t = v.As(token);
        var creds = await t.GetAsync("database/creds/readonly");
        creds.Status.Should().Be(HttpStatusCode.OK, creds.ToString());
        var user = creds.Data["username"]!.GetValue<string>();
        user.Should().StartWith("v-token-ag-readonly-", "display name token-agent truncated to 8");
        (await RoleExistsAsync(user)).Should().BeTrue();
        (await t.GetAsync("database/roles/readonly")).Status.Should().Be(HttpStatusCode.Forbidden);

        (await t.PostAsync("auth/token/revoke-self")).Status.Should().Be(HttpStatusCode.NoContent);
        await VaultClient.EventuallyAsync(() => v.Root.ListAsync("sys/leases/lookup/database/creds/readonly/"), r => r.Status == HttpStatusCode.NotFound,
            TimeSpan.FromSeconds(10), "the token's database lease revoked");
        (await RoleExistsAsync(user)).Should().BeFalse();
    }

    [Fact]
    public async Task A_token_that_expires_takes_its_leases_and_its_roles_with_it()
    {
        SkipWithoutPostgres();
        await using var v = await ConfiguredAsync(fakeClock: true);
        await v.Root.PostAsync("sys/policies/acl/db", new { policy = """path "database/creds/readonly" { capabilities = ["read"] }""" });
        var token = (await v.Root.PostAsync("auth/token/create", new { policies = new[] { "db" }, ttl = "30s" })).Auth["client_token"]!.GetValue<string>();
        var creds = await v.As(token).GetAsync("database/creds/readonly");
        var user = creds.Data["username"]!.GetValue<string>();
        creds.Body!["lease_duration"]!.GetValue<long>().Should().Be(60);
        v.Clock!.Advance(TimeSpan.FromSeconds(31));
        await VaultClient.EventuallyAsync(() => RoleExistsAsync(user), exists => !exists, TimeSpan.FromSeconds(10), $"role {user} dropped after its token expired");
        (await v.Root.ListAsync("sys/leases/lookup/database/creds/readonly/")).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_no_revoke_fault_leaves_leases_of_a_revoked_token()
    {
        SkipWithoutPostgres();
        await using var v = await ConfiguredAsync(faults: [Twin.Vault.TwinVaultFaults.NoRevokeOnTokenRevoke]);
        await v.Root.PostAsync("sys/policies/acl/db", new { policy = """path "database/creds/readonly" { capabilities = ["read"] }""" });
        var token = (await v.Root.PostAsync("auth/token/create", new { policies = new[] { "db" } })).Auth["client_token"]!.GetValue<string>();
        var user = (await v.As(token).GetAsync("database/creds/readonly")).Data["username"]!.GetValue<string>();
        (await v.As(token).PostAsync("auth/token/revoke-self")).Status.Should().Be(HttpStatusCode.NoContent);
        await v.Vault.DrainRevocationsAsync(TestContext.Current.CancellationToken);
        (await v.Root.ListAsync("sys/leases/lookup/database/creds/readonly/")).Status.Should().Be(HttpStatusCode.OK, "the faulty twin keeps the lease");
        (await RoleExistsAsync(user)).Should().BeTrue();
        (await v.Root.PostAsync("sys/leases/revoke-prefix/database/creds/readonly")).Status.Should().Be(HttpStatusCode.NoContent);
        (await RoleExistsAsync(user)).Should().BeFalse();
    }

    [Fact]
    public async Task Roles_and_configs_read_back_without_the_password_and_unknown_roles_fail()
    {
        SkipWithoutPostgres();
        await using var v = await ConfiguredAsync();
        var config = await v.Root.GetAsync("database/config/pg");
        config.Data["plugin_name"]!.GetValue<string>().Should().Be("postgresql-database-plugin");
        config.Data["connection_details"]!.AsObject().ContainsKey("password").Should().BeFalse();
        config.Data["allowed_roles"]![0]!.GetValue<string>().Should().Be("readonly");
        var role = await v.Root.GetAsync("database/roles/readonly");
        role.Data["default_ttl"]!.GetValue<long>().Should().Be(60);
        role.Data["max_ttl"]!.GetValue<long>().Should().Be(90);
        role.Data["creation_statements"]!.AsArray().Should().HaveCount(2);
        (await v.Root.GetAsync("database/creds/nope")).Errors.Should().Equal("unknown role: nope");
        await v.Root.PostAsync("database/roles/other", new { db_name = "pg", creation_statements = Creation });
        var notAllowed = await v.Root.GetAsync("database/creds/other");
        notAllowed.Status.Should().Be(HttpStatusCode.BadRequest);
        notAllowed.Errors.Should().Equal("\"other\" is not an allowed role");
        (await v.Root.ListAsync("database/roles")).Data["keys"]!.AsArray().Count.Should().Be(2);
    }

    [Fact]
    public async Task A_config_whose_database_cannot_be_reached_fails_verification_like_vault()
    {
        await using var v = await TestVault.StartAsync();
        await v.Root.PostAsync("sys/mounts/database", new { type = "database" });
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        var r = await v.Root.PostAsync("database/config/pg", new
        {
            plugin_name = "postgresql-database-plugin", connection_url = $"postgresql://{{{{username}}}}:{{{{password}}}}@127.0.0.1:{port}/app?sslmode=disable",
            username = "postgres", password = "pw", allowed_roles = "*",
        });
        r.Status.Should().Be(HttpStatusCode.BadRequest);
        r.Errors.Single().Should().StartWith("error creating database object: error verifying connection:");
        r.ToString().Should().NotContain("\"pw\"");
        (await v.Root.PostAsync("database/config/pg2", new { plugin_name = "postgresql-database-plugin", connection_url = $"postgresql://u:p@127.0.0.1:{port}/app", verify_connection = false }))
            .Warnings.Should().ContainSingle().Which.Should().StartWith("Password found in connection_url");
    }
}
