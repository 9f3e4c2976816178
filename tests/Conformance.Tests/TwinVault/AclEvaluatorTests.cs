using System.Net;
using Conformance.Twin.Vault.Acl;
using Conformance.Twin.Vault.Http;
using FluentAssertions;

using Xunit;

namespace Conformance.Tests.TwinVaultTests;

/// <summary>ACL evaluation as docs/concepts/policies.mdx describes it (exact beats glob; priority among globs; deny wins).</summary>
public sealed class AclEvaluatorTests
{
    private const string Policies = """
        path "secret/data/app/*" { capabilities = ["read", "list"] }
        path "secret/data/app/admin" { capabilities = ["read", "update", "create"] }
        path "secret/data/app/admin*" { capabilities = ["delete"] }
        path "secret/data/+/shared" { capabilities = ["read"] }
        path "secret/data/team/+" { capabilities = ["update"] }
        path "secret/data/team/+/deep*" { capabilities = ["list"] }
        path "secret/metadata/app/" { capabilities = ["list"] }
        path "secret/metadata/team" { capabilities = ["list"] }
        path "database/creds/readonly" { capabilities = ["read"] }
        path "sys/leases/lookup/*" { capabilities = ["list", "sudo"] }
        path "sys/leases/revoke-prefix/*" { capabilities = ["update"] }
        """;

    private const string DenyPolicy = """
        path "secret/data/app/secret" { capabilities = ["deny"] }
        path "database/*" { capabilities = ["read"] }
        """;

