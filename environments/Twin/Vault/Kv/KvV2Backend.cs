using System.Text.Json.Nodes;
using Conformance.Twin.Vault.Http;
using Conformance.Twin.Vault.Mounts;

namespace Conformance.Twin.Vault.Kv;

/// <summary>
/// KV version 2 (vault-plugin-secrets-kv, reference/vault.md §3.2): data, metadata, delete/undelete/destroy, subkeys,
/// config; check-and-set; max_versions pruning; no leases (lease_id "", renewable false).
/// </summary>
internal sealed class KvV2Backend(VaultCore core) : IBackend
{
    private readonly Dictionary<string, KvSecret> _keys = new(StringComparer.Ordinal);
    private int _maxVersions;          // mount config; 0 means 10
    private bool _casRequired;
    private TimeSpan _deleteVersionAfter;

    private static (string Kind, string Key) Split(string rel)
    {
        var i = rel.IndexOf('/');
        return i < 0 ? (rel, "") : (rel[..i], rel[(i + 1)..]);
    }

    public bool Exists(VaultRequest req)
    {
        var (kind, key) = Split(req.RelativePath);
        return kind is not ("data" or "metadata") || _keys.ContainsKey(key);
    }

    public Task<VaultResponse> HandleAsync(VaultRequest req, CancellationToken ct)
    {
        var (kind, key) = Split(req.RelativePath);
        var resp = kind switch
        {
            "config" => Config(req),
            "data" => req.Operation switch
            {
                VaultOperation.Read => Read(req, key),
                VaultOperation.Delete => SoftDeleteLatest(key),
                _ => Write(req, key),
            },
            "metadata" => req.Operation switch
            {
                VaultOperation.List => List(key),
                VaultOperation.Read => _keys.TryGetValue(key, out var s) ? VaultResponse.Ok(s.Metadata()) : throw VaultException.NotFound(),
                VaultOperation.Delete => DeleteAll(key),
                _ => WriteMetadata(req, key),
            },
            "delete" => MarkVersions(req, key, (v, now) => { if (!v.Destroyed) v.Deleted = now; }),
            "undelete" => MarkVersions(req, key, (v, _) => { if (!v.Destroyed) v.Deleted = null; }),
            "destroy" => MarkVersions(req, key, (v, _) => { v.Destroyed = true; v.Data = null; }),
            "subkeys" => Subkeys(req, key),
            _ => throw new VaultException(404, "unsupported path"),
        };
        return Task.FromResult(resp);
    }

    private VaultResponse Config(VaultRequest req)
    {
        if (req.Operation == VaultOperation.Read)
            return VaultResponse.Ok(new JsonObject
            {
                ["cas_required"] = _casRequired, ["delete_version_after"] = GoDuration.Format(_deleteVersionAfter), ["max_versions"] = _maxVersions,
            });
        _maxVersions = (int)(req.Data.Long("max_versions") ?? _maxVersions);
        _casRequired = req.Data.Bool("cas_required") ?? _casRequired;
        _deleteVersionAfter = req.Data.Duration("delete_version_after") ?? _deleteVersionAfter;
        return VaultResponse.NoContent();
    }

    private VaultResponse Read(VaultRequest req, string key)
    {
        if (!_keys.TryGetValue(key, out var s)) throw VaultException.NotFound();
        var n = (int)(req.Data.Long("version") ?? 0);
        if (n == 0) n = s.CurrentVersion;
        if (!s.Versions.TryGetValue(n, out var v)) throw VaultException.NotFound();
        var meta = s.VersionMetadata(n);
        // KV v2: a deleted or destroyed version answers 404 with its metadata and "data": null.
        var gone = v.Deleted is not null || v.Destroyed;
        return new VaultResponse
        {
            Status = gone ? 404 : 200,
            Data = new JsonObject { ["data"] = gone ? null : v.Data!.DeepClone(), ["metadata"] = meta },
        };
    }

