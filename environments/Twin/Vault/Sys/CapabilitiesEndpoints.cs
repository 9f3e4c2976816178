using System.Text.Json.Nodes;
using Conformance.Twin.Vault.Acl;
using Conformance.Twin.Vault.Http;
using Conformance.Twin.Vault.Tokens;

namespace Conformance.Twin.Vault.Sys;

/// <summary>sys/capabilities, -self, -accessor (vault/capabilities.go): a token's capabilities per path; "root" for
/// root tokens, "deny" when nothing matches.</summary>
internal sealed class CapabilitiesEndpoints(VaultCore core)
{
    public VaultResponse Handle(VaultRequest req)
    {
        var p = req.RelativePath;
        TokenEntry? te = p switch
        {
            "capabilities-self" => req.Token,
            "capabilities-accessor" => core.Tokens.ByAccessor(req.Data.Str("accessor") ?? "") ?? throw VaultException.BadRequest("invalid accessor"),
            _ => core.Tokens.Get(req.Data.Str("token")) ?? throw VaultException.BadRequest("invalid token"),
        };
        var paths = req.Data.List("paths") ?? req.Data.List("path") ?? [];
        if (paths.Count == 0) throw VaultException.BadRequest("paths must be supplied");
        var acl = core.AclFor(te!);
        var data = new JsonObject();
        var all = new List<string>();
        foreach (var path in paths)
        {
            var caps = acl.IsRoot ? ["root"] : Capabilities.Names(acl.CapabilitiesOn(path.TrimStart('/'))).ToList();
            if (caps.Count == 0) caps = ["deny"];
            data[path] = Json.Array(caps);
            all.AddRange(caps);
        }
        // Vault also returns "capabilities" for the single-path case (backwards compatibility).
        data["capabilities"] = Json.Array(all.Distinct().Order(StringComparer.Ordinal));
        return VaultResponse.Ok(data);
    }
}
