using System.Text.Json.Nodes;
using Conformance.Twin.Vault.Http;

namespace Conformance.Twin.Vault.Tokens;

/// <summary>vault/token_store.go: token entries, accessors, parent/child tree, lookup, renew and tree revocation.</summary>
internal sealed class TokenStore(VaultCore core)
{
    private readonly Dictionary<string, TokenEntry> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _byAccessor = new(StringComparer.Ordinal);

    public TokenEntry CreateRoot(string id)
    {
        // Dev mode root token: policies [root], no TTL, orphan, path auth/token/root (docs/concepts/dev-server.mdx).
        var te = new TokenEntry
        {
            Id = id, Accessor = Ids.Random(24), Policies = ["root"], Path = "auth/token/root", DisplayName = "root",
            CreationTime = core.Now, Orphan = true,
        };
        Add(te);
        return te;
    }

    private void Add(TokenEntry te)
    {
        _byId[te.Id] = te;
        _byAccessor[te.Accessor] = te.Id;
    }

    /// <summary>A valid (unrevoked, unexpired) token, or null.</summary>
    public TokenEntry? Get(string? id)
    {
        if (id is null || !_byId.TryGetValue(id, out var te) || te.Revoked) return null;
        if (te.ExpireTime is { } exp && exp <= core.Now) return null;
        return te;
    }

    /// <summary>The entry even when its TTL has run out (the expiration manager revokes expired tokens through it).</summary>
    public TokenEntry? GetUnrevoked(string id) => _byId.TryGetValue(id, out var te) && !te.Revoked ? te : null;

    public TokenEntry? ByAccessor(string accessor) =>
        _byAccessor.TryGetValue(accessor, out var id) ? Get(id) : null;

    public IEnumerable<string> Accessors => _byId.Values.Where(t => !t.Revoked).Select(t => t.Accessor);

    /// <summary>Issues a token for an auth result (token create or a login), with its auth lease (expiration.go RegisterAuth).</summary>
    public TokenEntry Issue(AuthResult auth, string path, Mounts.MountEntry mount, List<string> warnings)
    {
        var policies = auth.Policies.Where(p => p.Length > 0).Distinct().ToList();
        if (!auth.NoDefaultPolicy && !policies.Contains("root") && !policies.Contains("default")) policies.Add("default");
        policies.Sort(StringComparer.Ordinal);
        var now = core.Now;
        var ttl = auth.Ttl;
        DateTimeOffset? expire = null;
        // token_store.go: root tokens without a TTL never expire; every other token gets the mount default.
        if (!(policies.Contains("root") && ttl == TimeSpan.Zero))
        {
            var r = Leases.TtlCalculator.Calculate(TimeSpan.Zero, ttl, auth.MaxTtl, auth.ExplicitMaxTtl,
                core.MountDefaultTtl(mount), core.MountMaxTtl(mount), now, now, core.Faults.Contains(TwinVaultFaults.IgnoresMaxTtl));
            ttl = r.Ttl;
            warnings.AddRange(r.Warnings);
            expire = now + ttl;
        }
        var te = new TokenEntry
        {
            Id = Ids.ServiceToken(), Accessor = Ids.Random(24), Policies = policies, Path = path,
            DisplayName = auth.DisplayName, Metadata = auth.Metadata, ParentId = auth.Orphan ? null : auth.Parent?.Id,
            CreationTime = now, Ttl = ttl, MaxTtl = auth.MaxTtl, ExplicitMaxTtl = auth.ExplicitMaxTtl, ExpireTime = expire,
            Renewable = auth.Renewable && expire is not null, Orphan = auth.Orphan || auth.Parent is null,
            EntityId = auth.EntityId ?? "", Role = auth.Role, NumUses = auth.NumUses,
        };
        Add(te);
        if (te.ParentId is not null && _byId.TryGetValue(te.ParentId, out var parent)) parent.Children.Add(te.Id);
        if (expire is not null) core.Expiration.RegisterAuth(te, mount.Path);
        auth.Issued = te;
        return te;
    }

