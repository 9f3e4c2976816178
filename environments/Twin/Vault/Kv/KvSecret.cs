using System.Text.Json.Nodes;
using Conformance.Twin.Vault.Http;

namespace Conformance.Twin.Vault.Kv;

/// <summary>One KV v2 key: its metadata and versions (vault-plugin-secrets-kv KeyMetadata / Version).</summary>
internal sealed class KvSecret
{
    public sealed class Version
    {
        public JsonObject? Data { get; set; }
        public required DateTimeOffset Created { get; init; }
        public DateTimeOffset? Deleted { get; set; }
        public bool Destroyed { get; set; }
    }

    public SortedDictionary<int, Version> Versions { get; } = new();
    public int CurrentVersion { get; set; }
    public int OldestVersion { get; set; }
    public int MaxVersions { get; set; }
    public bool CasRequired { get; set; }
    public TimeSpan DeleteVersionAfter { get; set; }
    public Dictionary<string, string>? CustomMetadata { get; set; }
    public DateTimeOffset Created { get; init; }
    public DateTimeOffset Updated { get; set; }

    public JsonObject VersionMetadata(int n)
    {
        var v = Versions[n];
        return new JsonObject
        {
            ["created_time"] = Json.Time(v.Created),
            ["custom_metadata"] = Json.MapOrNull(CustomMetadata),
            ["deletion_time"] = v.Deleted is { } d ? Json.Time(d) : "",
            ["destroyed"] = v.Destroyed,
            ["version"] = n,
        };
    }

    public JsonObject Metadata()
    {
        var versions = new JsonObject();
        foreach (var (n, v) in Versions)
            versions[n.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["created_time"] = Json.Time(v.Created),
                ["deletion_time"] = v.Deleted is { } d ? Json.Time(d) : "",
                ["destroyed"] = v.Destroyed,
            };
        return new JsonObject
        {
            ["cas_required"] = CasRequired,
            ["created_time"] = Json.Time(Created),
            ["current_version"] = CurrentVersion,
            ["custom_metadata"] = Json.MapOrNull(CustomMetadata),
            ["delete_version_after"] = GoDuration.Format(DeleteVersionAfter),
            ["max_versions"] = MaxVersions,
            ["oldest_version"] = OldestVersion,
            ["updated_time"] = Json.Time(Updated),
            ["versions"] = versions,
        };
    }
}
