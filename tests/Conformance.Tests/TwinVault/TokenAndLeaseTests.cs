using System.Net;
using System.Text.Json.Nodes;
using FluentAssertions;

using Xunit;

namespace Conformance.Tests.TwinVault;

/// <summary>Tokens, ACL over HTTP, token leases and TTL capping with a fake clock (reference/vault.md §2.1, §2.4, §3.6).</summary>
public sealed class TokenAndLeaseTests
{
    [Fact]
    public async Task Dev_mode_health_and_root_token_look_like_vault_server_dev()
    {
        await using var v = await TestVault.StartAsync();
        var health = await v.Root.GetAsync("sys/health", token: "");
        health.Status.Should().Be(HttpStatusCode.OK);
        health.Body!["initialized"]!.GetValue<bool>().Should().BeTrue();
        health.Body["sealed"]!.GetValue<bool>().Should().BeFalse();
        health.Body["standby"]!.GetValue<bool>().Should().BeFalse();
        health.Body["version"]!.GetValue<string>().Should().NotBeEmpty();

        var self = await v.Root.GetAsync("auth/token/lookup-self");
        self.Status.Should().Be(HttpStatusCode.OK, self.ToString());
        self.Data["policies"]!.AsArray().Select(p => p!.GetValue<string>()).Should().Equal("root");
        self.Data["path"]!.GetValue<string>().Should().Be("auth/token/root");
        self.Data["display_name"]!.GetValue<string>().Should().Be("root");
        self.Data["ttl"]!.GetValue<long>().Should().Be(0);
        self.Data["expire_time"].Should().BeNull();
        self.Body!["lease_id"]!.GetValue<string>().Should().BeEmpty();
        self.Body.ContainsKey("wrap_info").Should().BeTrue();

        var mounts = await v.Root.GetAsync("sys/mounts");
        mounts.Data["secret/"]!["type"]!.GetValue<string>().Should().Be("kv");
        mounts.Data["secret/"]!["options"]!["version"]!.GetValue<string>().Should().Be("2");
    }

    [Fact]
    public async Task A_policy_limits_a_child_token_and_denials_have_vaults_body()
    {
        await using var v = await TestVault.StartAsync();
        (await v.Root.PostAsync("sys/policies/acl/app-read", new { policy = """path "secret/data/app/*" { capabilities = ["read"] }""" })).Status.Should().Be(HttpStatusCode.NoContent);
        (await v.Root.PostAsync("secret/data/app/db", new { data = new { password = "x" } })).Status.Should().Be(HttpStatusCode.OK);
        var created = await v.Root.PostAsync("auth/token/create", new { policies = new[] { "app-read" }, ttl = "1h", display_name = "ci job" });
        created.Status.Should().Be(HttpStatusCode.OK, created.ToString());
        var auth = created.Auth;
        auth["policies"]!.AsArray().Select(p => p!.GetValue<string>()).Should().Equal("app-read", "default");
        auth["token_policies"]!.AsArray().Count.Should().Be(2);
        auth["lease_duration"]!.GetValue<long>().Should().Be(3600);
        auth["renewable"]!.GetValue<bool>().Should().BeTrue();
        auth["client_token"]!.GetValue<string>().Should().StartWith("hvs.");
        auth["accessor"]!.GetValue<string>().Should().HaveLength(24);
        using var child = v.As(auth["client_token"]!.GetValue<string>());

        (await child.GetAsync("secret/data/app/db")).Status.Should().Be(HttpStatusCode.OK);
        var denied = await child.PostAsync("secret/data/app/db", new { data = new { password = "y" } });
        denied.Status.Should().Be(HttpStatusCode.Forbidden);
        denied.Body!.ToJsonString().Should().Be("""{"errors":["1 error occurred:\n\t* permission denied\n\n"]}""");
        (await child.GetAsync("auth/token/lookup-self")).Data["display_name"]!.GetValue<string>().Should().Be("token-ci-job");

        var escalate = await child.PostAsync("auth/token/create", new { policies = new[] { "root" } });
        escalate.Status.Should().Be(HttpStatusCode.Forbidden, "the default policy grants no auth/token/create");
        (await v.Root.PostAsync("sys/policies/acl/creator", new { policy = """path "auth/token/create" { capabilities = ["update"] }""" })).Status.Should().Be(HttpStatusCode.NoContent);
        var creator = (await v.Root.PostAsync("auth/token/create", new { policies = new[] { "creator" } })).Auth["client_token"]!.GetValue<string>();
        var notSubset = await v.As(creator).PostAsync("auth/token/create", new { policies = new[] { "app-read" } });
        notSubset.Status.Should().Be(HttpStatusCode.BadRequest);
        notSubset.Errors.Should().Equal("child policies must be subset of parent");

        var bad = await v.As("hvs.doesnotexist000000000000").GetAsync("auth/token/lookup-self");
        bad.Status.Should().Be(HttpStatusCode.Forbidden);
        bad.Errors.Should().Equal("2 errors occurred:\n\t* permission denied\n\t* invalid token\n\n");
    }

