using System.Text.Json.Nodes;
using Conformance.Environments.Plan;

namespace Conformance.Tests.Live.Schema;

/// <summary>The real CRDs saved in upstream/, indexed by apiVersion and kind.</summary>
public sealed class CrdCatalog
{
    private readonly Dictionary<(string ApiVersion, string Kind), (JsonNode Schema, bool Served, string File)> _schemas = new();

    public static CrdCatalog Load(IEnumerable<string> files)
    {
        var catalog = new CrdCatalog();
        foreach (var file in files)
        {
            foreach (var doc in Yaml.LoadAll(File.ReadAllText(file)))
            {
                if ((string?)doc["kind"] != "CustomResourceDefinition") continue;
                var crd = JsonNode.Parse(Yaml.Json(doc))!;
                var group = (string)crd["spec"]!["group"]!;
                var kind = (string)crd["spec"]!["names"]!["kind"]!;
                foreach (var version in crd["spec"]!["versions"]!.AsArray())
                {
                    catalog._schemas[($"{group}/{version!["name"]}", kind)] =
                        (version["schema"]!["openAPIV3Schema"]!, (bool?)version["served"] == true, Path.GetFileName(file));
                }
            }
        }

        return catalog;
    }

    public bool TryGet(string apiVersion, string kind, out JsonNode schema, out bool served, out string file)
    {
        var found = _schemas.TryGetValue((apiVersion, kind), out var entry);
        (schema, served, file) = entry;
        return found;
    }
}
