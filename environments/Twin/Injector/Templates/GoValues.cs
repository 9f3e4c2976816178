using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conformance.Twin.Injector.Templates;

/// <summary>A JSON number as Vault's Go client keeps it (json.Number): printed exactly as received.</summary>
public sealed record GoNumber(string Raw)
{
    public override string ToString() => Raw;
    public double AsDouble() => double.Parse(Raw, CultureInfo.InvariantCulture);
}

/// <summary>text/template's "no value": a missing map key or field (printed `&lt;no value&gt;`).</summary>
public sealed class NoValue
{
    public static readonly NoValue Instance = new();
    private NoValue() { }
    public override string ToString() => "<no value>";
}

/// <summary>What consul-template's `secret` returns (dependency.Secret): the fields templates use.</summary>
public sealed class SecretValue
{
    public string RequestID { get; init; } = "";
    public string LeaseID { get; init; } = "";
    public long LeaseDuration { get; init; }
    public bool Renewable { get; init; }
    public IDictionary<string, object?> Data { get; init; } = new SortedDictionary<string, object?>(StringComparer.Ordinal);
    public IList<object?> Warnings { get; init; } = [];

    public bool TryGetField(string name, out object? value)
    {
        value = name switch
        {
            "RequestID" => RequestID,
            "LeaseID" => LeaseID,
            "LeaseDuration" => (long?)LeaseDuration,
            "Renewable" => Renewable,
            "Data" => Data,
            "Warnings" => Warnings,
            "Auth" or "WrapInfo" => null,
            _ => NoValue.Instance,
        };
        return value is not NoValue;
    }
}

/// <summary>Go's fmt and encoding/json behaviour on template values: %v printing, truth, JSON.</summary>
public static class GoValues
{
    /// <summary>Vault JSON -> template values: objects become sorted maps, numbers stay json.Number.</summary>
    public static object? FromJson(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => new SortedDictionary<string, object?>(o.ToDictionary(kv => kv.Key, kv => FromJson(kv.Value)), StringComparer.Ordinal),
        JsonArray a => a.Select(FromJson).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number => new GoNumber(v.ToJsonString()),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        },
        _ => null,
    };

    /// <summary>fmt.Sprint(v) as text/template prints it.</summary>
    public static string Print(object? v) => v switch
    {
        null => "<nil>",
        NoValue => "<no value>",
        string s => s,
        bool b => b ? "true" : "false",
        GoNumber n => n.Raw,
        long l => l.ToString(CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => FormatFloat(d),
        IDictionary<string, object?> m => "map[" + string.Join(" ", m.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Key + ":" + Print(kv.Value))) + "]",
        IList l => "[" + string.Join(" ", l.Cast<object?>().Select(Print)) + "]",
        SecretValue s => $"&{{{s.RequestID} {s.LeaseID} {s.LeaseDuration} {Print(s.Renewable)} {Print(s.Data)} {Print(s.Warnings)} <nil> <nil>}}",
        _ => v.ToString() ?? "",
    };

    /// <summary>text/template truth: false, 0, nil, empty string/map/slice are false.</summary>
    public static bool IsTrue(object? v) => v switch
    {
        null or NoValue => false,
        bool b => b,
        string s => s.Length > 0,
        GoNumber n => n.Raw.Length > 0, // json.Number is a string type: any non-empty number is true
        long l => l != 0,
        int i => i != 0,
        double d => d != 0,
        ICollection c => c.Count > 0,
        IDictionary<string, object?> m => m.Count > 0,
        _ => true,
    };

    /// <summary>encoding/json Marshal (consul-template toJSON): sorted keys, HTML-escaped strings.</summary>
    public static string ToJson(object? v, bool pretty = false)
    {
        var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = pretty }))
            WriteJson(w, v);
        var s = Encoding.UTF8.GetString(buffer.ToArray());
        return s.Replace("<", "\\u003c", StringComparison.Ordinal).Replace(">", "\\u003e", StringComparison.Ordinal).Replace("&", "\\u0026", StringComparison.Ordinal);
    }

    private static void WriteJson(Utf8JsonWriter w, object? v)
    {
        switch (v)
        {
            case null or NoValue: w.WriteNullValue(); break;
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case GoNumber n: w.WriteRawValue(n.Raw); break;
            case long l: w.WriteNumberValue(l); break;
            case int i: w.WriteNumberValue(i); break;
            case double d: w.WriteNumberValue(d); break;
            case IDictionary<string, object?> m:
                w.WriteStartObject();
                foreach (var (k, val) in m.OrderBy(kv => kv.Key, StringComparer.Ordinal)) { w.WritePropertyName(k); WriteJson(w, val); }
                w.WriteEndObject();
                break;
            case IList l:
                w.WriteStartArray();
                foreach (var item in l) WriteJson(w, item);
                w.WriteEndArray();
                break;
            case SecretValue s:
                w.WriteStartObject();
                w.WriteString("RequestID", s.RequestID);
                w.WriteString("LeaseID", s.LeaseID);
                w.WriteNumber("LeaseDuration", s.LeaseDuration);
                w.WriteBoolean("Renewable", s.Renewable);
                w.WritePropertyName("Data"); WriteJson(w, s.Data);
                w.WritePropertyName("Warnings"); WriteJson(w, s.Warnings);
                w.WriteNull("Auth");
                w.WriteNull("WrapInfo");
                w.WriteEndObject();
                break;
            default: w.WriteStringValue(v.ToString()); break;
        }
    }

    /// <summary>Go's %v for float64 (strconv 'g' with shortest precision, exponent at 1e21).</summary>
    public static string FormatFloat(double d)
    {
        var abs = Math.Abs(d);
        if (abs != 0 && (abs < 1e-4 || abs >= 1e21))
            return d.ToString("0.################e+00", CultureInfo.InvariantCulture);
        return d.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>The string view of a Go string-kind value (string, json.Number); null otherwise.</summary>
    public static string? AsStringKind(object? v) => v switch
    {
        string s => s,
        GoNumber n => n.Raw,
        _ => null,
    };

    /// <summary>Numeric view of a value for comparisons and %d; null when it is not a Go number (json.Number is a string kind).</summary>
    public static double? AsNumber(object? v) => v switch
    {
        long l => l,
        int i => i,
        double d => d,
        _ => null,
    };
}
