using System.Net;
using System.Text.Json.Nodes;
using Conformance.Fixtures.Secrets;
using Conformance.Fixtures.Vault;
using Conformance.Tests.Fixtures.Support;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Fixtures.Vault;

/// <summary>How the Vault client shapes requests and reads answers (reference/vault.md §3), against an in-test endpoint.</summary>
public sealed class VaultClientShapeTests
{
    private static readonly Uri Address = new("http://127.0.0.1:8200/");
    private readonly SecretLedger _ledger = SecretLedger.NewRun();
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    private (VaultClient Client, RecordingHandler Handler) Client(Func<RecordedRequest, HttpResponseMessage> respond)
    {
        var handler = new RecordingHandler(respond);
        return (new VaultClient(Address, "root-token-abcdef", _ledger, handler), handler);
    }

    [Fact]
    public async Task Sends_the_token_header_and_JSON_bodies()
    {
        var (client, handler) = Client(_ => RecordingHandler.Json("""{"data":{"version":3}}"""));
        using var _ = client;

        var written = await client.KvPutAsync("app/db", new Dictionary<string, string> { ["password"] = "pw-1234567890" }, cas: 2, cancellationToken: Ct);

        written.Version.Should().Be(3);
        var request = handler.Requests.Single();
        request.Method.Should().Be("POST");
        request.Uri.AbsolutePath.Should().Be("/v1/secret/data/app/db");
        request.Headers["X-Vault-Token"].Should().Be("root-token-abcdef");
        JsonNode.Parse(request.Body)!.ToJsonString().Should().Be("""{"data":{"password":"pw-1234567890"},"options":{"cas":2}}""");
    }

    [Fact]
    public async Task Errors_become_VaultException_with_status_and_errors()
    {
        var (client, _) = Client(_ => RecordingHandler.Json("""{"errors":["1 error occurred:\n\t* permission denied\n\n"]}""", HttpStatusCode.Forbidden));
        using var __ = client;

        var e = (await FluentActions.Awaiting(() => client.GetDatabaseCredentialsAsync("readonly", cancellationToken: Ct))
            .Should().ThrowAsync<VaultException>()).Which;
        e.Status.Should().Be(HttpStatusCode.Forbidden);
        e.IsPermissionDenied.Should().BeTrue();
        e.Errors.Should().ContainSingle().Which.Should().Contain("permission denied");
        e.Message.Should().Contain("GET /v1/database/creds/readonly").And.Contain("403");
    }

    [Fact]
    public async Task Warnings_are_surfaced_on_the_result_and_as_an_event()
    {
        var (client, handler) = Client(_ => RecordingHandler.Json(
            """{"lease_id":"database/creds/ro/x1","lease_duration":40,"renewable":true,"warnings":["TTL of \"1m\" exceeded the effective max_ttl of \"40s\"; TTL value is capped accordingly"]}"""));
        using var _ = client;
        var seen = new List<string>();
        client.Warned += (path, warnings) => seen.AddRange(warnings.Select(w => path + ": " + w));

        var renewal = await client.RenewLeaseAsync("database/creds/ro/x1", TimeSpan.FromMinutes(1), Ct);

        renewal.LeaseDurationSeconds.Should().Be(40);
        renewal.Warnings.Should().ContainSingle().Which.Should().Contain("capped");
        seen.Should().ContainSingle().Which.Should().StartWith("sys/leases/renew: ");
        JsonNode.Parse(handler.Requests.Single().Body)!.ToJsonString().Should().Be("""{"lease_id":"database/creds/ro/x1","increment":60}""");
    }

    [Fact]
    public async Task An_empty_LIST_is_a_404_that_means_no_keys()
    {
        var (client, handler) = Client(_ => RecordingHandler.Json("""{"errors":[]}""", HttpStatusCode.NotFound));
        using var _ = client;

        (await client.ListLeasesAsync("database/creds/readonly", Ct)).Should().BeEmpty();
        handler.Requests.Single().Uri.PathAndQuery.Should().Be("/v1/sys/leases/lookup/database/creds/readonly/?list=true");
    }

    [Fact]
    public async Task Listing_leases_returns_full_lease_ids()
    {
        var (client, _) = Client(_ => RecordingHandler.Json("""{"data":{"keys":["abc","def"]}}"""));
        using var __ = client;

        (await client.ListLeasesAsync("database/creds/readonly/", Ct)).Should()
            .Equal("database/creds/readonly/abc", "database/creds/readonly/def");
    }

    [Fact]
    public async Task Revocation_sends_sync_true_explicitly()
    {
        var (client, handler) = Client(_ => new HttpResponseMessage(HttpStatusCode.NoContent));
        using var _ = client;

        await client.RevokeLeaseAsync("database/creds/ro/x1", Ct);

        JsonNode.Parse(handler.Requests.Single().Body)!["sync"]!.GetValue<bool>().Should().BeTrue();
    }

