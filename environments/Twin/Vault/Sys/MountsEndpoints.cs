using System.Text.Json.Nodes;
using Conformance.Twin.Vault.Http;
using Conformance.Twin.Vault.Mounts;

namespace Conformance.Twin.Vault.Sys;

/// <summary>sys/mounts, sys/auth (enable, read, disable, tune, list) and sys/internal/ui/mounts (reference/vault.md §3.1).</summary>
internal sealed class MountsEndpoints(VaultCore core)
{
    public async Task<VaultResponse> HandleAsync(VaultRequest req, CancellationToken ct)
    {
        var p = req.RelativePath;
        var isAuth = p.StartsWith("auth", StringComparison.Ordinal);
        var rest = p[(isAuth ? "auth" : "mounts").Length..].TrimStart('/');
        if (rest.Length == 0)
        {
            var o = new JsonObject();
            foreach (var m in core.Mounts.All.Where(m => m.IsAuth == isAuth))
                o[isAuth ? m.Path["auth/".Length..] : m.Path] = m.Describe(VaultCore.SystemTtl, VaultCore.SystemTtl);
            return VaultResponse.Ok(o);
        }
        var tune = rest.EndsWith("/tune", StringComparison.Ordinal);
        var name = (tune ? rest[..^"/tune".Length] : rest).Trim('/') + "/";
        var full = isAuth ? "auth/" + name : name;
        var mount = core.Mounts.Get(full);
        if (tune) return Tune(req, mount, full);
        switch (req.Operation)
        {
            case VaultOperation.Read:
                return mount is null
                    ? throw VaultException.BadRequest($"No {(isAuth ? "auth" : "secret")} engine mount at {name}")
                    : VaultResponse.Ok(mount.Describe(VaultCore.SystemTtl, VaultCore.SystemTtl));
            case VaultOperation.Delete:
                if (mount is null) return VaultResponse.NoContent();
                if (mount.Type is "system" or "token" or "cubbyhole" or "identity")
                    throw VaultException.BadRequest($"cannot unmount \"{name}\"");
                // Vault: unmounting revokes every lease under the mount first.
                await core.Expiration.RevokePrefixAsync(full, force: false, ct);
                core.Mounts.Remove(full);
                return VaultResponse.NoContent();
            default:
                if (mount is not null) throw VaultException.BadRequest($"path is already in use at {full}");
                var type = req.Data.Str("type") ?? throw VaultException.BadRequest("backend type must be specified as a string");
                var options = req.Data.StringMap("options") ?? new Dictionary<string, string>();
                var entry = BackendFactory.Create(core, full, type, isAuth, options, req.Data.StrOr("description", ""));
                if (req.Data["config"] is JsonObject config) ApplyTtls(entry, config);
                core.Mounts.Add(entry);
                return VaultResponse.NoContent();
        }
    }

    private static void ApplyTtls(MountEntry m, JsonObject config)
    {
        if (config.Duration("default_lease_ttl") is { } d) m.DefaultLeaseTtl = d;
        if (config.Duration("max_lease_ttl") is { } x) m.MaxLeaseTtl = x;
        if (m.DefaultLeaseTtl > TimeSpan.Zero && m.MaxLeaseTtl > TimeSpan.Zero && m.DefaultLeaseTtl > m.MaxLeaseTtl)
            throw VaultException.BadRequest("backend max lease TTL cannot be less than backend default lease TTL");
    }

    private VaultResponse Tune(VaultRequest req, MountEntry? mount, string full)
    {
        if (mount is null) throw VaultException.BadRequest($"cannot fetch mount entry for \"{full}\"");
        if (req.Operation == VaultOperation.Read)
            return VaultResponse.Ok(new JsonObject
            {
                ["default_lease_ttl"] = (long)core.MountDefaultTtl(mount).TotalSeconds,
                ["max_lease_ttl"] = (long)core.MountMaxTtl(mount).TotalSeconds,
                ["force_no_cache"] = false,
                ["description"] = mount.Description,
                ["options"] = mount.Options.Count == 0 ? null : Json.MapOrNull(mount.Options),
            });
        ApplyTtls(mount, req.Data);
        if (req.Data.Str("description") is { } desc) mount.Description = desc;
        if (req.Data.StringMap("options") is { } opts)
            foreach (var kv in opts)
            {
                if (kv.Key == "version" && mount.Options.GetValueOrDefault("version") is { } v && v != kv.Value)
                    throw VaultException.BadRequest("the twin Vault cannot upgrade or downgrade a KV mount");
                mount.Options[kv.Key] = kv.Value;
            }
        return VaultResponse.NoContent();
    }

    /// <summary>sys/internal/ui/mounts[/path]: what Vault Agent calls to detect KV v2 (reference/vault.md §2.3, §3.7).</summary>
    public VaultResponse UiMounts(VaultRequest req)
    {
        var rest = req.RelativePath["internal/ui/mounts".Length..].TrimStart('/');
        if (rest.Length == 0)
        {
            var secret = new JsonObject();
            var auth = new JsonObject();
            if (req.Token is { } t)
                foreach (var m in core.Mounts.All.Where(m => core.AclFor(t).IsRoot || HasAccess(t, m)))
                    (m.IsAuth ? auth : secret)[m.IsAuth ? m.Path["auth/".Length..] : m.Path] = m.Describe(VaultCore.SystemTtl, VaultCore.SystemTtl);
            return VaultResponse.Ok(new JsonObject { ["auth"] = auth, ["secret"] = secret });
        }
        var mount = core.Mounts.Match(rest);
        // Vault: without a token that can reach the mount, the preflight answers 403.
        if (mount is null || req.Token is null || !(core.AclFor(req.Token).IsRoot || HasAccess(req.Token, mount)))
            throw new VaultException(403, $"preflight capability check returned 403, please ensure client's policies grant access to path \"{rest}\"", logical: true);
        var d = mount.Describe(VaultCore.SystemTtl, VaultCore.SystemTtl);
        d["path"] = mount.Path;
        return VaultResponse.Ok(d);
    }

    // vault/logical_system.go hasMountAccess: any capability other than deny on some path under the mount.
    private bool HasAccess(Tokens.TokenEntry t, MountEntry m) =>
        t.Policies.Select(p => core.Policies.GetValueOrDefault(p)).OfType<Acl.Policy>()
            .SelectMany(p => p.Rules)
            .Any(r => r.Path.StartsWith(m.Path, StringComparison.Ordinal) && r.Capabilities != Acl.Capability.Deny && r.Capabilities != Acl.Capability.None);
}
