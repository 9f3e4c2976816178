using System.Collections;
using System.Diagnostics;
using Conformance.Environments.Twin.Faults;

namespace Conformance.Cli.Sensitivity;

/// <summary>
/// `./run-e2e.sh --sensitivity` (issue 8): the catalogue once clean, then once per fault, several at a time, each run a
/// fresh twin in its own child process and artifact folder; then sensitivity.md and sensitivity.json. Exit 0 only
/// when every fault is caught and every @lifecycle/@security/@negative scenario catches one.
/// </summary>
public static class SensitivityCommand
{
    public static async Task<int> ExecuteAsync(
        RunSettings settings, IDictionary variables, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        SensitivityOptions options;
        try
        {
            options = SensitivityOptions.From(settings, variables);
        }
        catch (SettingsException e)
        {
            await error.WriteLineAsync($"run-e2e.sh: {e.Message}");
            return CliProgram.Usage;
        }

        var steps = StepsAssembly.Locate(RepositoryRoot.Find());
        Directory.CreateDirectory(options.Artifacts);
        var wall = Stopwatch.StartNew();
        await output.WriteLineAsync(
            $"==> sensitivity: {options.Faults.Count} fault(s), tags {options.Tags ?? "(all)"}, {options.Parallel} run(s) at a time " +
            $"(${SensitivityOptions.ParallelVariable}), twin, operator profile contract");

        await output.WriteLineAsync("==> clean run");
        var clean = await RunAsync(steps, null, options, Path.Combine(options.Artifacts, "clean"), output, cancellationToken);
        if (!clean.Completed)
        {
            await error.WriteLineAsync($"==> sensitivity stopped: the clean run {clean.Error}");
            return CliProgram.Failed;
        }

        var cleanFailures = SensitivityMatrix.CleanFailures(clean);
        if (cleanFailures.Count > 0 || clean.LeakHits > 0)
        {
            await error.WriteLineAsync(
                $"==> sensitivity stopped: the clean run is not green under the contract profile, so no fault result would mean anything " +
                $"({cleanFailures.Count} scenario(s) not passed, {clean.LeakHits} leak-scan hit(s)); fix these first:");
            foreach (var s in cleanFailures)
            {
                await error.WriteLineAsync($"    {s.Status}: {s.Id}");
            }

            await error.WriteLineAsync($"    results: {clean.Artifacts}");
            return CliProgram.Failed;
        }

        await output.WriteLineAsync($"==> clean run green: {clean.Scenarios.Count} scenarios in {clean.Duration.TotalSeconds:0}s");

        using var slots = new SemaphoreSlim(options.Parallel);
        var done = 0;
        var runs = await Task.WhenAll(options.Faults.Select(async fault =>
        {
            await slots.WaitAsync(cancellationToken);
            try
            {
                var run = await RunAsync(steps, fault.Name, options, Path.Combine(options.Artifacts, "faults", fault.Name), output, cancellationToken);
                var caught = clean.Scenarios.Values.Count(s => s.Status == "passed" && run.Scenarios.TryGetValue(s.Id, out var u) && u.Failed);
                var verdict = run.Completed ? caught > 0 ? $"caught by {caught} scenario(s)" : "NOT CAUGHT" : "RUN ERROR: " + run.Error;
                await output.WriteLineAsync($"    [{Interlocked.Increment(ref done)}/{options.Faults.Count}] {fault.Name}: {verdict} ({run.Duration.TotalSeconds:0}s)");
                return (fault, run);
            }
            finally
            {
                slots.Release();
            }
        }));

        var matrix = SensitivityMatrix.Build(clean, runs);
        await SensitivityReport.WriteAsync(options.Artifacts, matrix, clean, wall.Elapsed, options.Parallel, options.Tags);
        await output.WriteLineAsync(
            $"==> sensitivity in {wall.Elapsed.TotalMinutes:0.0} min: {matrix.Faults.Count(f => f.Caught)}/{matrix.Faults.Count} faults caught, " +
            $"{matrix.Uncaught.Count} uncaught, {matrix.Errored.Count} run error(s), " +
            $"{matrix.TaggedCatchingNothing.Count} @lifecycle/@security/@negative scenario(s) catching nothing, {matrix.CannotFail.Count} other scenario(s) that cannot fail");
        foreach (var f in matrix.Uncaught)
        {
            await output.WriteLineAsync($"    not caught: {f.Fault.Name} (meant for {f.Fault.Target})");
        }

        foreach (var s in matrix.TaggedCatchingNothing)
        {
            await output.WriteLineAsync($"    catches nothing: {s.Id}");
        }

        await output.WriteLineAsync($"==> {(matrix.BarMet ? "bar met" : "bar NOT met")}; reports: {Path.Combine(options.Artifacts, SensitivityReport.MarkdownFile)}, {SensitivityReport.JsonFile}");
        return matrix.BarMet ? CliProgram.Passed : CliProgram.Failed;
    }

    // A World that did not start says nothing about the fault; one more try, then it is reported as a run error.
    private static async Task<CatalogueRunResult> RunAsync(
        string steps, string? fault, SensitivityOptions options, string artifacts, TextWriter output, CancellationToken cancellationToken)
    {
        var run = await CatalogueRun.ExecuteAsync(steps, fault, options.Tags, artifacts, options.RunTimeout, cancellationToken);
        if (run.Error?.StartsWith(CatalogueRun.WorldNotStarted, StringComparison.Ordinal) != true || cancellationToken.IsCancellationRequested)
        {
            return run;
        }

        await output.WriteLineAsync($"    {fault ?? "clean run"}: {run.Error}; trying once more");
        var failed = artifacts + ".world-not-started";
        if (Directory.Exists(failed))
        {
            Directory.Delete(failed, recursive: true);
        }

        Directory.Move(artifacts, failed);
        return await CatalogueRun.ExecuteAsync(steps, fault, options.Tags, artifacts, options.RunTimeout, cancellationToken);
    }
}

/// <summary>The built steps assembly (what `dotnet test` over steps/ runs), run directly as a test application.</summary>
public static class StepsAssembly
{
    public static string Locate(string repositoryRoot)
    {
        var bin = Path.Combine(repositoryRoot, "steps", "Conformance.Steps", "bin");
        var found = Directory.Exists(bin)
            ? Directory.EnumerateFiles(bin, "Conformance.Steps.dll", SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            : null;
        return found ?? throw new FileNotFoundException(
            $"no built steps assembly under {bin}; build it first: dotnet build steps/Conformance.Steps (run-e2e.sh does)");
    }
}

/// <summary>`./run-e2e.sh --list-faults`: the catalogue as Markdown (the source of docs/faults.md).</summary>
public static class FaultsCommand
{
    public static async Task<int> ExecuteAsync(TextWriter output)
    {
        await output.WriteAsync(TwinFaultCatalogue.Markdown());
        return CliProgram.Passed;
    }
}
