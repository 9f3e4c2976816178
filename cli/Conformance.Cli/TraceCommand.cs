using Conformance.Environments;
using Conformance.Traceability;

namespace Conformance.Cli;

/// <summary>
/// `./run-e2e.sh --trace [--results FILE | --no-results] [--check] [--strict]`: regenerates docs/traceability.md from
/// docs/claims.yaml, the features' spec references and the last verdicts (the newest artifacts/*/runner-results.json
/// unless told otherwise). A reference that matches no claim fails with its file:line. `--check` writes nothing and
/// fails when the committed file is out of date with the features; `--strict` also fails on claims with no scenario
/// and no reason.
/// </summary>
public static class TraceCommand
{
    public static async Task<int> ExecuteAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        string? results = null;
        bool noResults = false, check = false, strict = false;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--results" when i + 1 < args.Count: results = args[++i]; break;
                case "--no-results": noResults = true; break;
                case "--check": check = true; break;
                case "--strict": strict = true; break;
                default:
                    await error.WriteLineAsync($"run-e2e.sh --trace: unknown argument '{args[i]}'; expected --results FILE, --no-results, --check, --strict");
                    return CliProgram.Usage;
            }
        }

        var root = RepositoryRoot.Find();
        var verdicts = noResults ? Verdicts.None("none (--no-results)")
            : results is not null ? Verdicts.Read(Path.GetFullPath(results), Relative(root, Path.GetFullPath(results)))
            : NewestResults(root) is { } newest ? Verdicts.Read(newest, Relative(root, newest))
            : Verdicts.None("none (no artifacts/*/runner-results.json yet; run ./run-e2e.sh first, or pass --results FILE)");

        Conformance.Traceability.Traceability trace;
        try
        {
            trace = TraceabilityGenerator.Build(root, Path.Combine(SharedFolder.Locate(), "specs"), verdicts);
        }
        catch (TraceabilityException e)
        {
            foreach (var e1 in e.Errors) await error.WriteLineAsync(e1.ToString());
            await error.WriteLineAsync($"run-e2e.sh --trace: {e.Errors.Count} error(s); docs/traceability-howto.md says how references are written");
            return CliProgram.Failed;
        }

        var report = TraceabilityReport.Render(trace);
        var path = Path.Combine(root, TraceabilityGenerator.ReportPath);
        if (check)
        {
            var committed = File.Exists(path) ? await File.ReadAllTextAsync(path) : "";
            if (TraceabilityReport.WithoutVerdicts(committed) != TraceabilityReport.WithoutVerdicts(report))
            {
                await error.WriteLineAsync($"{TraceabilityGenerator.ReportPath} is out of date with the features or claims.yaml; run ./run-e2e.sh --trace and commit it");
                return CliProgram.Failed;
            }
            await output.WriteLineAsync($"{TraceabilityGenerator.ReportPath} is up to date");
        }
        else
        {
            await File.WriteAllTextAsync(path, report);
            await output.WriteLineAsync($"wrote {TraceabilityGenerator.ReportPath}: {trace.Register.Claims.Count} claims, {trace.Scenarios.Count} scenarios; verdicts: {verdicts.Source}");
        }

        var gaps = trace.Gaps;
        if (gaps.Count > 0)
        {
            await output.WriteLineAsync($"{gaps.Count} claim(s) with no scenario and no reason: {string.Join(", ", gaps.Select(g => g.Id))}");
            if (strict) return CliProgram.Failed;
        }
        return CliProgram.Passed;
    }

    // Paths inside the repository are shown relative to it: the report is committed.
    private static string Relative(string root, string path)
    {
        var relative = Path.GetRelativePath(root, path);
        return relative.StartsWith("..", StringComparison.Ordinal) ? path : relative.Replace('\\', '/');
    }

    private static string? NewestResults(string root)
    {
        var artifacts = Path.Combine(root, "artifacts");
        return Directory.Exists(artifacts)
            ? Directory.EnumerateFiles(artifacts, "runner-results.json", SearchOption.AllDirectories).MaxBy(File.GetLastWriteTimeUtc)
            : null;
    }
}