    /// <summary>Token renewal (auth/token/renew*, or sys/leases/renew on an auth lease): CalculateTTL from issue time.</summary>
    public Task<VaultResponse> RenewAsync(TokenEntry te, TimeSpan increment, CancellationToken ct)
    {
        if (te.ExpireTime is null) throw VaultException.BadRequest("lease is not renewable");
        if (!te.Renewable) throw VaultException.BadRequest("lease is not renewable");
        var mount = core.Mounts.Get(te.Path.StartsWith("auth/token/", StringComparison.Ordinal) ? "auth/token/" : core.Mounts.AuthMountOf(te.Path)) ?? core.Mounts.Get("auth/token/")!;
        var r = Leases.TtlCalculator.Calculate(increment, te.Ttl, te.MaxTtl, te.ExplicitMaxTtl,
            core.MountDefaultTtl(mount), core.MountMaxTtl(mount), te.CreationTime, core.Now, core.Faults.Contains(TwinVaultFaults.IgnoresMaxTtl));
        te.ExpireTime = core.Now + r.Ttl;
        te.LastRenewal = core.Now;
        core.Expiration.ExtendAuthLease(te);
        var resp = new VaultResponse { Auth = AuthFor(te, r.Ttl) };
        resp.Warnings.AddRange(r.Warnings);
        return Task.FromResult(resp);
    }

    private static AuthResult AuthFor(TokenEntry te, TimeSpan ttl) => new()
    {
        DisplayName = te.DisplayName, Policies = te.Policies, Metadata = te.Metadata, Ttl = ttl, Renewable = te.Renewable,
        EntityId = te.EntityId, Issued = te, Orphan = te.Orphan,
    };

    /// <summary>
    /// token_store.go revokeTree: the token and all its descendants become invalid at once; their leases are revoked
    /// lazily by the expiration manager (reference/vault.md §2.5). Fault "vault-no-revoke-on-token-revoke" leaves them.
    /// </summary>
    public void RevokeTree(TokenEntry te)
    {
        foreach (var child in te.Children.ToList())
            if (_byId.TryGetValue(child, out var c) && !c.Revoked) RevokeTree(c);
        RevokeOne(te);
    }

    /// <summary>revoke-orphan: the token goes, its children become orphans.</summary>
    public void RevokeOrphan(TokenEntry te)
    {
        foreach (var child in te.Children) if (_byId.TryGetValue(child, out var c)) { c.ParentId = null; c.Orphan = true; }
        te.Children.Clear();
        RevokeOne(te);
    }

    private void RevokeOne(TokenEntry te)
    {
        te.Revoked = true;
        if (te.LeaseId is not null && core.Expiration.Get(te.LeaseId) is { } own) core.Expiration.Forget(own);
        if (!core.Faults.Contains(TwinVaultFaults.NoRevokeOnTokenRevoke)) core.Expiration.RevokeByTokenLazily(te.Id);
        if (te.ParentId is not null && _byId.TryGetValue(te.ParentId, out var parent)) parent.Children.Remove(te.Id);
    }

    /// <summary>auth/token/lookup data (token_store.go handleLookup).</summary>
    public JsonObject Describe(TokenEntry te, bool includeId)
    {
        var now = core.Now;
        var ttl = te.ExpireTime is { } e ? Math.Max(0, (long)Math.Round((e - now).TotalSeconds)) : 0;
        var o = new JsonObject
        {
            ["accessor"] = te.Accessor,
            ["creation_time"] = te.CreationTime.ToUnixTimeSeconds(),
            ["creation_ttl"] = (long)te.Ttl.TotalSeconds,
            ["display_name"] = te.DisplayName,
            ["entity_id"] = te.EntityId,
            ["expire_time"] = te.ExpireTime is { } x ? Json.Time(x) : null,
            ["explicit_max_ttl"] = (long)te.ExplicitMaxTtl.TotalSeconds,
            ["id"] = includeId ? te.Id : "",
            ["meta"] = te.Metadata.Count == 0 ? null : Json.MapOrNull(te.Metadata),
            ["num_uses"] = te.NumUses,
            ["orphan"] = te.Orphan,
            ["path"] = te.Path,
            ["policies"] = Json.Array(te.Policies),
            ["renewable"] = te.Renewable,
            ["ttl"] = ttl,
            ["type"] = "service",
        };
        if (te.ExpireTime is not null) o["issue_time"] = Json.Time(te.CreationTime);
        if (te.LastRenewal is { } lr) o["last_renewal_time"] = lr.ToUnixTimeSeconds();
        return o;
    }
}
