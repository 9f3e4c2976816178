using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Conformance.Cli;

/// <summary>
/// `./run-e2e.sh --bench-catalogue`: runs the catalogue on the twin (the run's --tags and --profile apply) and prints
/// its wall time, the scenario counts, the summed scenario time (how much parallelism bought) and the ten slowest
/// scenarios from runner-results.json. The issue's budget: the whole catalogue in under 3 minutes on this machine.
/// </summary>
public static class BenchCatalogueCommand
{
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(3);

    public static async Task<int> ExecuteAsync(
        RunSettings settings, IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        if (args.Count > 0)
        {
            await error.WriteLineAsync($"run-e2e.sh --bench-catalogue: unexpected argument '{args[0]}'; select scenarios with --tags");
            return CliProgram.Usage;
        }

        // The child `dotnet test` inherits this process's environment: the benchmark is a twin run by definition.
        Environment.SetEnvironmentVariable("CONFORMANCE_ENV", "twin");
        var twin = settings with { Environment = "twin" };
        var clock = Stopwatch.StartNew();
        var exit = await RunCommand.ExecuteAsync(twin, output, error, cancellationToken);
        clock.Stop();

        var resultsFile = Path.Combine(twin.Artifacts, "runner-results.json");
        if (!File.Exists(resultsFile))
        {
            await error.WriteLineAsync($"run-e2e.sh --bench-catalogue: the run wrote no {resultsFile} (exit {exit}); see the output above");
            return CliProgram.Failed;
        }

        var scenarios = JsonNode.Parse(await File.ReadAllTextAsync(resultsFile, cancellationToken))!["scenarios"]!.AsArray()
            .OfType<JsonObject>()
            .Select(s => (Name: (string?)s["displayName"] ?? (string?)s["name"] ?? "?", Status: (string?)s["status"] ?? "?",
                Ms: (double?)s["durationMs"] ?? 0))
            .ToList();
        var summed = TimeSpan.FromMilliseconds(scenarios.Sum(s => s.Ms));
        await output.WriteLineAsync();
        await output.WriteLineAsync($"==> catalogue benchmark (twin, profile {twin.OperatorProfile}, tags {twin.Tags ?? "(all)"})");
        await output.WriteLineAsync($"    wall time   {Seconds(clock.Elapsed)} (budget {Seconds(Budget)}: {(clock.Elapsed <= Budget ? "within" : "OVER")}); " +
                                    $"includes the twin's start and the test host, not the build");
        await output.WriteLineAsync($"    scenarios   {scenarios.Count}: " + string.Join(", ",
            scenarios.GroupBy(s => s.Status).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}")));
        await output.WriteLineAsync($"    summed      {Seconds(summed)} of scenario time (x{(summed / clock.Elapsed).ToString("0.0", CultureInfo.InvariantCulture)} parallelism)");
        await output.WriteLineAsync("    slowest ten:");
        foreach (var s in scenarios.OrderByDescending(s => s.Ms).Take(10))
            await output.WriteLineAsync($"      {Seconds(TimeSpan.FromMilliseconds(s.Ms)),8}  {s.Status,-16} {s.Name}");
        return exit;
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
}
