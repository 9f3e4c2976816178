using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Conformance.Twin.Kube.Json;

namespace Conformance.Twin.Kube.Schema;

/// <summary>One node of a CRD's openAPIV3Schema, parsed once (apiextensions JSONSchemaProps, the subset the API server enforces).</summary>
public sealed class SchemaNode
{
    public string? Type { get; init; }
    public Dictionary<string, SchemaNode>? Properties { get; init; }
    public SchemaNode? Items { get; init; }
    public SchemaNode? AdditionalProperties { get; init; }
    /// <summary>additionalProperties: true/false form; null when absent.</summary>
    public bool? AdditionalPropertiesAllowed { get; init; }
    public IReadOnlyList<string> Required { get; init; } = [];
    public JsonArray? Enum { get; init; }
    public string? Pattern { get; init; }
    public string? Format { get; init; }
    public double? Minimum { get; init; }
    public double? Maximum { get; init; }
    public bool ExclusiveMinimum { get; init; }
    public bool ExclusiveMaximum { get; init; }
    public double? MultipleOf { get; init; }
    public long? MinLength { get; init; }
    public long? MaxLength { get; init; }
    public long? MinItems { get; init; }
    public long? MaxItems { get; init; }
    public long? MinProperties { get; init; }
    public long? MaxProperties { get; init; }
    public bool UniqueItems { get; init; }
    public JsonNode? Default { get; init; }
    public bool HasDefault { get; init; }
    public bool Nullable { get; init; }
    public bool PreserveUnknownFields { get; init; }
    public bool IntOrString { get; init; }
    public bool EmbeddedResource { get; init; }
    public string? ListType { get; init; }
    public IReadOnlyList<string> ListMapKeys { get; init; } = [];
    public IReadOnlyList<SchemaNode>? AllOf { get; init; }
    public IReadOnlyList<SchemaNode>? AnyOf { get; init; }
    public IReadOnlyList<SchemaNode>? OneOf { get; init; }
    public SchemaNode? Not { get; init; }

    static readonly ConcurrentDictionary<string, Regex> Regexes = new();

    /// <summary>The pattern compiled on first use (Go RE2 patterns in CRDs are also valid .NET patterns in practice).</summary>
    public Regex? PatternRegex => Pattern is null ? null : Regexes.GetOrAdd(Pattern, p => new Regex(p, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));

    public static SchemaNode Parse(JsonNode? node, string where = "openAPIV3Schema")
    {
        if (node is not JsonObject o) throw new FormatException($"{where}: a schema must be an object");
        Dictionary<string, SchemaNode>? props = null;
        if (o["properties"] is JsonObject p)
        {
            props = new Dictionary<string, SchemaNode>(p.Count, StringComparer.Ordinal);
            foreach (var kv in p) props[kv.Key] = Parse(kv.Value, $"{where}.properties[{kv.Key}]");
        }
        SchemaNode? addl = null; bool? addlAllowed = null;
        switch (o["additionalProperties"])
        {
            case JsonObject ao: addl = Parse(ao, where + ".additionalProperties"); break;
            case JsonValue av when av.TryGetValue<bool>(out var b): addlAllowed = b; break;
        }
        return new SchemaNode
        {
            Type = o.Str("type"),
            Properties = props,
            Items = o["items"] is JsonObject io ? Parse(io, where + ".items") : null,
            AdditionalProperties = addl,
            AdditionalPropertiesAllowed = addlAllowed,
            Required = o["required"] is JsonArray r ? r.Select(x => x?.GetValue<string>() ?? "").ToList() : [],
            Enum = o["enum"] is JsonArray e ? (JsonArray)e.DeepClone() : null,
            Pattern = o.Str("pattern"),
            Format = o.Str("format"),
            Minimum = Num(o["minimum"]),
            Maximum = Num(o["maximum"]),
            ExclusiveMinimum = o.Bool("exclusiveMinimum") ?? false,
            ExclusiveMaximum = o.Bool("exclusiveMaximum") ?? false,
            MultipleOf = Num(o["multipleOf"]),
            MinLength = o.Long("minLength"),
            MaxLength = o.Long("maxLength"),
            MinItems = o.Long("minItems"),
            MaxItems = o.Long("maxItems"),
            MinProperties = o.Long("minProperties"),
            MaxProperties = o.Long("maxProperties"),
            UniqueItems = o.Bool("uniqueItems") ?? false,
            HasDefault = o.ContainsKey("default"),
            Default = o["default"]?.DeepClone(),
            Nullable = o.Bool("nullable") ?? false,
            PreserveUnknownFields = o.Bool("x-kubernetes-preserve-unknown-fields") ?? false,
            IntOrString = o.Bool("x-kubernetes-int-or-string") ?? false,
            EmbeddedResource = o.Bool("x-kubernetes-embedded-resource") ?? false,
            ListType = o.Str("x-kubernetes-list-type"),
            ListMapKeys = o["x-kubernetes-list-map-keys"] is JsonArray lk ? lk.Select(x => x?.GetValue<string>() ?? "").ToList() : [],
            AllOf = List(o["allOf"], where + ".allOf"),
            AnyOf = List(o["anyOf"], where + ".anyOf"),
            OneOf = List(o["oneOf"], where + ".oneOf"),
            Not = o["not"] is JsonObject no ? Parse(no, where + ".not") : null,
        };
    }

    static List<SchemaNode>? List(JsonNode? n, string where) =>
        n is JsonArray a ? a.Select((x, i) => Parse(x, $"{where}[{i}]")).ToList() : null;

    static double? Num(JsonNode? n) => n is JsonValue v && JsonUtil.TryNumber(v, out var d) ? d : null;

    internal static string FormatNumber(double d) => d.ToString(CultureInfo.InvariantCulture);
}
