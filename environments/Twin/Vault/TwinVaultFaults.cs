namespace Conformance.Twin.Vault;

/// <summary>Named faults that each break one Vault behaviour (DESIGN.md §2 "Faults"); all off by default.</summary>
public static class TwinVaultFaults
{
    /// <summary>Token revocation leaves the token's leases alive (breaks reference/vault.md §2.5 cascade, cf. PR vault#6489).</summary>
    public const string NoRevokeOnTokenRevoke = "vault-no-revoke-on-token-revoke";

    /// <summary>Renewals and issues are not capped at max_ttl (breaks reference/vault.md §2.1 capping).</summary>
    public const string IgnoresMaxTtl = "vault-ignores-max-ttl";

    /// <summary>Kubernetes auth accepts service accounts and namespaces the role does not bind (breaks path_login.go checks).</summary>
    public const string AcceptsUnboundServiceAccount = "vault-accepts-unbound-sa";

    /// <summary>
    /// The AWS engine's STS answers carry the session token as session_token only, without the deprecated security_token
    /// that ADR-017's template reads (vault#23690 renamed it in 1.16; terraform-provider-vault#2732: it will go).
    /// </summary>
    public const string AwsDropsSecurityToken = "vault-aws-drops-security-token";

    public static IReadOnlyList<string> All { get; } = [NoRevokeOnTokenRevoke, IgnoresMaxTtl, AcceptsUnboundServiceAccount, AwsDropsSecurityToken];
}
