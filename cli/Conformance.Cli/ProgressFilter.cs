namespace Conformance.Cli;

/// <summary>
/// Turns Microsoft.Testing.Platform's detailed output into progress a person reads: one line per scenario as it
/// finishes, the full detail (step trace, error) only for failures, and the closing summary.
/// </summary>
public static class ProgressFilter
{
    public static async Task CopyAsync(TextReader source, TextWriter output)
    {
        var showingDetail = false;
        while (await source.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("passed ", StringComparison.Ordinal) || line.StartsWith("skipped ", StringComparison.Ordinal))
            {
                showingDetail = false;
                await output.WriteLineAsync(line);
            }
            else if (line.StartsWith("failed ", StringComparison.Ordinal))
            {
                showingDetail = true;
                await output.WriteLineAsync(line);
            }
            else if (line.StartsWith("  ", StringComparison.Ordinal))
            {
                if (showingDetail && !line.TrimStart().StartsWith("from ", StringComparison.Ordinal))
                {
                    await output.WriteLineAsync(line);
                }
            }
            else
            {
                showingDetail = false;
                if (line.Length > 0)
                {
                    await output.WriteLineAsync(line);
                }
            }
        }
    }
}
