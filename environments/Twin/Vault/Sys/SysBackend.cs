using System.Text.Json.Nodes;
using Conformance.Twin.Vault.Http;
using Conformance.Twin.Vault.Mounts;

namespace Conformance.Twin.Vault.Sys;

/// <summary>The system backend (vault/logical_system.go): dispatches sys/* to its concerns.</summary>
internal sealed class SysBackend(VaultCore core) : IBackend
{
    private readonly MountsEndpoints _mounts = new(core);
    private readonly PolicyEndpoints _policies = new(core);
    private readonly LeaseEndpoints _leases = new(core);
    private readonly AuditEndpoints _audit = new(core);

    public Task<VaultResponse> HandleAsync(VaultRequest req, CancellationToken ct)
    {
        var p = req.RelativePath;
        if (p == "health") return Task.FromResult(Health());
        if (p.StartsWith("internal/ui/mounts", StringComparison.Ordinal)) return Task.FromResult(_mounts.UiMounts(req));
        if (p.StartsWith("mounts", StringComparison.Ordinal) || p.StartsWith("auth", StringComparison.Ordinal)) return _mounts.HandleAsync(req, ct);
        if (p.StartsWith("policies/acl", StringComparison.Ordinal)) return Task.FromResult(_policies.Handle(req));
        if (p.StartsWith("leases", StringComparison.Ordinal)) return _leases.HandleAsync(req, ct);
        if (p.StartsWith("audit", StringComparison.Ordinal)) return Task.FromResult(_audit.Handle(req));
        throw new VaultException(501, $"the twin Vault does not implement sys path \"{req.Path}\"");
    }

    // sys/health in dev mode: initialized, unsealed, active (reference/vault.md §3.1, §4).
    private VaultResponse Health() => VaultResponse.Raw(new JsonObject
    {
        ["initialized"] = true,
        ["sealed"] = false,
        ["standby"] = false,
        ["performance_standby"] = false,
        ["replication_performance_mode"] = "disabled",
        ["replication_dr_mode"] = "disabled",
        ["server_time_utc"] = core.Now.ToUnixTimeSeconds(),
        ["version"] = VaultCore.Version,
        ["enterprise"] = false,
        ["cluster_name"] = "vault-cluster-twin",
        ["cluster_id"] = ClusterId,
        ["echo_duration_ms"] = 0,
        ["clock_skew_ms"] = 0,
    });

    private static readonly string ClusterId = Guid.NewGuid().ToString();
}
