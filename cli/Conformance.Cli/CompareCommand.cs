using Conformance.Fixtures.Reporting;

namespace Conformance.Cli;

/// <summary>
/// `run-e2e.sh --compare OLD.json [NEW.json]`: what changed between two runs' results.json (new failures, fixed,
/// slower by more than 50%). NEW defaults to the newest artifacts/*/results.json. Exit 1 when something fails now
/// that did not before, so a CI step can gate on it.
/// </summary>
public static class CompareCommand
{
    public static async Task<int> ExecuteAsync(IReadOnlyList<string> files, TextWriter output, TextWriter error)
    {
        if (files.Count is < 1 or > 2)
        {
            await error.WriteLineAsync("run-e2e.sh --compare: expected OLD.json [NEW.json]");
            return CliProgram.Usage;
        }

        var newer = files.Count == 2 ? files[1] : Newest();
        if (newer is null)
        {
            await error.WriteLineAsync("run-e2e.sh --compare: no NEW.json given and no artifacts/*/results.json to default to");
            return CliProgram.Usage;
        }

        try
        {
            var comparison = RunComparison.Of(ResultsDocument.Load(files[0]), ResultsDocument.Load(newer));
            await output.WriteAsync(comparison.Render());
            return comparison.HasNewFailures ? CliProgram.Failed : CliProgram.Passed;
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            await error.WriteLineAsync($"run-e2e.sh --compare: {e.Message}");
            return CliProgram.Usage;
        }
    }

    private static string? Newest()
    {
        var artifacts = Path.Combine(RepositoryRoot.Find(), "artifacts");
        return Directory.Exists(artifacts)
            ? Directory.EnumerateFiles(artifacts, ResultsDocument.FileName, SearchOption.AllDirectories)
                .OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault()
            : null;
    }
}
