using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conformance.Twin.Eso.Providers;

/// <summary>Go's encoding/json output for decoded JSON values: compact, object keys sorted (as ESO re-marshals Vault data).</summary>
public static class GoJson
{
    public static string Marshal(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(node, sb);
        return sb.ToString();
    }

    private static void Write(JsonNode? node, StringBuilder sb)
    {
        switch (node)
        {
            case null: sb.Append("null"); break;
            case JsonObject o:
                sb.Append('{');
                var first = true;
                foreach (var (k, v) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first) sb.Append(',');
                    first = false;
                    sb.Append(JsonSerializer.Serialize(k)).Append(':');
                    Write(v, sb);
                }
                sb.Append('}');
                break;
            case JsonArray a:
                sb.Append('[');
                for (var i = 0; i < a.Count; i++) { if (i > 0) sb.Append(','); Write(a[i], sb); }
                sb.Append(']');
                break;
            default: sb.Append(node.ToJsonString()); break;
        }
    }

    /// <summary>ESO esutils.GetByteValueFromMap: strings as-is, anything else JSON-marshalled.</summary>
    public static byte[] ByteValue(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? Encoding.UTF8.GetBytes(v.GetValue<string>())
            : Encoding.UTF8.GetBytes(Marshal(node));
}
