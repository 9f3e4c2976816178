using System.Diagnostics;
using System.Text.Json.Nodes;

namespace Conformance.Cli.Sensitivity;

/// <summary>One scenario's outcome in one catalogue run.</summary>
public sealed record ScenarioOutcome(string Id, IReadOnlyList<string> Tags, string Status, string? Error = null)
{
    /// <summary>Failed or errored (undefined, ambiguous, pending); expected-failure too, should strictness be off.</summary>
    public bool Failed => Status is "failed" or "undefined" or "ambiguous" or "pending" or "expected-failure";
}

/// <summary>What one run of the catalogue (clean, or under one fault) produced.</summary>
public sealed record CatalogueRunResult(
    string? Fault,
    string Artifacts,
    int ExitCode,
    TimeSpan Duration,
    IReadOnlyDictionary<string, ScenarioOutcome> Scenarios,
    int LeakHits,
    string? Error)
{
    public bool Completed => Error is null;
}

/// <summary>
/// Runs the steps assembly once as a child process on a fresh twin (contract profile, raw known-defect outcomes), with
/// its own artifact folder and log, and reads its runner-results.json and leak-scan.txt.
/// </summary>
public static class CatalogueRun
{
    /// <summary>
    /// Scenarios tagged @document-defect check a promise the documents make that no operator can keep (it contradicts
    /// another component, e.g. the injector reading pod annotations only): they fail under every profile, so they are
    /// not part of a clean run that must be green. OperatorProfileTests checks that they still fail as documented.
    /// </summary>
    public const string DocumentDefectTag = "@document-defect";

    public static string WithoutDocumentDefects(string? tags) =>
        string.IsNullOrWhiteSpace(tags) ? $"not {DocumentDefectTag}" : $"({tags}) and not {DocumentDefectTag}";

    public static async Task<CatalogueRunResult> ExecuteAsync(
        string stepsAssembly, string? fault, string? tags, string artifacts, TimeSpan timeout, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        Directory.CreateDirectory(artifacts);
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(stepsAssembly)!,
        };
        start.ArgumentList.Add(stepsAssembly);
        start.Environment["CONFORMANCE_ENV"] = "twin";
        start.Environment["CONFORMANCE_OPERATOR_PROFILE"] = "contract";
        start.Environment["CONFORMANCE_STRICT_KNOWN_DEFECTS"] = "1";
        start.Environment["CONFORMANCE_TWIN_FAULTS"] = fault ?? "";
        start.Environment["CONFORMANCE_ARTIFACTS"] = artifacts;
        start.Environment["CONFORMANCE_TAGS"] = WithoutDocumentDefects(tags);
        start.Environment["CONFORMANCE_KEEP"] = "never";
        start.Environment["CONFORMANCE_RUN_ID"] = "sensitivity-" + (fault ?? "clean");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start 'dotnet' for the steps assembly");
        await using var log = new StreamWriter(Path.Combine(artifacts, "run.log"));
        var copy = Task.WhenAll(CopyAsync(process.StandardOutput, log), CopyAsync(process.StandardError, log));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        string? error = null;
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            error = cancellationToken.IsCancellationRequested
                ? "interrupted"
                : $"did not finish within {timeout.TotalMinutes:0} minutes ({SensitivityOptions.TimeoutVariable}); its log: {Path.Combine(artifacts, "run.log")}";
        }

        await copy;
        var duration = clock.Elapsed;
        var results = Path.Combine(artifacts, "runner-results.json");
        if (error is null && !File.Exists(results))
        {
            error = $"wrote no runner-results.json (exit {process.ExitCode}); its log: {Path.Combine(artifacts, "run.log")}";
        }

        var scenarios = error is null ? ReadScenarios(await File.ReadAllTextAsync(results, CancellationToken.None)) : new Dictionary<string, ScenarioOutcome>();
        error ??= WorldStartFailure(scenarios);
        return new CatalogueRunResult(fault, artifacts, process.ExitCode, duration, scenarios, CountLeaks(artifacts), error);
    }

    /// <summary>runner-results.json's scenarios by display name ("Feature: Scenario [row]", unique and stable).</summary>
    public static IReadOnlyDictionary<string, ScenarioOutcome> ReadScenarios(string runnerResultsJson)
    {
        var outcomes = new Dictionary<string, ScenarioOutcome>(StringComparer.Ordinal);
        foreach (var node in JsonNode.Parse(runnerResultsJson)?["scenarios"]?.AsArray() ?? [])
        {
            var id = (string?)node?["displayName"] ?? (string?)node?["id"];
            if (id is null)
            {
                continue;
            }

            var tags = node!["tags"]?.AsArray().Select(t => (string?)t).OfType<string>().ToList() ?? [];
            var scenarioError = node["error"] is JsonValue text ? (string?)text : node["error"]?["message"]?.ToString();
            outcomes[id] = new ScenarioOutcome(id, tags, (string?)node["status"] ?? "unknown", scenarioError);
        }

        return outcomes;
    }

    /// <summary>The steps' text when the World did not start (TestRun: "the world could not be started ...").</summary>
    public const string WorldNotStarted = "the world could not be started";

    /// <summary>
    /// A run whose World did not start failed every scenario for a reason that is not the fault's (e.g. moto_server slow
    /// to answer on a loaded machine): it is a run error, never a catch.
    /// </summary>
    public static string? WorldStartFailure(IReadOnlyDictionary<string, ScenarioOutcome> scenarios)
    {
        var failure = scenarios.Values.Select(s => s.Error).FirstOrDefault(e => e?.Contains(WorldNotStarted, StringComparison.Ordinal) == true);
        if (failure is null)
        {
            return null;
        }

        var at = failure.IndexOf(WorldNotStarted, StringComparison.Ordinal);
        var line = failure[at..].Split('\n')[0];
        return line.Length > 300 ? line[..300] + "..." : line;
    }

    private static int CountLeaks(string artifacts)
    {
        var file = Path.Combine(artifacts, "leak-scan.txt");
        return File.Exists(file) ? File.ReadLines(file).Count(l => l.StartsWith("LEAK ", StringComparison.Ordinal)) : 0;
    }

    private static async Task CopyAsync(StreamReader source, StreamWriter log)
    {
        while (await source.ReadLineAsync() is { } line)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }
}
