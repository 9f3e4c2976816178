using System.Collections;

namespace Conformance.Cli;

/// <summary>Dispatches the sub-commands of run-e2e.sh. Exit codes follow run-e2e.sh --help.</summary>
public static class CliProgram
{
    public const int Passed = 0, Failed = 1, Usage = 2, EnvironmentDown = 3;

    public static async Task<int> MainAsync(string[] args, IDictionary environment, TextWriter output, TextWriter error)
    {
        RunSettings settings;
        try
        {
            settings = RunSettings.FromEnvironment(environment);
        }
        catch (SettingsException e)
        {
            await error.WriteLineAsync($"run-e2e.sh: {e.Message}");
            return Usage;
        }

        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // First Ctrl-C asks every command to stop and clean up; a second one ends the process.
            e.Cancel = !cancel.IsCancellationRequested;
            cancel.Cancel();
        };

        return args.FirstOrDefault() switch
        {
            "run" => await RunCommand.ExecuteAsync(settings, output, error, cancel.Token),
            "plan" => await PlanCommand.ExecuteAsync(settings, output, error, cancel.Token),
            "serve-twin" => await ServeTwinCommand.ExecuteAsync(settings, output, error, cancel.Token),
            "compare" => await CompareCommand.ExecuteAsync(args[1..], output, error),
            "merge" => await MergeCommand.ExecuteAsync(args[1..], settings.Artifacts, output, error),
            "sensitivity" => await Sensitivity.SensitivityCommand.ExecuteAsync(settings, environment, output, error, cancel.Token),
            "faults" => await Sensitivity.FaultsCommand.ExecuteAsync(output),
            "trace" => await TraceCommand.ExecuteAsync(args[1..], output, error),
            "bench-catalogue" => await BenchCatalogueCommand.ExecuteAsync(settings, args[1..], output, error, cancel.Token),
            var other => await UnknownAsync(other, error),
        };
    }

    private static async Task<int> UnknownAsync(string? command, TextWriter error)
    {
        await error.WriteLineAsync($"Conformance.Cli: unknown command '{command}'; expected run, plan, serve-twin, compare, merge, sensitivity, faults, trace or bench-catalogue");
        return Usage;
    }
}
