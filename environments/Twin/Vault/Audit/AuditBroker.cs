using System.Text.Json.Nodes;
using Conformance.Twin.Vault.Http;
using Conformance.Twin.Vault.Tokens;

namespace Conformance.Twin.Vault.Audit;

/// <summary>
/// vault/audit_broker.go: writes a "request" entry before the backend runs and a "response" entry after, to every
/// enabled device, in the JSON shape of audit/entry_formatter.go (type, time, auth, request, response, error).
/// </summary>
internal sealed class AuditBroker(TimeProvider time)
{
    private readonly Dictionary<string, AuditDevice> _devices = new(StringComparer.Ordinal);
    private readonly List<string> _all = [];

    public IEnumerable<AuditDevice> Devices => _devices.Values.OrderBy(d => d.Path, StringComparer.Ordinal);
    public AuditDevice? Get(string path) => _devices.GetValueOrDefault(path);
    public void Add(AuditDevice d) => _devices[d.Path] = d;
    public bool Remove(string path) => _devices.Remove(path);

    public IReadOnlyList<string> AllLines { get { lock (_all) return _all.ToList(); } }

    /// <summary>Fault vault-audit-omits-reads: read requests leave no entry, as behind an audit filter that drops them.</summary>
    public bool OmitsReads { get; init; }

    /// <summary>Fault vault-audit-loses-identity: the auth section names the token only by its HMACs, not who it belongs to.</summary>
    public bool LosesIdentity { get; init; }

    private bool Omitted(VaultRequest req) => OmitsReads && req.Operation == VaultOperation.Read;

    public void LogRequest(VaultRequest req, string? error)
    {
        if (Omitted(req)) return;
        foreach (var d in Devices)
        {
            var entry = new JsonObject
            {
                ["time"] = Json.Time(time.GetUtcNow()),
                ["type"] = "request",
                ["auth"] = AuthSection(d, req.Token),
                ["request"] = RequestSection(d, req),
            };
            if (error is not null) entry["error"] = error;
            Write(d, entry);
        }
    }

    public void LogResponse(VaultRequest req, JsonObject? body, int status, string? error)
    {
        if (Omitted(req)) return;
        foreach (var d in Devices)
        {
            var response = new JsonObject();
            if (req.Mount is { } m)
            {
                response["mount_point"] = m.Path;
                response["mount_type"] = m.Type;
                response["mount_accessor"] = m.Accessor;
            }
            if (body is not null)
            {
                if (body["auth"] is JsonObject auth)
                {
                    var a = (JsonObject)auth.DeepClone();
                    a["client_token"] = d.MaybeHash(a["client_token"]?.GetValue<string>() ?? "");
                    if (d.HmacAccessor) a["accessor"] = d.MaybeHash(a["accessor"]?.GetValue<string>() ?? "");
                    response["auth"] = a;
                }
                if (body["lease_id"]?.GetValue<string>() is { Length: > 0 } leaseId)
                    // Vault: lease ids are not hashed, so the harness can follow a lease through the log (reference/vault.md §3.7).
                    response["secret"] = new JsonObject { ["lease_id"] = leaseId };
                if (body["data"] is JsonObject data) response["data"] = d.HashTree(data);
                if (body["warnings"] is JsonArray w) response["warnings"] = w.DeepClone();
            }
            var entry = new JsonObject
            {
                ["time"] = Json.Time(time.GetUtcNow()),
                ["type"] = "response",
                ["auth"] = AuthSection(d, req.Token),
                ["request"] = RequestSection(d, req),
                ["response"] = response,
            };
            if (error is not null) entry["error"] = error;
            Write(d, entry);
        }
    }

    private void Write(AuditDevice d, JsonObject entry)
    {
        d.Write(entry);
        lock (_all) _all.Add(entry.ToJsonString());
    }

    private JsonObject AuthSection(AuditDevice d, TokenEntry? te)
    {
        if (te is null) return new JsonObject { ["token_type"] = "default" };
        if (LosesIdentity)
            return new JsonObject
            {
                ["client_token"] = d.MaybeHash(te.Id),
                ["accessor"] = d.HmacAccessor ? d.MaybeHash(te.Accessor) : te.Accessor,
                ["token_type"] = "service",
            };
        var o = new JsonObject
        {
            ["client_token"] = d.MaybeHash(te.Id),
            ["accessor"] = d.HmacAccessor ? d.MaybeHash(te.Accessor) : te.Accessor,
            ["display_name"] = te.DisplayName,
            ["policies"] = Json.Array(te.Policies),
            ["token_policies"] = Json.Array(te.Policies),
            ["metadata"] = te.Metadata.Count == 0 ? null : Json.MapOrNull(te.Metadata),
            ["entity_id"] = te.EntityId,
            ["token_type"] = "service",
            ["token_ttl"] = (long)te.Ttl.TotalSeconds,
        };
        if (te.ExpireTime is not null) o["token_issue_time"] = Json.Time(te.CreationTime);
        return o;
    }

    private static JsonObject RequestSection(AuditDevice d, VaultRequest req)
    {
        var o = new JsonObject
        {
            ["id"] = req.Id,
            ["operation"] = req.OperationName,
        };
        if (req.Mount is { } m)
        {
            o["mount_point"] = m.Path;
            o["mount_type"] = m.Type;
            o["mount_accessor"] = m.Accessor;
        }
        if (req.Token is { } te)
        {
            o["client_token"] = d.MaybeHash(te.Id);
            o["client_token_accessor"] = d.HmacAccessor ? d.MaybeHash(te.Accessor) : te.Accessor;
        }
        o["namespace"] = new JsonObject { ["id"] = "root" };
        o["path"] = req.Path;
        if (req.Data.Count > 0) o["data"] = d.HashTree(req.Data);
        o["remote_address"] = req.RemoteAddress;
        o["remote_port"] = req.RemotePort;
        return o;
    }
}
