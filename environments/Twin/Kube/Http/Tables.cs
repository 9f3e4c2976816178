using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Json;
using Conformance.Twin.Kube.Storage;

namespace Conformance.Twin.Kube.Http;

/// <summary>Server-side printing (meta.k8s.io/v1 Table) with NAME, the CRD's printer columns, and AGE.</summary>
public static class Tables
{
    public static JsonObject ForList(ResourceType type, JsonObject list, string version, TimeProvider time)
    {
        var extra = type.PrinterColumns.TryGetValue(version, out var cols) ? cols : new JsonArray();
        var defs = new JsonArray(new JsonObject { ["name"] = "Name", ["type"] = "string", ["format"] = "name", ["description"] = "Name must be unique within a namespace.", ["priority"] = 0 });
        var hasAge = false;
        foreach (var c in extra)
        {
            defs.Add(new JsonObject { ["name"] = c.Str("name"), ["type"] = c.Str("type") ?? "string", ["format"] = c.Str("format") ?? "", ["description"] = c.Str("description") ?? "", ["priority"] = c.Long("priority") ?? 0 });
            if (c.Str("jsonPath") == ".metadata.creationTimestamp") hasAge = true;
        }
        if (!hasAge) defs.Add(new JsonObject { ["name"] = "Age", ["type"] = "date", ["format"] = "", ["description"] = "CreationTimestamp", ["priority"] = 0 });
        var rows = new JsonArray();
        foreach (var item in list.Arr("items") ?? [])
        {
            var o = (JsonObject)item!;
            var cells = new JsonArray(o.Name());
            foreach (var c in extra)
            {
                var path = (c.Str("jsonPath") ?? "").TrimStart('.').Split('.', StringSplitOptions.RemoveEmptyEntries);
                var v = o.Get(path);
                cells.Add(c.Str("jsonPath") == ".metadata.creationTimestamp" ? Age(o, time) : v is JsonValue jv ? jv.DeepClone() : v?.ToJsonString());
            }
            if (!hasAge) cells.Add(Age(o, time));
            var partial = new JsonObject
            {
                ["kind"] = "PartialObjectMetadata", ["apiVersion"] = "meta.k8s.io/v1", ["metadata"] = o["metadata"]?.DeepClone(),
            };
            rows.Add(new JsonObject { ["cells"] = cells, ["object"] = partial });
        }
        return new JsonObject
        {
            ["kind"] = "Table", ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = list["metadata"]?.DeepClone(), ["columnDefinitions"] = defs, ["rows"] = rows,
        };
    }

    static string Age(JsonObject o, TimeProvider time)
    {
        if (!DateTimeOffset.TryParse(o.Str("metadata", "creationTimestamp"), out var created)) return "<unknown>";
        var d = time.GetUtcNow() - created;
        if (d.TotalSeconds < 120) return $"{Math.Max(0, (int)d.TotalSeconds)}s";
        if (d.TotalMinutes < 60) return $"{(int)d.TotalMinutes}m";
        if (d.TotalHours < 48) return $"{(int)d.TotalHours}h";
        return $"{(int)d.TotalDays}d";
    }
}
