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

    public static IReadOnlyList<string> All { get; } = [NoRevokeOnTokenRevoke, IgnoresMaxTtl, AcceptsUnboundServiceAccount];
}
