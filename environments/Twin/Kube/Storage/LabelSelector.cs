using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Http;
using Conformance.Twin.Kube.Json;

namespace Conformance.Twin.Kube.Storage;

/// <summary>
/// A label selector in the query-string syntax (k8s.io/apimachinery/pkg/labels): <c>a=b</c>, <c>a==b</c>, <c>a!=b</c>,
/// <c>a in (x,y)</c>, <c>a notin (x)</c>, <c>a</c>, <c>!a</c>; requirements are ANDed.
/// </summary>
public sealed class LabelSelector
{
    readonly List<Func<IReadOnlyDictionary<string, string>, bool>> requirements = [];
    public static readonly LabelSelector Everything = new();
    public bool IsEmpty => requirements.Count == 0;

    public static LabelSelector Parse(string? text)
    {
        var sel = new LabelSelector();
        if (string.IsNullOrWhiteSpace(text)) return sel;
        foreach (var part in SplitTopLevel(text))
        {
            var p = part.Trim();
            if (p.Length == 0) continue;
            var m = System.Text.RegularExpressions.Regex.Match(p, @"^([^\s!=]+)\s+(in|notin)\s*\(([^)]*)\)$");
            if (m.Success)
            {
                var key = m.Groups[1].Value;
                var values = m.Groups[3].Value.Split(',').Select(v => v.Trim()).ToHashSet();
                if (m.Groups[2].Value == "in") sel.requirements.Add(l => l.TryGetValue(key, out var v) && values.Contains(v));
                else sel.requirements.Add(l => !l.TryGetValue(key, out var v) || !values.Contains(v));
                continue;
            }
            int i;
            if ((i = p.IndexOf("!=", StringComparison.Ordinal)) > 0)
            {
                var (k, v) = (p[..i].Trim(), p[(i + 2)..].Trim());
                sel.requirements.Add(l => !l.TryGetValue(k, out var x) || x != v);
            }
            else if ((i = p.IndexOf("==", StringComparison.Ordinal)) > 0 || (i = p.IndexOf('=')) > 0)
            {
                var len = p.AsSpan(i).StartsWith("==") ? 2 : 1;
                var (k, v) = (p[..i].Trim(), p[(i + len)..].Trim());
                sel.requirements.Add(l => l.TryGetValue(k, out var x) && x == v);
            }
            else if (p.StartsWith('!'))
            {
                var k = p[1..].Trim();
                sel.requirements.Add(l => !l.ContainsKey(k));
            }
            else if (System.Text.RegularExpressions.Regex.IsMatch(p, @"^[A-Za-z0-9._/-]+$"))
            {
                sel.requirements.Add(l => l.ContainsKey(p));
            }
            else throw ApiException.BadRequest($"unable to parse requirement: found '{p}', expected: in, notin, =, ==, !=, gt, lt");
        }
        return sel;
    }

    /// <summary>Builds a selector from a metav1.LabelSelector object (matchLabels and matchExpressions).</summary>
    public static LabelSelector FromObject(JsonNode? selector)
    {
        var sel = new LabelSelector();
        if (selector is not JsonObject o) return sel;
        if (o["matchLabels"] is JsonObject ml)
            foreach (var kv in ml)
            {
                var (k, v) = (kv.Key, kv.Value?.GetValue<string>() ?? "");
                sel.requirements.Add(l => l.TryGetValue(k, out var x) && x == v);
            }
        if (o["matchExpressions"] is JsonArray me)
            foreach (var e in me)
            {
                var k = e.Str("key") ?? "";
                var values = (e.Arr("values") ?? []).Select(v => v?.GetValue<string>() ?? "").ToHashSet();
                switch (e.Str("operator"))
                {
                    case "In": sel.requirements.Add(l => l.TryGetValue(k, out var x) && values.Contains(x)); break;
                    case "NotIn": sel.requirements.Add(l => !l.TryGetValue(k, out var x) || !values.Contains(x)); break;
                    case "Exists": sel.requirements.Add(l => l.ContainsKey(k)); break;
                    case "DoesNotExist": sel.requirements.Add(l => !l.ContainsKey(k)); break;
                }
            }
        return sel;
    }

    public bool Matches(IReadOnlyDictionary<string, string> labels) => requirements.All(r => r(labels));

    public bool Matches(JsonObject obj) => IsEmpty || Matches(LabelsOf(obj));

    public static Dictionary<string, string> LabelsOf(JsonObject? obj)
    {
        var d = new Dictionary<string, string>();
        if (obj.Obj("metadata", "labels") is { } labels)
            foreach (var kv in labels) d[kv.Key] = kv.Value is JsonValue v && v.TryGetValue<string>(out var s) ? s : kv.Value?.ToJsonString() ?? "";
        return d;
    }

    static IEnumerable<string> SplitTopLevel(string s)
    {
        var depth = 0; var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '(') depth++;
            else if (s[i] == ')') depth--;
            else if (s[i] == ',' && depth == 0) { yield return s[start..i]; start = i + 1; }
        }
        yield return s[start..];
    }
}
