using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conformance.Twin.Kube.Json;

/// <summary>Small helpers over System.Text.Json.Nodes used everywhere objects are handled generically.</summary>
public static class JsonUtil
{
    public static readonly JsonSerializerOptions Compact = new() { WriteIndented = false };

    public static JsonNode? Get(this JsonNode? node, params string[] path)
    {
        foreach (var p in path)
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(p, out node)) return null;
        }
        return node;
    }

    public static string? Str(this JsonNode? node, params string[] path) =>
        node.Get(path) is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    public static long? Long(this JsonNode? node, params string[] path)
    {
        if (node.Get(path) is not JsonValue v) return null;
        if (v.TryGetValue<long>(out var l)) return l;
        if (v.TryGetValue<int>(out var i)) return i;
        if (v.TryGetValue<JsonElement>(out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out l)) return l;
        if (TryNumber(v, out var d) && d == Math.Floor(d)) return (long)d;
        return null;
    }

    public static bool? Bool(this JsonNode? node, params string[] path) =>
        node.Get(path) is JsonValue v && v.TryGetValue<bool>(out var b) ? b : null;

    public static JsonObject? Obj(this JsonNode? node, params string[] path) => node.Get(path) as JsonObject;
    public static JsonArray? Arr(this JsonNode? node, params string[] path) => node.Get(path) as JsonArray;

    /// <summary>Gets or creates the object at <paramref name="path"/>, replacing non-objects.</summary>
    public static JsonObject Ensure(this JsonObject node, params string[] path)
    {
        var cur = node;
        foreach (var p in path)
        {
            if (cur[p] is not JsonObject next) { next = new JsonObject(); cur[p] = next; }
            cur = next;
        }
        return cur;
    }

    public static JsonObject Meta(this JsonObject obj) => obj.Ensure("metadata");

    public static string Name(this JsonObject obj) => obj.Str("metadata", "name") ?? "";
    public static string Namespace(this JsonObject obj) => obj.Str("metadata", "namespace") ?? "";
    public static string Uid(this JsonObject obj) => obj.Str("metadata", "uid") ?? "";

    public static JsonObject CloneObj(this JsonObject obj) => (JsonObject)obj.DeepClone();

    public static JsonKind Kind(this JsonNode? node) => node switch
    {
        null => JsonKind.Null,
        JsonObject => JsonKind.Object,
        JsonArray => JsonKind.Array,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => JsonKind.String,
            JsonValueKind.Number => JsonKind.Number,
            JsonValueKind.True or JsonValueKind.False => JsonKind.Boolean,
            _ => JsonKind.Null,
        },
        _ => JsonKind.Null,
    };

    /// <summary>Forces every lazily-built child so the tree can be read from several threads at once.</summary>
    public static T Materialize<T>(T node) where T : JsonNode
    {
        switch (node)
        {
            case JsonObject o: foreach (var kv in o) if (kv.Value is not null) Materialize(kv.Value); break;
            case JsonArray a: foreach (var i in a) if (i is not null) Materialize(i); break;
        }
        return node;
    }

    public static JsonNode? ParseBytes(ReadOnlySpan<byte> utf8) => JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { MaxDepth = 256 });

    public static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'");
    public static string Rfc3339Micro(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'");

    /// <summary>The numeric value of a JSON number however it was built (parsed or created from a CLR value).</summary>
    public static bool TryNumber(JsonValue v, out double d)
    {
        if (v.TryGetValue(out JsonElement e)) { d = 0; return e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out d); }
        if (v.TryGetValue(out d)) return true;
        if (v.TryGetValue(out long l)) { d = l; return true; }
        if (v.TryGetValue(out int i)) { d = i; return true; }
        if (v.TryGetValue(out decimal m)) { d = (double)m; return true; }
        if (v.TryGetValue(out float f)) { d = f; return true; }
        return false;
    }

    public static bool NumberIsIntegral(JsonValue v)
    {
        if (v.TryGetValue(out JsonElement e)) return e.TryGetInt64(out _) || (e.TryGetDouble(out var x) && x == Math.Floor(x) && !double.IsInfinity(x) && !e.GetRawText().Contains('.'));
        if (v.TryGetValue(out long _) || v.TryGetValue(out int _)) return true;
        return TryNumber(v, out var d) && d == Math.Floor(d) && !double.IsInfinity(d);
    }
}

public enum JsonKind { Null, Object, Array, String, Number, Boolean }
