using System.Text.RegularExpressions;
using Conformance.Runner.Gherkin;
using Messages = Io.Cucumber.Messages.Types;

namespace Conformance.Traceability;

/// <summary>A spec reference comment as written: <c># ADR-016 §Decision [adr016-refresh-interval]: refreshInterval ...</c>.</summary>
public sealed record SpecReference(string File, int Line, string Doc, string Rest)
{
    public string Where => $"{File}:{Line}";
}

/// <summary>One scenario (or outline) of a feature file, with the spec references that apply to it.</summary>
public sealed record TracedScenario(string File, int Line, string Name, IReadOnlyList<string> Tags, IReadOnlyList<SpecReference> References)
{
    public string? KnownDefect => Tags.FirstOrDefault(t => t.StartsWith("@known-defect:", StringComparison.Ordinal))?["@known-defect:".Length..];
}

/// <summary>
/// Reads the feature files with the official Gherkin parser and attaches each spec reference comment to what follows
/// it: the next line that is not a comment, a tag line or blank must be a Scenario (the reference is the scenario's),
/// a Rule (every scenario of the rule) or the Feature line (every scenario of the feature). Any other place is an error.
/// </summary>
public static partial class FeatureScan
{
    [GeneratedRegex(@"^\s*#\s*(?<doc>ADR-\d+|GUIDE)\b(?<rest>.*)$")]
    private static partial Regex ReferenceLine();

    public static IReadOnlyList<TracedScenario> Scan(string featuresFolder, string displayPrefix, List<TraceError> errors)
    {
        var scenarios = new List<TracedScenario>();
        foreach (var path in Directory.EnumerateFiles(featuresFolder, "*.feature", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var display = displayPrefix + Path.GetRelativePath(featuresFolder, path).Replace('\\', '/');
            var parsed = FeatureParser.ParseFile(path, display);
            if (!parsed.IsValid)
            {
                errors.AddRange(parsed.ParseErrors.Select(e => new TraceError(display, e.Line, $"does not parse: {e.Message}")));
                continue;
            }
            scenarios.AddRange(ScanOne(parsed, File.ReadAllLines(path), errors));
        }
        return scenarios;
    }

    private static IEnumerable<TracedScenario> ScanOne(ParsedFeature parsed, string[] lines, List<TraceError> errors)
    {
        var document = parsed.Document!;
        var feature = document.Feature;
        if (feature is null) yield break;

        // What a reference can sit above: the Feature, a Rule, a Scenario (by line).
        var featureLine = (int)feature.Location.Line;
        var rules = new Dictionary<int, Messages.Rule>();
        var scenarioRule = new Dictionary<Messages.Scenario, Messages.Rule?>();
        foreach (var child in feature.Children)
        {
            if (child.Scenario is { } s) scenarioRule[s] = null;
            if (child.Rule is { } rule)
            {
                rules[(int)rule.Location.Line] = rule;
                foreach (var rc in rule.Children)
                    if (rc.Scenario is { } rs) scenarioRule[rs] = rule;
            }
        }
        var scenarioByLine = scenarioRule.Keys.ToDictionary(s => (int)s.Location.Line);

        var featureRefs = new List<SpecReference>();
        var ruleRefs = new Dictionary<Messages.Rule, List<SpecReference>>();
        var scenarioRefs = new Dictionary<Messages.Scenario, List<SpecReference>>();
        foreach (var comment in document.Comments)
        {
            var line = (int)comment.Location.Line;
            var match = ReferenceLine().Match(comment.Text);
            if (!match.Success) continue;
            var reference = new SpecReference(parsed.Uri, line, match.Groups["doc"].Value, match.Groups["rest"].Value.Trim());
            var target = NextContentLine(lines, line);
            if (target == featureLine) featureRefs.Add(reference);
            else if (rules.TryGetValue(target, out var rule)) Add(ruleRefs, rule, reference);
            else if (scenarioByLine.TryGetValue(target, out var scenario)) Add(scenarioRefs, scenario, reference);
            else
            {
                var what = target > 0 ? $"line {target}: '{lines[target - 1].Trim()}'" : "the end of the file";
                errors.Add(new TraceError(parsed.Uri, line,
                    $"spec reference is not directly above a Scenario, a Rule or the Feature line (it is followed by {what}); " +
                    "move it above the scenario it is about, or above 'Feature:' for all scenarios"));
            }
        }

        foreach (var (scenario, rule) in scenarioRule.OrderBy(s => s.Key.Location.Line))
        {
            var references = new List<SpecReference>(featureRefs);
            if (rule is not null && ruleRefs.TryGetValue(rule, out var r)) references.AddRange(r);
            if (scenarioRefs.TryGetValue(scenario, out var own)) references.AddRange(own);
            var tags = feature.Tags.Select(t => t.Name)
                .Concat(rule?.Tags.Select(t => t.Name) ?? [])
                .Concat(scenario.Tags.Select(t => t.Name)).Distinct().ToList();
            yield return new TracedScenario(parsed.Uri, (int)scenario.Location.Line, scenario.Name, tags, references);
        }
    }

    // The first line after `line` (1-based) that is not blank, a comment or a tag line; 0 at the end of the file.
    private static int NextContentLine(string[] lines, int line)
    {
        for (var i = line; i < lines.Length; i++)
        {
            var text = lines[i].TrimStart();
            if (text.Length == 0 || text.StartsWith('#') || text.StartsWith('@')) continue;
            return i + 1;
        }
        return 0;
    }

    private static void Add<TKey>(Dictionary<TKey, List<SpecReference>> map, TKey key, SpecReference reference) where TKey : notnull
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        list.Add(reference);
    }
}
