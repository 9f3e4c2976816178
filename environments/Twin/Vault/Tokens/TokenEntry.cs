namespace Conformance.Twin.Vault.Tokens;

/// <summary>A token (vault/token_store.go logical.TokenEntry).</summary>
public sealed class TokenEntry
{
    public required string Id { get; init; }
    public required string Accessor { get; init; }
    public required List<string> Policies { get; init; }
    public required string Path { get; init; }                // "auth/token/create", "auth/kubernetes/login", "auth/token/root"
    public required string DisplayName { get; init; }
    public Dictionary<string, string> Metadata { get; init; } = new();
    public string? ParentId { get; set; }
    public DateTimeOffset CreationTime { get; init; }
    public TimeSpan Ttl { get; set; }                         // creation TTL (0 = never expires: root tokens)
    public TimeSpan MaxTtl { get; set; }                      // backend max (role token_max_ttl)
    public TimeSpan ExplicitMaxTtl { get; set; }
    public DateTimeOffset? ExpireTime { get; set; }
    public DateTimeOffset? LastRenewal { get; set; }
    public bool Renewable { get; set; }
    public bool Orphan { get; set; }
    public long NumUses { get; set; }
    public string EntityId { get; init; } = "";
    public string? Role { get; init; }
    public string? LeaseId { get; set; }
    public bool Revoked { get; set; }
    public HashSet<string> Children { get; } = new(StringComparer.Ordinal);
    public bool IsRoot => Policies.Contains("root");
}
