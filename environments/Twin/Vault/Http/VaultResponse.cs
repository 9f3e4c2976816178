using System.Text.Json.Nodes;
using Conformance.Twin.Vault.Tokens;

namespace Conformance.Twin.Vault.Http;

/// <summary>A secret with a lease returned by a backend (logical.Secret): the lease is registered by the core.</summary>
internal sealed class SecretLease
{
    public required TimeSpan Ttl { get; set; }
    public TimeSpan MaxTtl { get; set; }
    public bool Renewable { get; set; } = true;
    /// <summary>Backend-private data kept with the lease for renew and revoke (never returned to clients).</summary>
    public JsonObject Internal { get; init; } = new();
}

/// <summary>An auth result from a login or token create (logical.Auth), turned into a token by the core.</summary>
internal sealed class AuthResult
{
    public required string DisplayName { get; init; }
    public required List<string> Policies { get; init; }
    public Dictionary<string, string> Metadata { get; init; } = new();
    public TimeSpan Ttl { get; set; }
    public TimeSpan MaxTtl { get; set; }
    public TimeSpan ExplicitMaxTtl { get; set; }
    public bool Renewable { get; set; } = true;
    public bool NoDefaultPolicy { get; set; }
    public bool Orphan { get; set; }
    public string? EntityId { get; set; }
    public TokenEntry? Parent { get; set; }
    public string? Role { get; set; }
    public long NumUses { get; set; }
    /// <summary>Set by the core once the token exists.</summary>
    public TokenEntry? Issued { get; set; }
}

/// <summary>What a backend answers (logical.Response) before the core renders it as JSON.</summary>
internal sealed class VaultResponse
{
    public int Status { get; set; } = 200;
    public JsonObject? Data { get; set; }
    public SecretLease? Secret { get; set; }
    public AuthResult? Auth { get; set; }
    public List<string> Warnings { get; } = [];
    /// <summary>Top-level fields some sys endpoints return outside "data" (sys/leases/renew).</summary>
    public string? LeaseId { get; set; }
    public bool? Renewable { get; set; }
    public long? LeaseDuration { get; set; }
    /// <summary>sys/health and a few raw endpoints answer a bare JSON body.</summary>
    public JsonNode? RawBody { get; set; }

    public static VaultResponse Ok(JsonObject? data) => new() { Data = data };
    public static VaultResponse NoContent() => new();
    public static VaultResponse Raw(JsonNode body, int status = 200) => new() { RawBody = body, Status = status };

    /// <summary>LIST responses: Vault answers 404 {"errors":[]} when there are no keys (sdk/logical/response_util.go).</summary>
    public static VaultResponse ListOf(IEnumerable<string> keys)
    {
        var list = keys.ToList();
        if (list.Count == 0) throw VaultException.NotFound();
        return Ok(new JsonObject { ["keys"] = Json.Array(list) });
    }

    public bool IsEmpty => Data is null && Secret is null && Auth is null && Warnings.Count == 0 && RawBody is null && LeaseId is null;
}
