using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Storage;

namespace Conformance.Twin.Kube.Discovery;

/// <summary>
/// Legacy (unaggregated) discovery: /api, /apis, /apis/{group}, /api/v1 and /apis/{group}/{version} resource lists.
/// client-go falls back to these when the server does not answer the aggregated (apidiscovery.k8s.io/v2) form.
/// </summary>
public static class DiscoveryDocs
{
    public static JsonObject Version() => new()
    {
        ["major"] = "1", ["minor"] = "32", ["gitVersion"] = "v1.32.4+twin", ["gitCommit"] = "twin", ["gitTreeState"] = "clean",
        ["buildDate"] = "2026-01-01T00:00:00Z", ["goVersion"] = "go1.23.8", ["compiler"] = "gc", ["platform"] = "linux/amd64",
    };

    public static JsonObject ApiVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    static IEnumerable<IGrouping<string, ResourceType>> Groups(IEnumerable<ResourceType> types) =>
        types.Where(t => t.Group.Length > 0).GroupBy(t => t.Group).OrderBy(g => g.Key == "apiextensions.k8s.io" ? 1 : 0).ThenBy(g => g.Key);

    static JsonObject Group(IGrouping<string, ResourceType> g)
    {
        var versions = g.SelectMany(t => t.Versions).Distinct().ToList();
        var preferred = g.First().StorageVersion;
        return new JsonObject
        {
            ["name"] = g.Key,
            ["versions"] = new JsonArray(versions.Select(v => (JsonNode)new JsonObject { ["groupVersion"] = $"{g.Key}/{v}", ["version"] = v }).ToArray()),
            ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{g.Key}/{preferred}", ["version"] = preferred },
        };
    }

    public static JsonObject ApiGroupList(IEnumerable<ResourceType> types) => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(Groups(types).Select(g => (JsonNode)Group(g)).ToArray()),
    };

    public static JsonObject? ApiGroup(IEnumerable<ResourceType> types, string group)
    {
        var g = Groups(types).FirstOrDefault(x => x.Key == group);
        if (g is null) return null;
        var o = Group(g);
        o["kind"] = "APIGroup";
        o["apiVersion"] = "v1";
        return o;
    }

    public static JsonObject? ResourceList(IEnumerable<ResourceType> types, string group, string version)
    {
        var list = types.Where(t => t.Group == group && t.Versions.Contains(version)).OrderBy(t => t.Plural).ToList();
        if (list.Count == 0) return null;
        var resources = new JsonArray();
        foreach (var t in list)
        {
            var r = new JsonObject
            {
                ["name"] = t.Plural, ["singularName"] = t.Singular, ["namespaced"] = t.Namespaced, ["kind"] = t.Kind,
                ["verbs"] = new JsonArray(t.Verbs.Select(v => (JsonNode)v).ToArray()),
            };
            if (t.ShortNames.Count > 0) r["shortNames"] = new JsonArray(t.ShortNames.Select(s => (JsonNode)s).ToArray());
            if (t.Categories.Count > 0) r["categories"] = new JsonArray(t.Categories.Select(s => (JsonNode)s).ToArray());
            r["storageVersionHash"] = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{t.Group}/{t.StorageVersion}/{t.Kind}")))[..11];
            resources.Add(r);
            foreach (var sub in t.Subresources.Order())
            {
                var (kind, verbs, g, v) = sub switch
                {
                    "status" => (t.Kind, new[] { "get", "patch", "update" }, (string?)null, (string?)null),
                    "log" => ("Pod", ["get"], null, null),
                    "binding" => ("Binding", ["create"], null, null),
                    "token" => ("TokenRequest", ["create"], "authentication.k8s.io", "v1"),
                    "finalize" => ("Namespace", ["update"], null, null),
                    "scale" => ("Scale", ["get", "patch", "update"], "autoscaling", "v1"),
                    _ => (t.Kind, ["get"], null, null),
                };
                var s = new JsonObject
                {
                    ["name"] = $"{t.Plural}/{sub}", ["singularName"] = "", ["namespaced"] = t.Namespaced, ["kind"] = kind,
                    ["verbs"] = new JsonArray(verbs.Select(x => (JsonNode)x).ToArray()),
                };
                if (g is not null) { s["group"] = g; s["version"] = v; }
                resources.Add(s);
            }
        }
        return new JsonObject
        {
            ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = group.Length == 0 ? version : $"{group}/{version}",
            ["resources"] = resources,
        };
    }
}
