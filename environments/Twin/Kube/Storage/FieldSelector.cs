using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Http;
using Conformance.Twin.Kube.Json;

namespace Conformance.Twin.Kube.Storage;

/// <summary>
/// A field selector (<c>metadata.name=x,status.phase!=Running</c>) over the fields a resource supports
/// (metadata.name and metadata.namespace always, plus the resource's own field labels).
/// </summary>
public sealed class FieldSelector
{
    readonly List<(string Field, string Value, bool Equal)> terms = [];
    public bool IsEmpty => terms.Count == 0;

    public static FieldSelector Parse(string? text, ResourceType type)
    {
        var sel = new FieldSelector();
        if (string.IsNullOrWhiteSpace(text)) return sel;
        foreach (var raw in text.Split(','))
        {
            var p = raw.Trim();
            if (p.Length == 0) continue;
            int i; bool eq; int len;
            if ((i = p.IndexOf("!=", StringComparison.Ordinal)) > 0) { eq = false; len = 2; }
            else if ((i = p.IndexOf("==", StringComparison.Ordinal)) > 0) { eq = true; len = 2; }
            else if ((i = p.IndexOf('=')) > 0) { eq = true; len = 1; }
            else throw ApiException.BadRequest($"invalid selector: '{text}'; can't understand '{p}'");
            var field = p[..i].Trim();
            var value = p[(i + len)..].Trim();
            if (field is not ("metadata.name" or "metadata.namespace") && !type.FieldLabels.Contains(field))
            {
                // Built-ins answer "field label not supported"; CRDs list what they accept (apiserver field label conversion)
                throw ApiException.BadRequest(type.IsCustom
                    ? $"\"{field}\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\""
                    : $"field label not supported: {field}");
            }
            sel.terms.Add((field, value, eq));
        }
        return sel;
    }

    public bool Matches(JsonObject obj)
    {
        foreach (var (field, value, eq) in terms)
        {
            var actual = ValueOf(obj, field);
            if ((actual == value) != eq) return false;
        }
        return true;
    }

    /// <summary>The selector value of a field: strings as is, booleans lower-case, absent as "".</summary>
    static string ValueOf(JsonObject obj, string field)
    {
        if (field == "source") return obj.Str("source", "component") ?? obj.Str("reportingComponent") ?? "";
        var node = obj.Get(field.Split('.'));
        return node switch
        {
            null => "",
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
            _ => node.ToJsonString().Trim('"'),
        };
    }
}
