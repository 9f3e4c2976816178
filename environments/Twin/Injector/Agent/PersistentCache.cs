using System.Text.Json.Nodes;

namespace Conformance.Twin.Injector.Agent;

/// <summary>
/// agent-cache-enable with pre-populate: init and sidecar share a persistent cache (type kubernetes) in the
/// `vault-agent-cache` emptyDir, so the sidecar reuses the init container's token and leases instead of logging in
/// and reading new credentials (reference/vault.md §1.2 agent-cache-enable, §2.5 "Ways around it"). The twin keeps
/// the auto-auth token and the template responses in one JSON file there; the real cache is an encrypted bolt DB.
/// </summary>
internal static class PersistentCache
{
    private const string FileName = "twin-vault-agent-cache.json";

    public static void Save(AgentSession s, VaultAuth auth, TemplateServer server)
    {
        if (s.Config.PersistPath.Length == 0) return;
        var host = s.Container.MapPath(s.Config.PersistPath.TrimEnd('/') + "/" + FileName);
        Directory.CreateDirectory(Path.GetDirectoryName(host)!);
        var responses = new JsonArray();
        foreach (var (path, args, secret) in server.Responses)
            responses.Add(new JsonObject
            {
                ["path"] = path,
                ["args"] = new JsonArray(args.Select(a => (JsonNode?)a).ToArray()),
                ["response"] = secret.Raw?.DeepClone(),
            });
        var doc = new JsonObject
        {
            ["token"] = auth.ClientToken, ["accessor"] = auth.Accessor,
            ["lease_duration"] = auth.LeaseDuration, ["renewable"] = auth.Renewable, ["responses"] = responses,
        };
        File.WriteAllText(host, doc.ToJsonString());
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(host, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        s.Log("INFO", $"cache.leasecache: persisted token and {responses.Count} lease(s) to {s.Config.PersistPath}");
    }

    public static (VaultAuth Auth, List<(string Path, IReadOnlyList<string> Args, VaultSecret Secret)> Responses)? Load(AgentSession s)
    {
        if (s.Config.PersistPath.Length == 0) return null;
        var host = s.Container.MapPath(s.Config.PersistPath.TrimEnd('/') + "/" + FileName);
        if (!File.Exists(host)) return null;
        var doc = JsonNode.Parse(File.ReadAllText(host))!.AsObject();
        var auth = new VaultAuth(doc["token"]!.GetValue<string>(), doc["accessor"]?.GetValue<string>() ?? "",
            doc["lease_duration"]?.GetValue<long>() ?? 0, doc["renewable"]?.GetValue<bool>() ?? false);
        var responses = (doc["responses"] as JsonArray ?? []).OfType<JsonObject>()
            .Where(r => r["response"] is JsonObject)
            .Select(r => (r["path"]!.GetValue<string>(),
                (IReadOnlyList<string>)(r["args"] as JsonArray ?? []).Select(a => a!.GetValue<string>()).ToList(),
                VaultSecret.Parse((JsonObject)r["response"]!.DeepClone())))
            .ToList();
        s.Log("INFO", $"cache: restored token and {responses.Count} lease(s) from the persistent cache");
        return (auth, responses);
    }
}
