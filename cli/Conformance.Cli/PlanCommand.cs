using Conformance.Environments;
using Conformance.Environments.Options;

namespace Conformance.Cli;

/// <summary>Prints what the selected environment would start and apply, without starting anything.</summary>
public static class PlanCommand
{
    public static Task<int> ExecuteAsync(
        RunSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        try
        {
            var options = LiveOptions.FromEnvironment(Environment.GetEnvironmentVariables()).GetOrThrow();
            var environment = new WorldFactory(log: line => error.WriteLine(line)).CreateForPlan(settings.Environment, options);
            output.Write(environment.Plan());
            return Task.FromResult(CliProgram.Passed);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            error.WriteLine($"run-e2e.sh --plan: {e.Message}");
            return Task.FromResult(CliProgram.Usage);
        }
    }
}
