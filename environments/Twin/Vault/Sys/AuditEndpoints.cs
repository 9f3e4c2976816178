using System.Globalization;
using System.Text.Json.Nodes;
using Conformance.Twin.Vault.Audit;
using Conformance.Twin.Vault.Http;

namespace Conformance.Twin.Vault.Sys;

/// <summary>sys/audit enable/list/disable and sys/audit-hash (reference/vault.md §3.7).</summary>
internal sealed class AuditEndpoints(VaultCore core)
{
    public VaultResponse Handle(VaultRequest req)
    {
        var p = req.RelativePath;
        if (p.StartsWith("audit-hash/", StringComparison.Ordinal))
        {
            var dev = core.Audit.Get(p["audit-hash/".Length..].Trim('/') + "/") ?? throw VaultException.BadRequest("unknown audit backend");
            var input = req.Data.Str("input") ?? "";
            return VaultResponse.Ok(new JsonObject { ["hash"] = dev.Hash(input) });
        }
        var name = p["audit".Length..].Trim('/');
        if (name.Length == 0)
        {
            var o = new JsonObject();
            foreach (var d in core.Audit.Devices)
                o[d.Path] = new JsonObject
                {
                    ["description"] = d.Description, ["local"] = false, ["options"] = Json.MapOrNull(d.Options), ["path"] = d.Path, ["type"] = d.Type,
                };
            return VaultResponse.Ok(o);
        }
        var path = name + "/";
        if (req.Operation == VaultOperation.Delete)
        {
            core.Audit.Remove(path);
            return VaultResponse.NoContent();
        }
        if (core.Audit.Get(path) is not null) throw VaultException.BadRequest($"path already in use: {path}");
        var type = req.Data.Str("type") ?? "";
        if (type.Length == 0) throw VaultException.BadRequest("type is required");
        if (type != "file") throw VaultException.BadRequest($"unknown backend type: \"{type}\"");
        var options = req.Data.StringMap("options") ?? new Dictionary<string, string>();
        if (!options.TryGetValue("file_path", out var file) && !options.TryGetValue("path", out file))
            throw VaultException.BadRequest("file_path is required");
        options["file_path"] = file;
        if (options.TryGetValue("mode", out var mode) && mode.Length > 0)
        {
            // CVE-2025-6000: modes with executable bits are rejected (reference/vault.md §3.7).
            if (!int.TryParse(mode, NumberStyles.Integer, CultureInfo.InvariantCulture, out _) || Convert.ToInt32(mode, 8) is var m && (m & 0b001_001_001) != 0)
                throw VaultException.BadRequest($"file mode {mode} is not allowed: executable bits must not be set");
        }
        if (options.ContainsKey("prefix"))
            throw VaultException.BadRequest("audit log prefixing is not allowed unless allow_audit_log_prefixing is enabled in the server config");
        core.Audit.Add(new AuditDevice { Path = path, Type = type, Description = req.Data.StrOr("description", ""), Options = options });
        return VaultResponse.NoContent();
    }
}
