using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Conformance.Twin.Vault.Acl;

/// <summary>One ACL policy: a name, its source text and its path rules (vault/policy.go ParseACLPolicy).</summary>
public sealed partial class Policy
{
    public required string Name { get; init; }
    public required string Raw { get; init; }
    public required IReadOnlyList<PathRule> Rules { get; init; }

    public sealed record PathRule(string Path, Capability Capabilities);

    [GeneratedRegex("""path\s+"(?<path>[^"]*)"\s*\{(?<body>(?:[^{}]|\{[^{}]*\})*)\}""", RegexOptions.Singleline)]
    private static partial Regex PathBlock();

    [GeneratedRegex("""capabilities\s*=\s*\[(?<caps>[^\]]*)\]""", RegexOptions.Singleline)]
    private static partial Regex CapsLine();

    [GeneratedRegex("""(^|\n)\s*policy\s*=\s*"(?<p>[^"]*)" """, RegexOptions.Singleline)]
    private static partial Regex ShorthandLine();

    [GeneratedRegex("""(#|//)[^\n]*""")]
    private static partial Regex Comment();

    /// <summary>Parses the HCL subset Vault policies use (path blocks with capabilities or policy) or the JSON form.</summary>
    public static Policy Parse(string name, string raw)
    {
        var rules = raw.TrimStart().StartsWith('{') ? ParseJson(raw) : ParseHcl(raw);
        return new Policy { Name = name, Raw = raw, Rules = rules };
    }

    private static List<PathRule> ParseHcl(string raw)
    {
        var text = Comment().Replace(raw, "");
        var rules = new List<PathRule>();
        var consumed = 0;
        foreach (Match m in PathBlock().Matches(text))
        {
            if (text[consumed..m.Index].Trim().Length > 0)
                throw new FormatException($"failed to parse policy: unexpected text \"{text[consumed..m.Index].Trim()}\"");
            consumed = m.Index + m.Length;
            var body = m.Groups["body"].Value;
            var caps = Capability.None;
            var c = CapsLine().Match(body);
            if (c.Success)
            {
                foreach (var item in c.Groups["caps"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    caps |= Capabilities.Parse(item.Trim('"'));
            }
            var s = ShorthandLine().Match(body + " ");
            if (s.Success) caps |= Capabilities.FromPolicyShorthand(s.Groups["p"].Value);
            rules.Add(new PathRule(m.Groups["path"].Value, caps));
        }
        if (text[consumed..].Trim().Length > 0)
            throw new FormatException($"failed to parse policy: unexpected text \"{text[consumed..].Trim()}\"");
        return rules;
    }

    private static List<PathRule> ParseJson(string raw)
    {
        var rules = new List<PathRule>();
        var root = JsonNode.Parse(raw) as JsonObject ?? throw new FormatException("failed to parse policy: not an object");
        if (root["path"] is not JsonObject paths) return rules;
        foreach (var (path, node) in paths)
        {
            var caps = Capability.None;
            if (node?["capabilities"] is JsonArray arr)
                foreach (var item in arr) caps |= Capabilities.Parse(item!.GetValue<string>());
            if (node?["policy"] is JsonValue pv) caps |= Capabilities.FromPolicyShorthand(pv.GetValue<string>());
            rules.Add(new PathRule(path, caps));
        }
        return rules;
    }
}
