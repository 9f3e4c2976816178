namespace Conformance.Cli;

/// <summary>Starts the twin alone and keeps it running until interrupted: a playground for writing scenarios.</summary>
public static class ServeTwinCommand
{
    public static async Task<int> ExecuteAsync(
        RunSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        await error.WriteLineAsync("run-e2e.sh --serve-twin: the twin is not built yet.");
        return CliProgram.EnvironmentDown;
    }
}
