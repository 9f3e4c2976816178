using Conformance.Twin.Vault.Acl;
using Conformance.Twin.Vault.Http;
using FluentAssertions;

using Xunit;

namespace Conformance.Tests.TwinVault;

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
}