    [Fact]
    public async Task Login_is_unauthenticated_and_issued_tokens_and_credentials_enter_the_ledger()
    {
        var (client, handler) = Client(r => r.Uri.AbsolutePath.EndsWith("/login", StringComparison.Ordinal)
            ? RecordingHandler.Json("""{"auth":{"client_token":"hvs.issued-by-login-1","accessor":"acc1","policies":["app-db"],"lease_duration":3600,"renewable":true}}""")
            : RecordingHandler.Json("""{"lease_id":"database/creds/ro/z","lease_duration":60,"renewable":true,"data":{"username":"v-kubernet-ro-AbCdEfGhIjKlMnOpQrSt-1700000000","password":"A1a-generated-password"}}"""));
        using var _ = client;

        var auth = await client.KubernetesLoginAsync("app", "eyJhbGciOi.sa-jwt.sig", cancellationToken: Ct);
        using var app = client.WithToken(auth.ClientToken);
        var creds = await app.GetDatabaseCredentialsAsync("ro", cancellationToken: Ct);

        handler.Requests[0].Headers.Should().NotContainKey("X-Vault-Token");
        handler.Requests[1].Headers["X-Vault-Token"].Should().Be("hvs.issued-by-login-1");
        auth.Policies.Should().Equal("app-db");
        creds.LeaseId.Should().Be("database/creds/ro/z");
        creds.Renewable.Should().BeTrue();
        _ledger.Knows("hvs.issued-by-login-1").Should().BeTrue();
        _ledger.Knows("A1a-generated-password").Should().BeTrue();
        _ledger.Knows("v-kubernet-ro-AbCdEfGhIjKlMnOpQrSt-1700000000").Should().BeTrue();
        _ledger.Knows("eyJhbGciOi.sa-jwt.sig").Should().BeTrue();
        _ledger.Knows("root-token-abcdef").Should().BeTrue();
        creds.ToString().Should().NotContain("A1a-generated-password");
        auth.ToString().Should().NotContain("hvs.issued-by-login-1");
        client.ToString().Should().NotContain("root-token-abcdef");
    }

    [Fact]
    public async Task Lease_lookup_reads_last_renewal_and_health_status_codes_are_not_errors()
    {
        var (client, _) = Client(r => r.Uri.AbsolutePath == "/v1/sys/health"
            ? RecordingHandler.Json("""{"initialized":true,"sealed":true,"standby":false,"version":"1.20.0"}""", HttpStatusCode.ServiceUnavailable)
            : RecordingHandler.Json("""{"data":{"id":"l1","issue_time":"2026-01-01T00:00:00Z","expire_time":"2026-01-01T00:01:00Z","last_renewal":null,"renewable":true,"ttl":42}}"""));
        using var _ = client;

        var lease = await client.LookupLeaseAsync("l1", Ct);
        lease.Ttl.Should().Be(42);
        lease.LastRenewal.Should().BeNull();
        lease.ExpireTime.Should().Be(new DateTimeOffset(2026, 1, 1, 0, 1, 0, TimeSpan.Zero));

        var health = await client.HealthAsync(Ct);
        health.StatusCode.Should().Be(503);
        health.Sealed.Should().BeTrue();
    }

    [Fact]
    public async Task Database_role_TTLs_are_sent_as_seconds_and_KV_reads_return_data_and_version()
    {
        var (client, handler) = Client(r => r.Method == "GET"
            ? RecordingHandler.Json("""{"data":{"data":{"user":"app","n":5},"metadata":{"version":2,"created_time":"2026-01-01T00:00:00.5Z","deletion_time":"","destroyed":false}}}""")
            : new HttpResponseMessage(HttpStatusCode.NoContent));
        using var _ = client;

        await client.WriteDatabaseRoleAsync("ro", new DatabaseRole("pg", ["CREATE ROLE x"], TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(3)), cancellationToken: Ct);
        var kv = await client.KvGetAsync("app", 2, cancellationToken: Ct);

        var role = JsonNode.Parse(handler.Requests[0].Body)!;
        ((string)role["default_ttl"]!).Should().Be("60s");
        ((string)role["max_ttl"]!).Should().Be("180s");
        handler.Requests[1].Uri.PathAndQuery.Should().Be("/v1/secret/data/app?version=2");
        kv!.Data["user"].Should().Be("app");
        kv.Data["n"].Should().Be("5");
        kv.Metadata.Version.Should().Be(2);
        kv.Metadata.DeletionTime.Should().BeNull();
    }
}