    public static TheoryData<string, VaultOperation, bool, bool> Cases => new()
    {
        // path, operation, needs sudo, allowed
        { "secret/data/app/x", VaultOperation.Read, false, true },
        { "secret/data/app/x", VaultOperation.Update, false, false },
        { "secret/data/app/admin", VaultOperation.Update, false, true },        // exact rule wins over the glob
        { "secret/data/app/admin", VaultOperation.List, false, false },         // ... and replaces it entirely
        { "secret/data/app/administrator", VaultOperation.Delete, false, true },// longest prefix "app/admin*"
        { "secret/data/app/administrator", VaultOperation.Read, false, false },
        { "secret/data/web/shared", VaultOperation.Read, false, true },         // + matches one segment
        { "secret/data/web/x/shared", VaultOperation.Read, false, false },      // ... and only one
        { "secret/data/app/shared", VaultOperation.List, false, true },         // "app/*" (glob at 16) beats "+/shared" (wildcard at 12): later first wildcard wins
        { "secret/data/team/blue", VaultOperation.Update, false, true },
        { "secret/data/team/blue/deeper", VaultOperation.List, false, true },   // + with trailing * prefix segment
        { "secret/data/team/blue/other", VaultOperation.List, false, false },
        { "secret/metadata/app/", VaultOperation.List, false, true },
        { "secret/metadata/team/", VaultOperation.List, false, true },          // LIST consults the exact rule without the slash
        { "secret/metadata/team/", VaultOperation.Read, false, false },
        { "database/creds/readonly", VaultOperation.Read, false, true },
        { "database/creds/readwrite", VaultOperation.Read, false, true },       // via the second policy's glob
        { "secret/data/app/secret", VaultOperation.Read, false, false },        // deny wins across policies
        { "sys/leases/lookup/database/creds/readonly/", VaultOperation.List, true, true },
        { "sys/leases/revoke-prefix/database/", VaultOperation.Update, true, false },   // sudo path without sudo
        { "auth/token/lookup-self", VaultOperation.Read, false, true },          // default policy
        { "auth/token/renew-self", VaultOperation.Update, false, true },
        { "sys/leases/renew", VaultOperation.Update, false, true },
        { "sys/leases/lookup", VaultOperation.Update, false, true },
        { "sys/mounts", VaultOperation.Read, false, false },
        { "identity/oidc/provider/x/authorize", VaultOperation.Read, false, true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Evaluates_like_vault(string path, VaultOperation op, bool sudo, bool allowed)
    {
        var acl = new AclEvaluator([
            Policy.Parse("app", Policies), Policy.Parse("deny", DenyPolicy), Policy.Parse("default", BuiltinPolicies.Default),
        ]);
        acl.Allows(path, op, sudo).Should().Be(allowed, $"{op} {path} (sudo needed: {sudo})");
    }

    [Fact]
    public void Segment_wildcard_priority_follows_the_documented_order()
    {
        // docs: "If the first wildcard (+) or glob (*) occurs earlier in P1, P1 is lower priority".
        var acl = new AclEvaluator([Policy.Parse("p", """
            path "a/+/c/*" { capabilities = ["read"] }
            path "a/b/+/*" { capabilities = ["update"] }
            path "a/b/c/d*" { capabilities = ["delete"] }
            path "x/+/+" { capabilities = ["read"] }
            path "x/+/y" { capabilities = ["update"] }
            """)]);
        acl.CapabilitiesOn("a/b/c/e").Should().Be(Capability.Update);
        acl.CapabilitiesOn("a/b/c/dd").Should().Be(Capability.Delete);
        acl.CapabilitiesOn("x/q/y").Should().Be(Capability.Update);   // fewer + segments win
        acl.CapabilitiesOn("x/q/z").Should().Be(Capability.Read);
    }

    [Fact]
    public void Root_policy_allows_everything_and_deny_removes_all_capabilities()
    {
        new AclEvaluator([Policy.Parse("root", "")]).Allows("any/path", VaultOperation.Delete, needsSudo: true).Should().BeTrue();
        var merged = new AclEvaluator([Policy.Parse("a", """path "p" { capabilities = ["read","update"] }"""), Policy.Parse("b", """path "p" { capabilities = ["deny"] }""")]);
        merged.CapabilitiesOn("p").Should().Be(Capability.Deny);
    }

    [Fact]
    public void Bad_policies_are_rejected_with_a_reason()
    {
        var bad = () => Policy.Parse("x", """path "a" { capabilities = ["reed"] }""");
        bad.Should().Throw<FormatException>().WithMessage("*invalid capability \"reed\"*");
        var garbage = () => Policy.Parse("x", "pth \"a\" {}");
        garbage.Should().Throw<FormatException>().WithMessage("*failed to parse policy*");
    }
    [Fact]
    public void Reads_somewhere_under_a_mount_walks_every_rule_that_grants_read()
    {
        var acl = new AclEvaluator([Policy.Parse("app", Policies), Policy.Parse("default", BuiltinPolicies.Default)]);
        acl.ReadsSomewhereUnder("database/").Should().BeTrue("database/creds/readonly grants read");
        acl.ReadsSomewhereUnder("aws/").Should().BeFalse();
        new AclEvaluator([Policy.Parse("deny", """path "kv/x" { capabilities = ["deny"] }""")]).ReadsSomewhereUnder("kv/").Should().BeFalse();
    }

    [Fact]
    public async Task The_reads_whole_mount_fault_lets_a_token_read_every_path_of_a_mount_it_reads_one_path_of()
    {
        foreach (var faulty in new[] { false, true })
        {
            await using var v = await TestVault.StartAsync(faults: faulty ? [Twin.Vault.TwinVaultFaults.AclReadsWholeMount] : null);
            (await v.Root.PostAsync("secret/data/app/mine", new { data = new { k = "v" } })).Status.Should().Be(HttpStatusCode.OK);
            (await v.Root.PostAsync("secret/data/app/theirs", new { data = new { k = "v" } })).Status.Should().Be(HttpStatusCode.OK);
            (await v.Root.PostAsync("sys/policies/acl/mine", new { policy = """path "secret/data/app/mine" { capabilities = ["read"] }""" })).Status.Should().Be(HttpStatusCode.NoContent);
            var token = (await v.Root.PostAsync("auth/token/create", new { policies = new[] { "mine" } })).Auth["client_token"]!.GetValue<string>();
            var client = v.As(token);

            (await client.GetAsync("secret/data/app/mine")).Status.Should().Be(HttpStatusCode.OK);
            (await client.GetAsync("secret/data/app/theirs")).Status.Should().Be(faulty ? HttpStatusCode.OK : HttpStatusCode.Forbidden, $"fault on: {faulty}");
            (await client.PostAsync("secret/data/app/mine", new { data = new { k = "w" } })).Status.Should().Be(HttpStatusCode.Forbidden, "writes are still checked per path");
            (await v.Root.PostAsync("sys/mounts/other", new { type = "kv", options = new { version = "2" } })).Status.Should().Be(HttpStatusCode.NoContent);
            (await v.Root.PostAsync("other/data/x", new { data = new { k = "v" } })).Status.Should().Be(HttpStatusCode.OK);
            (await client.GetAsync("other/data/x")).Status.Should().Be(HttpStatusCode.Forbidden, "a mount the token reads nothing of stays closed");
        }
    }
}
