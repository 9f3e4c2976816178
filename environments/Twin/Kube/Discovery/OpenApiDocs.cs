using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Storage;

namespace Conformance.Twin.Kube.Discovery;

/// <summary>
/// A minimal OpenAPI v3 surface: the root index and, per group-version, the resource paths with their PATCH
/// operation's x-kubernetes-group-version-kind and the fieldValidation parameter, which is what kubectl reads to
/// decide that the server validates fields itself (cli-runtime QueryParamVerifierV3). No schemas are published.
/// </summary>
public static class OpenApiDocs
{
    public static JsonObject Root(IEnumerable<ResourceType> types)
    {
        var paths = new JsonObject();
        foreach (var gv in types.SelectMany(t => t.Versions.Select(v => (t.Group, v))).Distinct().OrderBy(x => x.Group).ThenBy(x => x.v))
        {
            var key = gv.Group.Length == 0 ? $"api/{gv.v}" : $"apis/{gv.Group}/{gv.v}";
            paths[key] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{key}?hash={Hash(types, gv.Group, gv.v)}" };
        }
        return new JsonObject { ["paths"] = paths };
    }

    static string Hash(IEnumerable<ResourceType> types, string group, string version) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
            string.Join(",", types.Where(t => t.Group == group && t.Versions.Contains(version)).Select(t => t.Plural + t.Kind + t.Schemas.Count).Order()))))[..32];

    public static JsonObject? GroupVersion(IEnumerable<ResourceType> types, string group, string version)
    {
        var list = types.Where(t => t.Group == group && t.Versions.Contains(version) && !t.Virtual).ToList();
        if (list.Count == 0 && !types.Any(t => t.Group == group && t.Versions.Contains(version))) return null;
        var paths = new JsonObject();
        var prefix = group.Length == 0 ? $"/api/{version}" : $"/apis/{group}/{version}";
        foreach (var t in list)
        {
            var gvk = new JsonObject { ["group"] = group, ["version"] = version, ["kind"] = t.Kind };
            var item = t.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{t.Plural}/{{name}}" : $"{prefix}/{t.Plural}/{{name}}";
            var coll = t.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{t.Plural}" : $"{prefix}/{t.Plural}";
            paths[coll] = new JsonObject
            {
                ["post"] = Op(gvk, "post", ["dryRun", "fieldManager", "fieldValidation"], null),
                ["get"] = Op(gvk, "list", ["labelSelector", "fieldSelector", "limit", "continue", "watch"], null),
            };
            paths[item] = new JsonObject
            {
                ["get"] = Op(gvk, "get", [], null),
                ["put"] = Op(gvk, "put", ["dryRun", "fieldManager", "fieldValidation"], null),
                ["patch"] = Op(gvk, "patch", ["dryRun", "fieldManager", "fieldValidation", "force"],
                    ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"]),
                ["delete"] = Op(gvk, "delete", ["dryRun", "gracePeriodSeconds", "propagationPolicy"], null),
            };
        }
        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "v1.32.4+twin" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = new JsonObject() },
        };
    }

    static JsonObject Op(JsonObject gvk, string action, string[] queryParams, string[]? contentTypes)
    {
        var op = new JsonObject
        {
            ["x-kubernetes-action"] = action,
            ["x-kubernetes-group-version-kind"] = gvk.DeepClone(),
            ["parameters"] = new JsonArray(queryParams.Select(p => (JsonNode)new JsonObject
            {
                ["name"] = p, ["in"] = "query", ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
            }).ToArray()),
            ["responses"] = new JsonObject { ["200"] = new JsonObject { ["description"] = "OK" } },
        };
        if (contentTypes is not null)
        {
            var content = new JsonObject();
            foreach (var c in contentTypes) content[c] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } };
            op["requestBody"] = new JsonObject { ["content"] = content, ["required"] = true };
        }
        return op;
    }
}
