using System.Text.Json.Nodes;

namespace Conformance.Twin.Vault.Leases;

/// <summary>A lease held by the expiration manager (vault/expiration.go leaseEntry).</summary>
public sealed class Lease
{
    public required string Id { get; init; }
    /// <summary>The request path that created it ("database/creds/readonly"); the id is this path + "/" + a random suffix.</summary>
    public required string Path { get; init; }
    public required string MountPath { get; init; }
    public required DateTimeOffset IssueTime { get; init; }
    public DateTimeOffset ExpireTime { get; set; }
    public DateTimeOffset? LastRenewal { get; set; }
    public bool Renewable { get; set; }
    /// <summary>The backend TTL and max TTL it was issued with.</summary>
    public TimeSpan Ttl { get; set; }
    public TimeSpan MaxTtl { get; set; }
    /// <summary>The token that created the secret (its revocation revokes this lease); for an auth lease, the token itself.</summary>
    public string? TokenId { get; init; }
    public bool IsAuth { get; init; }
    public JsonObject Internal { get; init; } = new();
    internal ITimer? Timer { get; set; }
    internal bool Revoking { get; set; }
}
