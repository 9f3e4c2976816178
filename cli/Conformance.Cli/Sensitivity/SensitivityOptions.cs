using System.Collections;
using System.Globalization;
using Conformance.Environments.Twin.Faults;

namespace Conformance.Cli.Sensitivity;

/// <summary>What a sensitivity run covers and how hard it may use the machine.</summary>
public sealed record SensitivityOptions(
    IReadOnlyList<TwinFault> Faults,
    string? Tags,
    int Parallel,
    TimeSpan RunTimeout,
    string Artifacts)
{
    public const string ParallelVariable = "CONFORMANCE_SENSITIVITY_PARALLEL";
    public const string TimeoutVariable = "CONFORMANCE_SENSITIVITY_TIMEOUT_MINUTES";

    /// <summary>
    /// From the run's settings plus CONFORMANCE_SENSITIVITY_*: faults named by --fault restrict the catalogue (all when
    /// none); the world is always the twin and the operator profile always `contract`, where every scenario must pass.
    /// </summary>
    public static SensitivityOptions From(RunSettings settings, IDictionary variables)
    {
        if (settings.Environment is not ("auto" or "twin"))
        {
            throw new SettingsException($"--sensitivity runs on the twin only (its faults are twin switches), not --env {settings.Environment}");
        }

        if (settings.OperatorProfileGiven && settings.OperatorProfile != "contract")
        {
            throw new SettingsException(
                $"--sensitivity runs under the contract profile (where every scenario must pass clean), not --profile {settings.OperatorProfile}");
        }

        var faults = settings.Faults.Count == 0
            ? TwinFaultCatalogue.All
            : settings.Faults.Select(f => TwinFaultCatalogue.Find(f)!).ToList();
        return new SensitivityOptions(
            faults,
            settings.Tags,
            PositiveInt(variables, ParallelVariable, DefaultParallel()),
            TimeSpan.FromMinutes(PositiveInt(variables, TimeoutVariable, 30)),
            settings.Artifacts);
    }

    /// <summary>One catalogue run per core, at most 4: each run is a twin plus python notebooks, mostly waiting.</summary>
    public static int DefaultParallel() => Math.Clamp(Environment.ProcessorCount, 1, 4);

    private static int PositiveInt(IDictionary variables, string name, int fallback)
    {
        if (variables[name] is not string { Length: > 0 } text)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new SettingsException($"bad value '{text}' for {name}: expected a whole number above 0");
    }
}
