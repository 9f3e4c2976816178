using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Conformance.Twin.Vault.Audit;

/// <summary>
/// An audit device (builtin/audit/file): JSON lines, string values HMAC-SHA256'd with the device's own salt as
/// "hmac-sha256:&lt;hex&gt;" unless log_raw (reference/vault.md §3.7). Every line is also kept in memory for the harness.
/// </summary>
internal sealed class AuditDevice
{
    private readonly byte[] _salt = RandomNumberGenerator.GetBytes(32);
    private readonly List<string> _lines = [];
    private readonly object _gate = new();

    public required string Path { get; init; }
    public required string Type { get; init; }
    public string Description { get; init; } = "";
    public Dictionary<string, string> Options { get; init; } = new();
    public bool LogRaw => Options.GetValueOrDefault("log_raw") is "true" or "1";
    public bool HmacAccessor => Options.GetValueOrDefault("hmac_accessor") is not ("false" or "0");
    public string? FilePath => Type == "file" ? Options.GetValueOrDefault("file_path") : null;

    public IReadOnlyList<string> Lines { get { lock (_gate) return _lines.ToList(); } }

    public string Hash(string value) =>
        "hmac-sha256:" + Convert.ToHexStringLower(HMACSHA256.HashData(_salt, Encoding.UTF8.GetBytes(value)));

    public string MaybeHash(string value) => LogRaw || value.Length == 0 ? value : Hash(value);

    /// <summary>Copies a JSON tree with every string value hashed (audit/hashstructure.go HashStructure).</summary>
    public JsonNode? HashTree(JsonNode? node)
    {
        if (node is null) return null;
        if (LogRaw) return node.DeepClone();
        switch (node)
        {
            case JsonObject o:
                var copy = new JsonObject();
                foreach (var (k, v) in o) copy[k] = HashTree(v);
                return copy;
            case JsonArray a:
                return new JsonArray(a.Select(HashTree).ToArray());
            case JsonValue v when v.TryGetValue<string>(out var s):
                return Hash(s);
            default:
                return node.DeepClone();
        }
    }

    public void Write(JsonObject entry)
    {
        var line = entry.ToJsonString();
        lock (_gate)
        {
            _lines.Add(line);
            var file = FilePath;
            if (file is not null && file != "stdout" && file != "discard")
            {
                var dir = System.IO.Path.GetDirectoryName(file);
                if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
                File.AppendAllText(file, line + "\n");
            }
        }
    }
}
