using System.Text;
using System.Text.Json;

namespace Conformance.Twin.Eso.Providers;

/// <summary>
/// The subset of gjson paths ESO users write in remoteRef.property (reference/eso.md §5 NestedJSONWithGJSON):
/// dot-separated keys, "\." escapes a literal dot, numeric segments index arrays, "#" is an array's length.
/// Result text follows gjson's Result.String(): strings unquoted, everything else as its raw JSON.
/// </summary>
public static class JsonProperty
{
    public static bool TryGet(string json, string path, out string value)
    {
        value = "";
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException) { return false; }
        using (doc)
        {
            var current = doc.RootElement;
            foreach (var segment in Split(path))
            {
                if (current.ValueKind == JsonValueKind.Object)
                {
                    if (!current.TryGetProperty(segment, out current)) return false;
                }
                else if (current.ValueKind == JsonValueKind.Array)
                {
                    if (segment == "#") { value = current.GetArrayLength().ToString(System.Globalization.CultureInfo.InvariantCulture); return true; }
                    if (!int.TryParse(segment, out var index) || index < 0 || index >= current.GetArrayLength()) return false;
                    current = current[index];
                }
                else return false;
            }
            value = ResultString(current);
            return true;
        }
    }

    public static string ResultString(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString() ?? "",
        JsonValueKind.Null => "",
        _ => e.GetRawText(),
    };

    public static IEnumerable<string> Split(string path)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] == '\\' && i + 1 < path.Length) { sb.Append(path[++i]); continue; }
            if (path[i] == '.') { yield return sb.ToString(); sb.Clear(); continue; }
            sb.Append(path[i]);
        }
        yield return sb.ToString();
    }
}
