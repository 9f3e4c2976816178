using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Conformance.Twin.Eso.Model;

namespace Conformance.Twin.Eso.Templates;

/// <summary>A template that cannot be rendered; the message follows Go text/template's shape.</summary>
public sealed class TemplateException(string message) : Exception(message);

/// <summary>
/// ESO's target.template, engineVersion v2 basics (externalsecret_controller_template.go ApplyTemplate, reference/eso.md §4):
/// type, metadata labels/annotations, data rendered with Go-template actions {{ .key }} piped through a few sprig
/// functions (b64enc, b64dec, upper, lower, trim, quote, toString), mergePolicy Replace|Merge. templateFrom is not supported.
/// </summary>
public static partial class SecretTemplate
{
    /// <summary>The template's own metadata, copied onto the Secret before rendering (ESO setMetadata).</summary>
    public static (Dictionary<string, string> Labels, Dictionary<string, string> Annotations) Metadata(JsonObject template) =>
        (template.StrMap("metadata", "labels"), template.StrMap("metadata", "annotations"));

    /// <summary>Renders template.data and the metadata maps; returns the Secret data keys to write.</summary>
    public static Dictionary<string, byte[]> RenderData(JsonObject template, IReadOnlyDictionary<string, byte[]> dataMap,
        IDictionary<string, string> labels, IDictionary<string, string> annotations, EsoFaults? faults = null)
    {
        if (template["templateFrom"] is JsonArray { Count: > 0 })
            throw new TemplateException("template.templateFrom is not implemented by the twin");
        var engine = template.Str("engineVersion") ?? "v2";
        if (engine != "v2") throw new TemplateException($"unsupported template engine version: {engine}");
        var values = dataMap.ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetString(kv.Value), StringComparer.Ordinal);
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        // ESO: mergePolicy Merge, or no data template at all, keeps the provider's keys beside the rendered ones.
        var noTemplates = template["data"] is not JsonObject { Count: > 0 };
        // Fault eso-template-keeps-provider-keys: mergePolicy Replace (the default) behaves as Merge (#1429, #3869).
        var merge = template.Str("mergePolicy") == "Merge" || faults?.Has(EsoFaults.TemplateKeepsProviderKeys) == true;
        if (merge || noTemplates)
            foreach (var kv in dataMap) result[kv.Key] = kv.Value;
        foreach (var (key, text) in template.StrMap("data"))
            result[key] = Encoding.UTF8.GetBytes(Render(key, text, values));
        foreach (var (key, text) in template.StrMap("metadata", "labels"))
            labels[key] = Render(key, text, values);
        foreach (var (key, text) in template.StrMap("metadata", "annotations"))
            annotations[key] = Render(key, text, values);
        return result;
    }

    /// <summary>Executes one template text against the data map (Go text/template with missingkey=error, as ESO sets it).</summary>
    public static string Render(string name, string text, IReadOnlyDictionary<string, string> values)
    {
        var sb = new StringBuilder();
        var pos = 0;
        foreach (Match m in Action().Matches(text))
        {
            var literal = text[pos..m.Index];
            if (m.Groups["ltrim"].Success) literal = literal.TrimEnd();
            sb.Append(literal);
            pos = m.Index + m.Length;
            if (m.Groups["rtrim"].Success) while (pos < text.Length && char.IsWhiteSpace(text[pos])) pos++;
            sb.Append(Evaluate(name, m.Groups["body"].Value.Trim(), values));
        }
        sb.Append(text[pos..]);
        return sb.ToString();
    }

    private static string Evaluate(string name, string pipeline, IReadOnlyDictionary<string, string> values)
    {
        var stages = pipeline.Split('|').Select(s => s.Trim()).ToList();
        string value;
        var head = stages[0];
        if (head.StartsWith('.'))
        {
            var key = head[1..];
            if (!values.TryGetValue(key, out value!))
                throw new TemplateException($"template: {name}:1:{3 + head.Length}: executing \"{name}\" at <{head}>: map has no entry for key \"{key}\"");
        }
        else if (head.Length >= 2 && head[0] == '"' && head[^1] == '"') value = head[1..^1];
        else throw new TemplateException($"template: {name}: unsupported action \"{head}\" (the twin supports .key, \"literal\" and pipes)");
        foreach (var fn in stages.Skip(1))
        {
            value = fn switch
            {
                "b64enc" => Convert.ToBase64String(Encoding.UTF8.GetBytes(value)),
                "b64dec" => Encoding.UTF8.GetString(Convert.FromBase64String(value)),
                "upper" => value.ToUpperInvariant(),
                "lower" => value.ToLowerInvariant(),
                "trim" => value.Trim(),
                "quote" => "\"" + value + "\"",
                "toString" => value,
                _ => throw new TemplateException($"template: {name}: function \"{fn}\" not defined"),
            };
        }
        return value;
    }

    [GeneratedRegex(@"\{\{(?<ltrim>-\s)?(?<body>.*?)(?<rtrim>\s-)?\}\}", RegexOptions.Singleline)]
    private static partial Regex Action();
}
