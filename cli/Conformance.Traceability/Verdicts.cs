using System.Globalization;
using System.Text.Json.Nodes;

namespace Conformance.Traceability;

/// <summary>The last verdict of each scenario, from a runner-results.json (outline rows are folded into one verdict).</summary>
public sealed class Verdicts
{
    private readonly Dictionary<(string File, string Name), List<(string Status, string? Reason)>> _byScenario = new();

    private Verdicts(string source) => Source = source;

    /// <summary>Where the verdicts came from (the results file and its run id), or why there are none.</summary>
    public string Source { get; }

    public static Verdicts None(string why) => new(why);

    public static Verdicts Read(string resultsFile, string? display = null)
    {
        var json = JsonNode.Parse(File.ReadAllText(resultsFile))
                   ?? throw new InvalidDataException($"{resultsFile} is empty; pass the runner-results.json of a run");
        var verdicts = new Verdicts($"{display ?? resultsFile} (run {(string?)json["runId"] ?? "?"}, started {(string?)json["startedAt"] ?? "?"})");
        foreach (var s in json["scenarios"]?.AsArray().OfType<JsonObject>() ?? [])
        {
            var file = ((string?)s["featureUri"] ?? "").Replace('\\', '/');
            var key = (file[(file.LastIndexOf("features/", StringComparison.Ordinal) is var i and >= 0 ? i : 0)..], (string?)s["name"] ?? "");
            if (!verdicts._byScenario.TryGetValue(key, out var list)) verdicts._byScenario[key] = list = [];
            list.Add(((string?)s["status"] ?? "unknown", (string?)s["reason"]));
        }
        return verdicts;
    }

    /// <summary>e.g. <c>passed</c>, <c>expected-failure</c>, <c>skipped (needs aws: ...)</c>, <c>2 passed, 1 failed</c>, <c>not run</c>.</summary>
    public string Of(TracedScenario scenario)
    {
        if (!_byScenario.TryGetValue((scenario.File, scenario.Name), out var rows)) return "not run";
        var groups = rows.GroupBy(r => r.Status).ToList();
        if (groups.Count == 1 && rows.Count == 1)
        {
            var (status, reason) = rows[0];
            return status == "skipped" && reason is not null ? $"skipped ({reason.Replace('|', '/')})" : status;
        }
        return string.Join(", ", groups.Select(g => $"{g.Count().ToString(CultureInfo.InvariantCulture)} {g.Key}"));
    }
}
