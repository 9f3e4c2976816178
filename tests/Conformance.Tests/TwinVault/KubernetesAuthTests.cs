using System.Net;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.TwinVaultTests;

/// <summary>Kubernetes auth (reference/vault.md §3.5) against a stub HTTPS TokenReview endpoint with its own CA.</summary>
public sealed class KubernetesAuthTests
{
    private static async Task<(TestVault, StubTokenReview)> ConfiguredAsync(bool withReviewer = true, IReadOnlyCollection<string>? faults = null, string? ca = null)
    {
        var stub = await StubTokenReview.StartAsync();
        stub.Reviewers.Add("reviewer-jwt");
        var v = await TestVault.StartAsync(faults: faults);
        (await v.Root.PostAsync("sys/auth/kubernetes", new { type = "kubernetes" })).Status.Should().Be(HttpStatusCode.NoContent);
        var config = await v.Root.PostAsync("auth/kubernetes/config", new
        {
            kubernetes_host = stub.Host, kubernetes_ca_cert = ca ?? stub.CaPem, token_reviewer_jwt = withReviewer ? "reviewer-jwt" : null, disable_local_ca_jwt = true,
        });
        config.Status.Should().Be(HttpStatusCode.NoContent, config.ToString());
        var role = await v.Root.PostAsync("auth/kubernetes/role/app", new
        {
            bound_service_account_names = new[] { "app", "runner-*" }, bound_service_account_namespaces = new[] { "demo", "team-*" },
            token_policies = new[] { "app-db" }, token_ttl = "1h", token_max_ttl = "2h",
        });
        role.Status.Should().Be(HttpStatusCode.OK, "a role without audience answers with a warning");
        role.Warnings.Should().ContainSingle().Which.Should().Contain("audience");
        return (v, stub);
    }

    [Fact]
    public async Task Login_reviews_the_jwt_and_issues_a_token_like_vault()
    {
        var (v, stub) = await ConfiguredAsync();
        await using var _ = v;
        await using var __ = stub;
        var jwt = stub.IssueToken("demo", "app");
        var login = await v.Root.PostAsync("auth/kubernetes/login", new { role = "app", jwt }, token: "");
        login.Status.Should().Be(HttpStatusCode.OK, login.ToString());
        var auth = login.Auth;
        auth["policies"]!.AsArray().Select(p => p!.GetValue<string>()).Should().Equal("app-db", "default");
        auth["lease_duration"]!.GetValue<long>().Should().Be(3600);
        auth["renewable"]!.GetValue<bool>().Should().BeTrue();
        auth["entity_id"]!.GetValue<string>().Should().NotBeEmpty();
        auth["metadata"]!["role"]!.GetValue<string>().Should().Be("app");
        auth["metadata"]!["service_account_name"]!.GetValue<string>().Should().Be("app");
        auth["metadata"]!["service_account_namespace"]!.GetValue<string>().Should().Be("demo");
        auth["metadata"]!["service_account_uid"]!.GetValue<string>().Should().NotBeEmpty();
        auth["metadata"]!["service_account_secret_name"]!.GetValue<string>().Should().BeEmpty();
        stub.Calls.Should().ContainSingle().Which.Bearer.Should().Be("reviewer-jwt");
        stub.Calls[0].Body["spec"]!["token"]!.GetValue<string>().Should().Be(jwt);

        var token = auth["client_token"]!.GetValue<string>();
        var self = await v.As(token).GetAsync("auth/token/lookup-self");
        self.Data["display_name"]!.GetValue<string>().Should().Be("kubernetes-demo-app");
        self.Data["path"]!.GetValue<string>().Should().Be("auth/kubernetes/login");
        var leases = await v.Root.ListAsync("sys/leases/lookup/auth/kubernetes/login/");
        leases.Data["keys"]!.AsArray().Should().ContainSingle();
        var renewed = await v.As(token).PostAsync("auth/token/renew-self", new { increment = "3h" });
        renewed.Auth["lease_duration"]!.GetValue<long>().Should().BeInRange(7190, 7200, "token_max_ttl 2h caps the renewal");

        (await v.Root.PostAsync("auth/kubernetes/login", new { role = "app", jwt = stub.IssueToken("team-blue", "runner-7") }, token: "")).Status.Should().Be(HttpStatusCode.OK, "globs bind names and namespaces");
    }

