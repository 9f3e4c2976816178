using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Conformance.Twin.Kube.Json;

/// <summary>
/// YAML to JSON nodes, resolving untagged plain scalars the way Kubernetes tooling does (sigs.k8s.io/yaml on
/// go-yaml v2, YAML 1.1: yes/no/on/off are booleans, ~ and null are null). Quoted scalars stay strings.
/// </summary>
public static partial class YamlJson
{
    /// <summary>Parses every document of a (multi-document) YAML or JSON text; empty documents are skipped.</summary>
    public static List<JsonNode> ParseAll(string text, string source = "<input>")
    {
        var result = new List<JsonNode>();
        var parser = new Parser(new StringReader(text));
        try
        {
            parser.Consume<StreamStart>();
            while (parser.TryConsume<DocumentStart>(out _))
            {
                var anchors = new Dictionary<string, JsonNode?>();
                var node = ReadNode(parser, anchors);
                parser.Consume<DocumentEnd>();
                if (node is not null) result.Add(node);
            }
        }
        catch (YamlException e)
        {
            throw new FormatException($"{source}:{e.Start.Line}:{e.Start.Column}: invalid YAML: {e.Message}", e);
        }
        return result;
    }

    /// <summary>Parses one JSON or YAML document (JSON is YAML).</summary>
    public static JsonNode? Parse(string text, string source = "<input>")
    {
        var docs = ParseAll(text, source);
        return docs.Count == 0 ? null : docs[0];
    }

    static JsonNode? ReadNode(IParser parser, Dictionary<string, JsonNode?> anchors)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
            return anchors.TryGetValue(alias.Value.Value, out var a) ? a?.DeepClone() : throw new YamlException(alias.Start, alias.End, $"unknown alias {alias.Value}");
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            var v = ResolveScalar(scalar);
            if (!scalar.Anchor.IsEmpty) anchors[scalar.Anchor.Value] = v;
            return v;
        }
        if (parser.TryConsume<SequenceStart>(out var seq))
        {
            var arr = new JsonArray();
            while (!parser.TryConsume<SequenceEnd>(out _)) arr.Add(ReadNode(parser, anchors));
            if (!seq.Anchor.IsEmpty) anchors[seq.Anchor.Value] = arr;
            return arr;
        }
        if (parser.TryConsume<MappingStart>(out var map))
        {
            var obj = new JsonObject();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var keyNode = ReadNode(parser, anchors);
                var value = ReadNode(parser, anchors);
                var key = keyNode switch { null => "null", JsonValue kv => kv.ToJsonString().Trim('"'), _ => keyNode.ToJsonString() };
                if (keyNode is JsonValue sv && sv.TryGetValue<string>(out var ks)) key = ks;
                if (key == "<<" && value is JsonObject merge)
                {
                    foreach (var kv in merge) if (!obj.ContainsKey(kv.Key)) obj[kv.Key] = kv.Value?.DeepClone();
                    continue;
                }
                obj[key] = value;
            }
            if (!map.Anchor.IsEmpty) anchors[map.Anchor.Value] = obj;
            return obj;
        }
        var ev = parser.Current;
        throw new YamlException(ev!.Start, ev.End, $"unexpected {ev.GetType().Name}");
    }

    static JsonNode? ResolveScalar(Scalar s)
    {
        var text = s.Value;
        if (s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
            return JsonValue.Create(text);
        if (!s.Tag.IsEmpty)
        {
            var tag = s.Tag.Value;
            if (tag.EndsWith(":str")) return JsonValue.Create(text);
            if (tag.EndsWith(":int") && long.TryParse(text, out var ti)) return JsonValue.Create(ti);
            if (tag.EndsWith(":bool")) return JsonValue.Create(text is "true" or "True" or "TRUE" or "yes");
        }
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "y" or "Y": return JsonValue.Create(true);
            case "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF" or "n" or "N": return JsonValue.Create(false);
        }
        if (IntPattern().IsMatch(text))
        {
            var t = text.Replace("_", "");
            if (long.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return JsonValue.Create(l);
            if (decimal.TryParse(t, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var dm)) return JsonValue.Create(dm);
        }
        if (HexPattern().IsMatch(text))
            return JsonValue.Create(Convert.ToInt64(text.Replace("0x", "").Replace("+", ""), 16) * (text.StartsWith('-') ? -1 : 1));
        if (FloatPattern().IsMatch(text) && double.TryParse(text.Replace("_", ""), NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
            return JsonValue.Create(d);
        return JsonValue.Create(text);
    }

    [GeneratedRegex(@"^[-+]?(0|[1-9][0-9_]*)$")] private static partial Regex IntPattern();
    [GeneratedRegex(@"^[-+]?0x[0-9a-fA-F_]+$")] private static partial Regex HexPattern();
    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$")] private static partial Regex FloatPattern();
}