    [Fact]
    public async Task Policies_are_crud_and_builtins_are_protected()
    {
        await using var v = await TestVault.StartAsync();
        var list = await v.Root.ListAsync("sys/policies/acl");
        list.Data["keys"]!.AsArray().Select(k => k!.GetValue<string>()).Should().Equal("default", "root");
        (await v.Root.GetAsync("sys/policies/acl/default")).Data["policy"]!.GetValue<string>().Should().Contain("auth/token/renew-self");
        (await v.Root.PostAsync("sys/policies/acl/root", new { policy = "" })).Status.Should().Be(HttpStatusCode.BadRequest);
        (await v.Root.DeleteAsync("sys/policies/acl/default")).Errors.Should().Equal("cannot delete \"default\" policy");
        (await v.Root.PostAsync("sys/policies/acl/Mixed", new { policy = """path "a/*" { capabilities = ["read"] }""" })).Status.Should().Be(HttpStatusCode.NoContent);
        (await v.Root.GetAsync("sys/policies/acl/mixed")).Data["name"]!.GetValue<string>().Should().Be("mixed");
        var bad = await v.Root.PostAsync("sys/policies/acl/bad", new { policy = """path "a" { capabilities = ["fly"] }""" });
        bad.Status.Should().Be(HttpStatusCode.BadRequest);
        bad.Errors.Single().Should().StartWith("failed to parse policy");
        (await v.Root.DeleteAsync("sys/policies/acl/mixed")).Status.Should().Be(HttpStatusCode.NoContent);
        (await v.Root.GetAsync("sys/policies/acl/mixed")).Status.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Token_renewal_is_capped_at_explicit_max_ttl_and_the_token_expires_on_the_fake_clock()
    {
        await using var v = await TestVault.StartAsync(fakeClock: true);
        var created = await v.Root.PostAsync("auth/token/create", new { policies = new[] { "default" }, ttl = "60s", explicit_max_ttl = "150s" });
        var token = created.Auth["client_token"]!.GetValue<string>();
        using var t = v.As(token);
        var leases = await v.Root.ListAsync("sys/leases/lookup/auth/token/create/");
        leases.Status.Should().Be(HttpStatusCode.OK, leases.ToString());
        var leaseId = "auth/token/create/" + leases.Data["keys"]![0]!.GetValue<string>();

        v.Clock!.Advance(TimeSpan.FromSeconds(50));
        var renewed = await t.PostAsync("auth/token/renew-self", new { increment = "2m" });
        renewed.Status.Should().Be(HttpStatusCode.OK, renewed.ToString());
        renewed.Auth["lease_duration"]!.GetValue<long>().Should().Be(100);
        renewed.Warnings.Should().Equal("TTL of \"2m0s\" exceeded the effective max_ttl of \"1m40s\"; TTL value is capped accordingly");

        var lookup = await v.Root.PostAsync("sys/leases/lookup", new { lease_id = leaseId });
        lookup.Data["ttl"]!.GetValue<long>().Should().Be(100);
        lookup.Data["last_renewal"].Should().NotBeNull();

        v.Clock.Advance(TimeSpan.FromSeconds(99));
        (await t.GetAsync("auth/token/lookup-self")).Data["ttl"]!.GetValue<long>().Should().Be(1);
        v.Clock.Advance(TimeSpan.FromSeconds(2));
        (await t.GetAsync("auth/token/lookup-self")).Status.Should().Be(HttpStatusCode.Forbidden);
        var gone = await VaultClient.EventuallyAsync(() => v.Root.ListAsync("sys/leases/lookup/auth/token/create/"),
            r => r.Status == HttpStatusCode.NotFound, TimeSpan.FromSeconds(5), "the expired token's lease leaving");
        gone.Body!.ToJsonString().Should().Be("""{"errors":[]}""");
    }

    [Fact]
    public async Task Ignoring_max_ttl_is_a_fault_that_removes_the_cap()
    {
        await using var v = await TestVault.StartAsync(fakeClock: true, faults: [Twin.Vault.TwinVaultFaults.IgnoresMaxTtl]);
        var token = (await v.Root.PostAsync("auth/token/create", new { policies = new[] { "default" }, ttl = "60s", explicit_max_ttl = "90s" })).Auth["client_token"]!.GetValue<string>();
        v.Clock!.Advance(TimeSpan.FromSeconds(50));
        var renewed = await v.As(token).PostAsync("auth/token/renew-self", new { increment = 120 });
        renewed.Auth["lease_duration"]!.GetValue<long>().Should().Be(120);
        renewed.Warnings.Should().BeEmpty();
    }

    [Fact]
    public async Task Revoking_a_token_revokes_its_children_and_revoke_accessor_works()
    {
        await using var v = await TestVault.StartAsync();
        var parent = (await v.Root.PostAsync("auth/token/create", new { policies = new[] { "default" } })).Auth;
        (await v.Root.PostAsync("sys/policies/acl/maker", new { policy = """path "auth/token/create" { capabilities = ["update"] }""" })).Status.Should().Be(HttpStatusCode.NoContent);
        var maker = (await v.Root.PostAsync("auth/token/create", new { policies = new[] { "maker", "default" } })).Auth["client_token"]!.GetValue<string>();
        var child = (await v.As(maker).PostAsync("auth/token/create", new { policies = new[] { "default" } })).Auth["client_token"]!.GetValue<string>();
        var grandchild = (await v.As(child).PostAsync("auth/token/create", new { })).Status;
        grandchild.Should().Be(HttpStatusCode.Forbidden, "the child holds only the default policy");

        (await v.As(child).GetAsync("auth/token/lookup-self")).Status.Should().Be(HttpStatusCode.OK);
        (await v.As(maker).PostAsync("auth/token/revoke-self")).Status.Should().Be(HttpStatusCode.NoContent);
        (await v.As(child).GetAsync("auth/token/lookup-self")).Status.Should().Be(HttpStatusCode.Forbidden, "children go with their parent");

        (await v.Root.PostAsync("auth/token/revoke-accessor", new { accessor = parent["accessor"]!.GetValue<string>() })).Status.Should().Be(HttpStatusCode.NoContent);
        (await v.As(parent["client_token"]!.GetValue<string>()).GetAsync("auth/token/lookup-self")).Status.Should().Be(HttpStatusCode.Forbidden);
        (await v.Root.PostAsync("auth/token/revoke", new { token = "hvs.unknown" })).Status.Should().Be(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Lease_listing_is_404_when_empty_and_needs_sudo()
    {
        await using var v = await TestVault.StartAsync();
        var empty = await v.Root.ListAsync("sys/leases/lookup/database/creds/readonly/");
        empty.Status.Should().Be(HttpStatusCode.NotFound);
        empty.Body!.ToJsonString().Should().Be("""{"errors":[]}""");
        var viaQuery = await v.Root.GetAsync("sys/leases/lookup/auth/?list=true");
        viaQuery.Status.Should().Be(HttpStatusCode.NotFound);
        var plain = (await v.Root.PostAsync("auth/token/create", new { policies = new[] { "default" } })).Auth["client_token"]!.GetValue<string>();
        (await v.As(plain).ListAsync("sys/leases/lookup/auth/token/create/")).Status.Should().Be(HttpStatusCode.Forbidden);
        (await v.Root.PostAsync("sys/leases/lookup", new { lease_id = "nope/1" })).Errors.Should().Equal("invalid lease");
        (await v.Root.PostAsync("sys/leases/renew", new { lease_id = "nope/1" })).Status.Should().Be(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Mounts_enable_tune_and_disable()
    {
        await using var v = await TestVault.StartAsync();
        (await v.Root.PostAsync("sys/mounts/kv2", new { type = "kv", options = new { version = "2" }, config = new { default_lease_ttl = "1m", max_lease_ttl = "10m" } })).Status.Should().Be(HttpStatusCode.NoContent);
        (await v.Root.PostAsync("sys/mounts/kv2", new { type = "kv", options = new { version = "2" } })).Errors.Should().Equal("path is already in use at kv2/");
        var tune = await v.Root.GetAsync("sys/mounts/kv2/tune");
        tune.Data["default_lease_ttl"]!.GetValue<long>().Should().Be(60);
        tune.Data["max_lease_ttl"]!.GetValue<long>().Should().Be(600);
        (await v.Root.PostAsync("sys/mounts/kv2/tune", new { max_lease_ttl = "20m" })).Status.Should().Be(HttpStatusCode.NoContent);
        (await v.Root.GetAsync("sys/mounts/kv2/tune")).Data["max_lease_ttl"]!.GetValue<long>().Should().Be(1200);
        (await v.Root.PostAsync("sys/auth/kubernetes", new { type = "kubernetes" })).Status.Should().Be(HttpStatusCode.NoContent);
        (await v.Root.GetAsync("sys/auth")).Data.ContainsKey("kubernetes/").Should().BeTrue();
        (await v.Root.GetAsync("sys/internal/ui/mounts/kv2/data/x")).Data["options"]!["version"]!.GetValue<string>().Should().Be("2");
        (await v.Root.DeleteAsync("sys/mounts/kv2")).Status.Should().Be(HttpStatusCode.NoContent);
        (await v.Root.GetAsync("sys/mounts")).Data.ContainsKey("kv2/").Should().BeFalse();
        (await v.Root.PostAsync("sys/mounts/x", new { type = "nonsense" })).Errors.Should().Equal("plugin not found in the catalog: nonsense");
    }
}
