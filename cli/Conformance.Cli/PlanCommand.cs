namespace Conformance.Cli;

/// <summary>Prints what the selected environment would start and apply, without starting anything.</summary>
public static class PlanCommand
{
    public static async Task<int> ExecuteAsync(
        RunSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        await error.WriteLineAsync(
            $"run-e2e.sh --plan: the '{settings.Environment}' environment is not built yet, so there is no plan to print.");
        return CliProgram.EnvironmentDown;
    }
}
