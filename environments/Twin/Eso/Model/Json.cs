using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conformance.Twin.Eso.Model;

/// <summary>Small helpers to read unstructured custom resources (the twin reads ESO objects as JSON, as ESO's CRDs define them).</summary>
public static class Json
{
    public static JsonNode? At(this JsonNode? node, params string[] path)
    {
        foreach (var p in path)
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(p, out node)) return null;
        }
        return node;
    }

    public static string? Str(this JsonNode? node, params string[] path) =>
        node.At(path) is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static long? Long(this JsonNode? node, params string[] path) =>
        node.At(path) is JsonValue v && v.GetValueKind() == JsonValueKind.Number && long.TryParse(v.ToJsonString(), out var n) ? n : null;

    public static bool Bool(this JsonNode? node, params string[] path) =>
        node.At(path) is JsonValue v && v.GetValueKind() == JsonValueKind.True;

    public static Dictionary<string, string> StrMap(this JsonNode? node, params string[] path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node.At(path) is JsonObject o)
            foreach (var (k, v) in o)
                if (v is JsonValue jv && jv.GetValueKind() == JsonValueKind.String) result[k] = jv.GetValue<string>();
        return result;
    }

    public static List<string> StrList(this JsonNode? node, params string[] path) =>
        node.At(path) is JsonArray a ? a.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>()).ToList() : [];

    public static IEnumerable<JsonObject> Objects(this JsonNode? node, params string[] path) =>
        node.At(path) is JsonArray a ? a.OfType<JsonObject>() : [];
}
