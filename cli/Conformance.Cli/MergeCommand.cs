using Conformance.Fixtures.Reporting;

namespace Conformance.Cli;

/// <summary>
/// `run-e2e.sh --merge DIR...`: one matrix report from several legs' results.json (a row per leg, a column per tier),
/// written as matrix.md, matrix.html and matrix.json into the artifact folder (--artifacts) and printed. Exit 1 when
/// a leg is NOT QUALIFIED.
/// </summary>
public static class MergeCommand
{
    public static async Task<int> ExecuteAsync(IReadOnlyList<string> directories, string outputDirectory, TextWriter output, TextWriter error)
    {
        if (directories.Count == 0)
        {
            await error.WriteLineAsync("run-e2e.sh --merge: expected one or more folders holding the legs' results.json");
            return CliProgram.Usage;
        }

        try
        {
            var matrix = MatrixReport.Load(directories);
            var written = matrix.Write(outputDirectory);
            await output.WriteAsync(matrix.RenderMarkdown());
            await output.WriteLineAsync();
            await output.WriteLineAsync($"==> matrix: {string.Join(", ", written)}");
            return matrix.AllQualified ? CliProgram.Passed : CliProgram.Failed;
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            await error.WriteLineAsync($"run-e2e.sh --merge: {e.Message}");
            return CliProgram.Usage;
        }
    }
}
