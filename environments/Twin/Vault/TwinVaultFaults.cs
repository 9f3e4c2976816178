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

    /// <summary>
    /// The audit devices record no entry for a read request (breaks reference/vault.md §3.7: every request and response
    /// is logged; no upstream issue, models an audit filter or exclusion that drops reads of secrets).
    /// </summary>
    public const string AuditOmitsReads = "vault-audit-omits-reads";

    /// <summary>
    /// A read is allowed anywhere in a mount where the token's policies let it read some path (breaks vault/acl.go
    /// per-path matching; no upstream issue, models the mount-level check sys/internal/ui/mounts makes, hasMountAccess,
    /// used where the per-path one belongs).
    /// </summary>
    public const string AclReadsWholeMount = "vault-acl-reads-whole-mount";

    /// <summary>
    /// Kubernetes auth sends the TokenReview with the logging-in client's own JWT instead of the configured
    /// token_reviewer_jwt (breaks reference/vault.md §3.5; models the 403 reports of §6: vault-helm#376, #388, #906, vault-k8s#143).
    /// </summary>
    public const string ReviewsWithClientJwt = "vault-k8s-auth-reviews-with-client-jwt";

    /// <summary>
    /// Audit entries name no identity: the auth section keeps the HMAC'd token and accessor but no display_name,
    /// policies, metadata or entity_id (breaks reference/vault.md §3.7 auth.display_name; no upstream issue).
    /// </summary>
    public const string AuditLosesIdentity = "vault-audit-loses-identity";

    public static IReadOnlyList<string> All { get; } =
        [NoRevokeOnTokenRevoke, IgnoresMaxTtl, AcceptsUnboundServiceAccount, AuditOmitsReads, AclReadsWholeMount, ReviewsWithClientJwt, AuditLosesIdentity, AwsDropsSecurityToken];
}
