using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Json;

namespace Conformance.Twin.Kube.Schema;

/// <summary>
/// The schemas of a set of CRD files, looked up by apiVersion and kind; for checking manifests against upstream CRDs
/// without a server (e.g. --plan). Non-CRD documents in the files are ignored.
/// </summary>
public sealed class CrdCatalog
{
    readonly Dictionary<(string ApiVersion, string Kind), StructuralSchema> schemas = new();

    public IReadOnlyCollection<(string ApiVersion, string Kind)> Kinds => schemas.Keys;

    public static CrdCatalog LoadFiles(IEnumerable<string> paths)
    {
        var c = new CrdCatalog();
        foreach (var p in paths)
            foreach (var doc in YamlJson.ParseAll(File.ReadAllText(p), p))
                if (doc.Str("kind") == "CustomResourceDefinition") c.Add(doc, p);
        return c;
    }

    public void Add(JsonNode crd, string source = "<crd>")
    {
        var group = crd.Str("spec", "group") ?? throw new FormatException($"{source}: CRD has no spec.group");
        var kind = crd.Str("spec", "names", "kind") ?? throw new FormatException($"{source}: CRD has no spec.names.kind");
        foreach (var v in crd.Arr("spec", "versions") ?? [])
        {
            var version = v.Str("name")!;
            schemas[($"{group}/{version}", kind)] = StructuralSchema.FromCrd(crd, version);
        }
    }

    public bool TryGet(string apiVersion, string kind, out StructuralSchema schema) => schemas.TryGetValue((apiVersion, kind), out schema!);

    /// <summary>Validates a manifest as the server would on create (on a copy; the input is not changed).</summary>
    public SchemaOutcome Validate(JsonObject manifest)
    {
        var apiVersion = manifest.Str("apiVersion") ?? "";
        var kind = manifest.Str("kind") ?? "";
        if (!TryGet(apiVersion, kind, out var schema))
            throw new KeyNotFoundException($"no CRD loaded for apiVersion {apiVersion} kind {kind}");
        return schema.Process(manifest.DeepClone());
    }
}
