using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conformance.Twin.Vault.Http;

/// <summary>Field decoding the way Vault's framework.FieldData does it (strings, ints, bools, durations, comma lists).</summary>
internal static class Json
{
    public static string? Str(this JsonObject o, string key)
    {
        if (!o.TryGetPropertyValue(key, out var n) || n is null) return null;
        return n is JsonValue v && v.TryGetValue<string>(out var s) ? s : n.ToJsonString();
    }

    public static string StrOr(this JsonObject o, string key, string fallback) => o.Str(key) ?? fallback;

    public static bool? Bool(this JsonObject o, string key)
    {
        if (!o.TryGetPropertyValue(key, out var n) || n is null) return null;
        if (n is JsonValue v)
        {
            if (v.TryGetValue<bool>(out var b)) return b;
            if (v.TryGetValue<string>(out var s)) return s is "true" or "1" or "t" or "T" or "TRUE" or "True";
            if (v.TryGetValue<long>(out var l)) return l != 0;
        }
        throw new VaultException(400, $"error converting input {n.ToJsonString()} for field \"{key}\"", logical: true);
    }

    public static long? Long(this JsonObject o, string key)
    {
        if (!o.TryGetPropertyValue(key, out var n) || n is null) return null;
        if (n is JsonValue v)
        {
            if (v.TryGetValue<long>(out var l)) return l;
            if (v.TryGetValue<double>(out var d)) return (long)d;
            if (v.TryGetValue<string>(out var s) && long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var p)) return p;
        }
        throw new VaultException(400, $"error converting input {n.ToJsonString()} for field \"{key}\"", logical: true);
    }

    /// <summary>Vault TypeDurationSecond: integer seconds or a duration string.</summary>
    public static TimeSpan? Duration(this JsonObject o, string key)
    {
        if (!o.TryGetPropertyValue(key, out var n) || n is null) return null;
        try
        {
            if (n is JsonValue v)
            {
                if (v.TryGetValue<long>(out var l)) return TimeSpan.FromSeconds(l);
                if (v.TryGetValue<double>(out var d)) return TimeSpan.FromSeconds(d);
                if (v.TryGetValue<string>(out var s)) return GoDuration.Parse(s);
            }
        }
        catch (FormatException e)
        {
            throw new VaultException(400, $"error converting input {n.ToJsonString()} for field \"{key}\": {e.Message}", logical: true);
        }
        throw new VaultException(400, $"error converting input {n.ToJsonString()} for field \"{key}\"", logical: true);
    }

    /// <summary>Vault TypeCommaStringSlice: a JSON array or a comma-separated string.</summary>
    public static List<string>? List(this JsonObject o, string key)
    {
        if (!o.TryGetPropertyValue(key, out var n) || n is null) return null;
        if (n is JsonArray a) return a.Select(x => x is JsonValue xv && xv.TryGetValue<string>(out var s) ? s.Trim() : x?.ToJsonString() ?? "").Where(s => s.Length > 0).ToList();
        var str = o.Str(key) ?? "";
        return str.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
    }

    public static Dictionary<string, string>? StringMap(this JsonObject o, string key)
    {
        if (!o.TryGetPropertyValue(key, out var n) || n is null) return null;
        if (n is not JsonObject m) throw new VaultException(400, $"error converting input for field \"{key}\": expected a map", logical: true);
        return m.ToDictionary(kv => kv.Key, kv => kv.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : kv.Value?.ToJsonString() ?? "");
    }

    public static JsonArray Array(IEnumerable<string> items) => new(items.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());

    public static JsonObject? MapOrNull(IReadOnlyDictionary<string, string>? map)
    {
        if (map is null) return null;
        var o = new JsonObject();
        foreach (var kv in map.OrderBy(k => k.Key, StringComparer.Ordinal)) o[kv.Key] = kv.Value;
        return o;
    }

    /// <summary>Go's time.Time RFC3339Nano in UTC, as Vault renders timestamps.</summary>
    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    public static JsonObject Parse(string body)
    {
        if (string.IsNullOrWhiteSpace(body)) return new JsonObject();
        try
        {
            return JsonNode.Parse(body) as JsonObject ?? throw new VaultException(400, "error parsing JSON", logical: true);
        }
        catch (JsonException)
        {
            throw new VaultException(400, "error parsing JSON", logical: true);
        }
    }
}