    [Fact]
    public async Task Unbound_service_accounts_namespaces_and_bad_tokens_are_refused_with_vaults_errors()
    {
        var (v, stub) = await ConfiguredAsync();
        await using var _ = v;
        await using var __ = stub;
        var wrongName = await v.Root.PostAsync("auth/kubernetes/login", new { role = "app", jwt = stub.IssueToken("demo", "other") }, token: "");
        wrongName.Status.Should().Be(HttpStatusCode.Forbidden);
        wrongName.Errors.Should().Equal("1 error occurred:\n\t* service account name not authorized\n\n");
        var wrongNs = await v.Root.PostAsync("auth/kubernetes/login", new { role = "app", jwt = stub.IssueToken("prod", "app") }, token: "");
        wrongNs.Errors.Should().Equal("1 error occurred:\n\t* namespace not authorized\n\n");
        stub.Calls.Should().BeEmpty("claims are checked before any TokenReview");

        var forged = stub.IssueToken("demo", "app").Split('.');
        var unknown = forged[0] + "." + forged[1] + ".other-signature";
        var denied = await v.Root.PostAsync("auth/kubernetes/login", new { role = "app", jwt = unknown }, token: "");
        denied.Status.Should().Be(HttpStatusCode.Forbidden);
        denied.Errors.Should().Equal("1 error occurred:\n\t* permission denied\n\n");
        (await v.Root.PostAsync("auth/kubernetes/login", new { role = "nope", jwt = unknown }, token: "")).Errors.Should().Equal("invalid role name \"nope\"");
        (await v.Root.PostAsync("auth/kubernetes/login", new { role = "app" }, token: "")).Errors.Should().Equal("missing jwt");
    }

    [Fact]
    public async Task Without_a_reviewer_jwt_the_clients_own_jwt_reviews_itself()
    {
        var (v, stub) = await ConfiguredAsync(withReviewer: false);
        await using var _ = v;
        await using var __ = stub;
        var jwt = stub.IssueToken("demo", "app");
        (await v.Root.PostAsync("auth/kubernetes/login", new { role = "app", jwt }, token: "")).Status.Should().Be(HttpStatusCode.Forbidden, "the app SA lacks system:auth-delegator");
        stub.Calls.Single().Bearer.Should().Be(jwt);
        stub.Reviewers.Add(jwt);
        (await v.Root.PostAsync("auth/kubernetes/login", new { role = "app", jwt }, token: "")).Status.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_ca_that_does_not_sign_the_api_server_fails_the_login()
    {
        await using var other = await StubTokenReview.StartAsync();
        var (v, stub) = await ConfiguredAsync(ca: other.CaPem);
        await using var _ = v;
        await using var __ = stub;
        (await v.Root.PostAsync("auth/kubernetes/login", new { role = "app", jwt = stub.IssueToken("demo", "app") }, token: "")).Status.Should().Be(HttpStatusCode.Forbidden);
        stub.Calls.Should().BeEmpty("the TLS handshake fails before any request");
        (await v.Root.PostAsync("auth/kubernetes/config", new { kubernetes_host = stub.Host, kubernetes_ca_cert = "not a pem" })).Errors
            .Should().Equal("Configured CA PEM data contains no valid certificates, TLS verification will fail");
    }

    [Fact]
    public async Task The_accepts_unbound_fault_lets_any_service_account_in()
    {
        var (v, stub) = await ConfiguredAsync(faults: [Twin.Vault.TwinVaultFaults.AcceptsUnboundServiceAccount]);
        await using var _ = v;
        await using var __ = stub;
        (await v.Root.PostAsync("auth/kubernetes/login", new { role = "app", jwt = stub.IssueToken("prod", "intruder") }, token: "")).Status.Should().Be(HttpStatusCode.OK);
    }
    [Fact]
    public async Task The_reviews_with_client_jwt_fault_refuses_a_bound_account_that_cannot_review()
    {
        var (v, stub) = await ConfiguredAsync(faults: [Twin.Vault.TwinVaultFaults.ReviewsWithClientJwt]);
        await using var _ = v;
        await using var __ = stub;
        var jwt = stub.IssueToken("demo", "app");
        var login = await v.Root.PostAsync("auth/kubernetes/login", new { role = "app", jwt }, token: "");
        login.Status.Should().Be(HttpStatusCode.Forbidden, "the bound account lacks system:auth-delegator");
        login.Errors.Should().Equal("1 error occurred:\n\t* permission denied\n\n");
        stub.Calls.Single().Bearer.Should().Be(jwt, "the configured reviewer JWT is not used");
        stub.Reviewers.Add(jwt);
        (await v.Root.PostAsync("auth/kubernetes/login", new { role = "app", jwt }, token: "")).Status.Should().Be(HttpStatusCode.OK, "an account that may review itself still logs in");
        (await v.Root.PostAsync("auth/kubernetes/login", new { role = "app", jwt = stub.IssueToken("demo", "other") }, token: "")).Errors
            .Should().ContainSingle("the bindings are still checked").Which.Should().Contain("service account name not authorized");
    }
}
