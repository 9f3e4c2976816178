using System.Text.Json.Nodes;
using Conformance.Twin.Vault.Http;

namespace Conformance.Twin.Vault.Sys;

/// <summary>sys/leases lookup, list, renew, revoke, revoke-prefix, revoke-force (reference/vault.md §3.6).</summary>
internal sealed class LeaseEndpoints(VaultCore core)
{
    public async Task<VaultResponse> HandleAsync(VaultRequest req, CancellationToken ct)
    {
        var p = req.RelativePath["leases".Length..].TrimStart('/');
        var em = core.Expiration;
        if (p.StartsWith("lookup/", StringComparison.Ordinal) && req.Operation == VaultOperation.List)
        {
            // LIST sys/leases/lookup/<prefix>/ returns one level of keys; 404 {"errors":[]} when empty.
            var prefix = p["lookup/".Length..];
            return VaultResponse.ListOf(em.ListLevel(prefix));
        }
        if (p == "lookup")
        {
            var id = req.Data.Str("lease_id") ?? "";
            if (id.Length == 0) throw VaultException.BadRequest("missing lease id");
            var lease = em.Get(id) ?? throw VaultException.BadRequest("invalid lease");
            return VaultResponse.Ok(em.Describe(lease));
        }
        if (p == "renew" || p.StartsWith("renew/", StringComparison.Ordinal))
        {
            var id = p.StartsWith("renew/", StringComparison.Ordinal) ? p["renew/".Length..] : req.Data.Str("lease_id") ?? "";
            if (id.Length == 0) throw VaultException.BadRequest("lease_id must be specified");
            var increment = req.Data.Duration("increment") ?? TimeSpan.Zero;
            return await em.RenewAsync(id, increment, ct);
        }
        if (p == "revoke" || p.StartsWith("revoke/", StringComparison.Ordinal))
        {
            var id = p.StartsWith("revoke/", StringComparison.Ordinal) ? p["revoke/".Length..] : req.Data.Str("lease_id") ?? "";
            if (id.Length == 0) throw VaultException.BadRequest("lease_id must be specified");
            if (em.Get(id) is { } lease)
            {
                // "sync" defaults to true in code and OpenAPI (reference/vault.md §3.6); false revokes in the background.
                if (req.Data.Bool("sync") ?? true) await em.RevokeAsync(lease, force: false, ct);
                else { lease.Revoking = true; em.RevokeByLeaseLazily(lease); }
            }
            return VaultResponse.NoContent();
        }
        if (p.StartsWith("revoke-prefix/", StringComparison.Ordinal))
        {
            await em.RevokePrefixAsync(p["revoke-prefix/".Length..], force: false, ct);
            return VaultResponse.NoContent();
        }
        if (p.StartsWith("revoke-force/", StringComparison.Ordinal))
        {
            await em.RevokePrefixAsync(p["revoke-force/".Length..], force: true, ct);
            return VaultResponse.NoContent();
        }
        if (p == "count")
            return VaultResponse.Ok(new JsonObject { ["lease_count"] = em.All.Count(), ["counts"] = null });
        throw new VaultException(501, $"the twin Vault does not implement \"{req.Path}\"");
    }
}