    private VaultResponse Write(VaultRequest req, string key)
    {
        if (req.Data["data"] is not JsonObject data) throw VaultException.BadRequest("no data provided");
        _keys.TryGetValue(key, out var s);
        var casRequired = _casRequired || (s?.CasRequired ?? false);
        var cas = req.Data["options"] is JsonObject opts ? opts.Long("cas") : null;
        if (casRequired && cas is null) throw VaultException.BadRequest("check-and-set parameter required for this call");
        if (cas is not null && cas != (s?.CurrentVersion ?? 0))
            throw VaultException.BadRequest("check-and-set parameter did not match the current version");
        var now = core.Now;
        if (s is null)
        {
            s = new KvSecret { Created = now };
            _keys[key] = s;
        }
        var n = s.CurrentVersion + 1;
        s.Versions[n] = new KvSecret.Version { Data = (JsonObject)data.DeepClone(), Created = now };
        s.CurrentVersion = n;
        s.Updated = now;
        Prune(s);
        return VaultResponse.Ok(s.VersionMetadata(n));
    }

    // KV v2: versions beyond max_versions (key setting, else mount config, else 10) are removed, oldest first.
    private void Prune(KvSecret s)
    {
        var max = s.MaxVersions > 0 ? s.MaxVersions : _maxVersions > 0 ? _maxVersions : 10;
        while (s.Versions.Count > max)
        {
            var oldest = s.Versions.Keys.First();
            s.Versions.Remove(oldest);
        }
        if (s.Versions.Count > 0 && s.Versions.Keys.First() > 1) s.OldestVersion = s.Versions.Keys.First();
    }

    private VaultResponse SoftDeleteLatest(string key)
    {
        if (_keys.TryGetValue(key, out var s) && s.Versions.TryGetValue(s.CurrentVersion, out var v) && !v.Destroyed)
            v.Deleted ??= core.Now;
        return VaultResponse.NoContent();
    }

    private VaultResponse MarkVersions(VaultRequest req, string key, Action<KvSecret.Version, DateTimeOffset> mark)
    {
        var versions = req.Data.List("versions");
        if (versions is null || versions.Count == 0) throw VaultException.BadRequest("no version number provided");
        if (!_keys.TryGetValue(key, out var s)) return VaultResponse.NoContent();
        foreach (var item in versions)
            if (int.TryParse(item, out var n) && s.Versions.TryGetValue(n, out var v)) mark(v, core.Now);
        return VaultResponse.NoContent();
    }

    private VaultResponse WriteMetadata(VaultRequest req, string key)
    {
        var now = core.Now;
        if (!_keys.TryGetValue(key, out var s))
        {
            s = new KvSecret { Created = now, Updated = now };
            _keys[key] = s;
        }
        if (req.Data.Long("max_versions") is { } mv) s.MaxVersions = (int)mv;
        if (req.Data.Bool("cas_required") is { } cr) s.CasRequired = cr;
        if (req.Data.Duration("delete_version_after") is { } dva) s.DeleteVersionAfter = dva;
        if (req.Data.StringMap("custom_metadata") is { } cm) s.CustomMetadata = cm;
        s.Updated = now;
        Prune(s);
        return VaultResponse.NoContent();
    }

    private VaultResponse DeleteAll(string key)
    {
        _keys.Remove(key);
        return VaultResponse.NoContent();
    }

    private VaultResponse List(string prefix) =>
        VaultResponse.ListOf(_keys.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => k[prefix.Length..])
            .Select(r => r.Contains('/') ? r[..(r.IndexOf('/') + 1)] : r)
            .Distinct().Order(StringComparer.Ordinal));

    private VaultResponse Subkeys(VaultRequest req, string key)
    {
        var read = Read(req, key);
        if (read.Status != 200) return read;
        var data = (JsonObject)read.Data!["data"]!;
        var depth = (int)(req.Data.Long("depth") ?? 0);
        return VaultResponse.Ok(new JsonObject { ["subkeys"] = Shape(data, depth, 1), ["metadata"] = read.Data["metadata"]!.DeepClone() });
    }

    private static JsonObject Shape(JsonObject o, int depth, int level)
    {
        var r = new JsonObject();
        foreach (var (k, v) in o) r[k] = v is JsonObject child && (depth == 0 || level < depth) ? Shape(child, depth, level + 1) : null;
        return r;
    }
}
