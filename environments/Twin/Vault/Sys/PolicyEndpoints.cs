using System.Text.Json.Nodes;
using Conformance.Twin.Vault.Acl;
using Conformance.Twin.Vault.Http;

namespace Conformance.Twin.Vault.Sys;

/// <summary>sys/policies/acl CRUD (vault/policy_store.go): names are lower-cased; root is immutable, default undeletable.</summary>
internal sealed class PolicyEndpoints(VaultCore core)
{
    public VaultResponse Handle(VaultRequest req)
    {
        var name = req.RelativePath["policies/acl".Length..].Trim('/').ToLowerInvariant();
        if (req.Operation == VaultOperation.List || name.Length == 0)
            return VaultResponse.ListOf(core.Policies.Keys.Order(StringComparer.Ordinal));
        switch (req.Operation)
        {
            case VaultOperation.Read:
                if (!core.Policies.TryGetValue(name, out var p)) throw VaultException.NotFound();
                return VaultResponse.Ok(new JsonObject { ["name"] = name, ["policy"] = p.Raw });
            case VaultOperation.Delete:
                if (name is "root" or "default") throw VaultException.BadRequest($"cannot delete \"{name}\" policy");
                core.Policies.Remove(name);
                return VaultResponse.NoContent();
            default:
                if (name == "root") throw VaultException.BadRequest("cannot update \"root\" policy");
                var raw = req.Data.Str("policy") ?? throw VaultException.BadRequest("'policy' parameter not supplied or empty");
                if (raw.Length == 0) throw VaultException.BadRequest("'policy' parameter not supplied or empty");
                if (!raw.TrimStart().StartsWith('{') && !raw.Contains("path", StringComparison.Ordinal) && IsBase64(raw, out var decoded)) raw = decoded;
                try
                {
                    core.Policies[name] = Policy.Parse(name, raw);
                }
                catch (FormatException e)
                {
                    throw VaultException.BadRequest($"failed to parse policy: {e.Message.Replace("failed to parse policy: ", "")}");
                }
                return VaultResponse.NoContent();
        }
    }

    // Vault accepts the policy base64-encoded as well.
    private static bool IsBase64(string s, out string decoded)
    {
        decoded = "";
        try
        {
            decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(s));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
