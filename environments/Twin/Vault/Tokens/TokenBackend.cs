using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Conformance.Twin.Vault.Http;
using Conformance.Twin.Vault.Mounts;

namespace Conformance.Twin.Vault.Tokens;

/// <summary>auth/token/* (vault/token_store.go): create, lookup, renew, revoke by token, self and accessor.</summary>
internal sealed partial class TokenBackend(VaultCore core) : IBackend
{
    [GeneratedRegex("[^a-zA-Z0-9-]")]
    private static partial Regex DisplayNameSanitize();

    public async Task<VaultResponse> HandleAsync(VaultRequest req, CancellationToken ct)
    {
        var p = req.RelativePath.TrimEnd('/');
        var store = core.Tokens;
        switch (p)
        {
            case "create" or "create-orphan":
                return Create(req, orphanPath: p == "create-orphan");
            case "lookup-self":
                return VaultResponse.Ok(store.Describe(req.Token!, includeId: true));
            case "lookup":
            {
                var te = store.Get(req.Data.Str("token")) ?? throw VaultException.BadRequest("bad token");
                return VaultResponse.Ok(store.Describe(te, includeId: true));
            }
            case "lookup-accessor":
            {
                var te = store.ByAccessor(req.Data.Str("accessor") ?? "") ?? throw VaultException.BadRequest("invalid accessor");
                return VaultResponse.Ok(store.Describe(te, includeId: false));
            }
            case "renew-self":
                return await store.RenewAsync(req.Token!, req.Data.Duration("increment") ?? TimeSpan.Zero, ct);
            case "renew":
            {
                var te = store.Get(req.Data.Str("token")) ?? throw VaultException.BadRequest("token not found");
                return await store.RenewAsync(te, req.Data.Duration("increment") ?? TimeSpan.Zero, ct);
            }
            case "renew-accessor":
            {
                var te = store.ByAccessor(req.Data.Str("accessor") ?? "") ?? throw VaultException.BadRequest("invalid accessor");
                var resp = await store.RenewAsync(te, req.Data.Duration("increment") ?? TimeSpan.Zero, ct);
                return resp;
            }
            case "revoke-self":
                store.RevokeTree(req.Token!);
                return VaultResponse.NoContent();
            case "revoke":
            {
                var id = req.Data.Str("token") ?? "";
                if (id.Length == 0) throw VaultException.BadRequest("missing token ID");
                if (store.Get(id) is { } te) store.RevokeTree(te);   // token_store.go revokeCommon: unknown tokens are a no-op
                return VaultResponse.NoContent();
            }
            case "revoke-orphan":
            {
                if (store.Get(req.Data.Str("token")) is { } te) store.RevokeOrphan(te);
                return VaultResponse.NoContent();
            }
            case "revoke-accessor":
            {
                var te = store.ByAccessor(req.Data.Str("accessor") ?? "") ?? throw VaultException.BadRequest("invalid accessor");
                store.RevokeTree(te);
                return VaultResponse.NoContent();
            }
            case "accessors":
                return VaultResponse.ListOf(store.Accessors.Order(StringComparer.Ordinal));
            default:
                if (p.StartsWith("create/", StringComparison.Ordinal)) throw VaultException.BadRequest($"unknown role {p["create/".Length..]}");
                throw new VaultException(501, $"the twin Vault does not implement \"{req.Path}\"");
        }
    }

    /// <summary>token_store.go handleCreateCommon.</summary>
    private VaultResponse Create(VaultRequest req, bool orphanPath)
    {
        var parent = req.Token!;
        var d = req.Data;
        var parentAcl = core.AclFor(parent);
        var isRootOrSudo = parent.IsRoot || parentAcl.CapabilitiesOn(req.Path).HasFlag(Acl.Capability.Sudo);
        var noParent = d.Bool("no_parent") ?? false;
        if (noParent && !isRootOrSudo) throw VaultException.BadRequest("root or sudo privileges required to create orphan token");
        var policies = d.List("policies") ?? [];
        var noDefault = d.Bool("no_default_policy") ?? false;
        if (policies.Count == 0) policies = parent.Policies.Where(p => !(noDefault && p == "default")).ToList();
        else if (!parent.IsRoot)
        {
            var wanted = policies.Where(p => p != "default").ToList();
            if (wanted.Except(parent.Policies).Any()) throw VaultException.BadRequest("child policies must be subset of parent");
        }
        if (policies.Contains("root") && !parent.IsRoot) throw VaultException.BadRequest("root tokens may not be created without parent token being root");
        var displayName = "token";
        if (d.Str("display_name") is { Length: > 0 } dn)
            displayName = DisplayNameSanitize().Replace("token-" + dn, "-").TrimEnd('-');
        var ttl = d.Duration("ttl") ?? d.Duration("lease") ?? TimeSpan.Zero;
        var explicitMax = d.Duration("explicit_max_ttl") ?? TimeSpan.Zero;
        if (explicitMax > TimeSpan.Zero && ttl > explicitMax) ttl = explicitMax;
        var auth = new AuthResult
        {
            DisplayName = displayName,
            Policies = policies,
            Metadata = d.StringMap("meta") ?? new Dictionary<string, string>(),
            Ttl = ttl,
            ExplicitMaxTtl = explicitMax,
            Renewable = d.Bool("renewable") ?? true,
            NoDefaultPolicy = noDefault,
            Orphan = noParent || orphanPath,
            Parent = parent,
            NumUses = d.Long("num_uses") ?? 0,
            EntityId = "",
        };
        // token_store.go: a token created by root with the root policy and no TTL never expires.
        return new VaultResponse { Auth = auth };
    }

    public bool Exists(VaultRequest request) => true;
}
