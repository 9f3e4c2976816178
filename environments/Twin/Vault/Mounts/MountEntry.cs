using System.Text.Json.Nodes;
using Conformance.Twin.Vault.Http;

namespace Conformance.Twin.Vault.Mounts;

/// <summary>A secrets engine or auth method mount (vault/mount.go MountEntry).</summary>
internal sealed class MountEntry
{
    public required string Path { get; init; }          // "secret/" or "auth/kubernetes/"
    public required string Type { get; init; }          // "kv", "database", "aws", "kubernetes", "token", "system", ...
    public required IBackend Backend { get; init; }
    public bool IsAuth { get; init; }
    public string Description { get; set; } = "";
    public string Accessor { get; init; } = "";
    public string Uuid { get; init; } = Guid.NewGuid().ToString();
    public Dictionary<string, string> Options { get; init; } = new();
    public TimeSpan DefaultLeaseTtl { get; set; }       // 0 = system default (768h)
    public TimeSpan MaxLeaseTtl { get; set; }           // 0 = system default (768h)
    public bool Local { get; init; }
    public bool SealWrap { get; init; }

    /// <summary>The openapi.json placeholder for this mount, e.g. "kv_v2_mount_path" (openapi.json.SOURCE.md).</summary>
    public string? OpenApiPlaceholder => Type switch
    {
        "kv" => Options.GetValueOrDefault("version") == "2" ? "kv_v2_mount_path" : "kv_v1_mount_path",
        "system" or "token" or "cubbyhole" or "identity" => null,
        _ => Type + "_mount_path",
    };

    /// <summary>The mount path without the "auth/" prefix and trailing slash ("kubernetes").</summary>
    public string Name => (IsAuth ? Path["auth/".Length..] : Path).TrimEnd('/');

    public JsonObject Describe(TimeSpan systemDefault, TimeSpan systemMax)
    {
        var options = new JsonObject();
        foreach (var kv in Options) options[kv.Key] = kv.Value;
        return new JsonObject
        {
            ["accessor"] = Accessor,
            ["config"] = new JsonObject
            {
                ["default_lease_ttl"] = (long)(DefaultLeaseTtl == TimeSpan.Zero ? TimeSpan.Zero : DefaultLeaseTtl).TotalSeconds,
                ["force_no_cache"] = false,
                ["max_lease_ttl"] = (long)(MaxLeaseTtl == TimeSpan.Zero ? TimeSpan.Zero : MaxLeaseTtl).TotalSeconds,
            },
            ["description"] = Description,
            ["external_entropy_access"] = false,
            ["local"] = Local,
            ["options"] = Options.Count == 0 ? null : options,
            ["plugin_version"] = "",
            ["running_plugin_version"] = "v" + VaultCore.Version + "+builtin.vault",
            ["running_sha256"] = "",
            ["seal_wrap"] = SealWrap,
            ["type"] = Type,
            ["uuid"] = Uuid,
        };
    }
}

/// <summary>A backend behind a mount (logical.Backend): handles requests and renews/revokes its own leases.</summary>
internal interface IBackend
{
    Task<VaultResponse> HandleAsync(VaultRequest request, CancellationToken ct);

    /// <summary>Vault's ExistenceCheck: decides create vs update for writes on paths that support it.</summary>
    bool Exists(VaultRequest request) => true;

    /// <summary>The backend's TTL and max TTL for a renewal (0 = mount/system default).</summary>
    Task<(TimeSpan Ttl, TimeSpan MaxTtl)> RenewAsync(Leases.Lease lease, CancellationToken ct) =>
        throw new VaultException(400, "lease is not renewable", logical: true);

    /// <summary>Called after the core fixed the renewed TTL (database: renew_statements with the new expiration).</summary>
    Task OnRenewedAsync(Leases.Lease lease, TimeSpan ttl, CancellationToken ct) => Task.CompletedTask;

    Task RevokeAsync(Leases.Lease lease, CancellationToken ct) => Task.CompletedTask;
}
