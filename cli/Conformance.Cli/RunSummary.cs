using System.Text.Json.Nodes;

namespace Conformance.Cli;

/// <summary>The closing summary of a run, read from the runner's results and the leak scan in the artifact folder.</summary>
public static class RunSummary
{
    public const string ResultsFile = "runner-results.json";
    public const string LeakScanFile = "leak-scan.txt";

    /// <summary>Writes the summary; returns false when the leak scan found a secret value in an artifact.</summary>
    public static async Task<bool> WriteAsync(string artifacts, TextWriter output)
    {
        var results = Path.Combine(artifacts, ResultsFile);
        if (!File.Exists(results))
        {
            await output.WriteLineAsync($"==> no {ResultsFile} in {artifacts}: the features did not run to the end");
            return true;
        }

        var summary = JsonNode.Parse(await File.ReadAllTextAsync(results))?["summary"];
        await output.WriteLineAsync(
            $"==> scenarios: {summary?["total"]} total, {summary?["passed"]} passed, {summary?["failed"]} failed, " +
            $"{summary?["skipped"]} skipped, {summary?["expectedFailures"]} expected failure(s) (known defects), " +
            $"{summary?["appearsFixed"]} known defect(s) appear fixed");

        var leakScan = Path.Combine(artifacts, LeakScanFile);
        if (!File.Exists(leakScan))
        {
            await output.WriteLineAsync("==> leak scan: not run (the world did not start)");
            return true;
        }

        var lines = await File.ReadAllLinesAsync(leakScan);
        await output.WriteLineAsync("==> " + lines.FirstOrDefault());
        var leaks = lines.Where(l => l.StartsWith("LEAK ", StringComparison.Ordinal)).ToList();
        foreach (var leak in leaks)
        {
            await output.WriteLineAsync("    " + leak);
        }

        return leaks.Count == 0;
    }
}
