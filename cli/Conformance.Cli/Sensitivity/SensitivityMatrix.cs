using Conformance.Environments.Twin.Faults;

namespace Conformance.Cli.Sensitivity;

/// <summary>A fault and the scenarios that caught it (passed clean, failed or errored under it).</summary>
public sealed record FaultRow(TwinFault Fault, IReadOnlyList<string> CaughtBy, CatalogueRunResult Run)
{
    public bool Caught => CaughtBy.Count > 0;
}

/// <summary>A scenario that passed clean and the faults it caught.</summary>
public sealed record ScenarioRow(string Id, IReadOnlyList<string> Tags, IReadOnlyList<string> Catches)
{
    /// <summary>Scenarios with these tags must catch at least one fault (issue 8, "Bar").</summary>
    public static readonly IReadOnlyList<string> MustCatchTags = ["@lifecycle", "@security", "@negative"];

    public bool MustCatch => Tags.Any(t => MustCatchTags.Contains(t, StringComparer.Ordinal));

    /// <summary>Smoke checks (the runner's own, @smoke) prove the harness runs, not the stack: no fault is theirs to catch.</summary>
    public bool IsSmoke => Tags.Contains("@smoke", StringComparer.Ordinal);
}

/// <summary>Faults x scenarios from a clean run and one run per fault, and whether the bar is met.</summary>
public sealed class SensitivityMatrix
{
    private SensitivityMatrix(IReadOnlyList<FaultRow> faults, IReadOnlyList<ScenarioRow> scenarios, IReadOnlyList<ScenarioOutcome> notRunClean)
    {
        Faults = faults;
        Scenarios = scenarios;
        NotRunClean = notRunClean;
    }

    public IReadOnlyList<FaultRow> Faults { get; }

    /// <summary>Scenarios that passed in the clean run, in its order.</summary>
    public IReadOnlyList<ScenarioRow> Scenarios { get; }

    /// <summary>Scenarios the clean run skipped (the world lacked a capability): they could catch nothing here.</summary>
    public IReadOnlyList<ScenarioOutcome> NotRunClean { get; }

    public IReadOnlyList<FaultRow> Uncaught => Faults.Where(f => f.Run.Completed && !f.Caught).ToList();

    public IReadOnlyList<FaultRow> Errored => Faults.Where(f => !f.Run.Completed).ToList();

    /// <summary>@lifecycle/@security/@negative scenarios that caught nothing: they break the bar.</summary>
    public IReadOnlyList<ScenarioRow> TaggedCatchingNothing => Scenarios.Where(s => s.MustCatch && s.Catches.Count == 0).ToList();

    /// <summary>Other non-smoke scenarios that caught nothing: they cannot fail here; fix or justify them.</summary>
    public IReadOnlyList<ScenarioRow> CannotFail => Scenarios.Where(s => !s.MustCatch && !s.IsSmoke && s.Catches.Count == 0).ToList();

    public bool BarMet => Uncaught.Count == 0 && Errored.Count == 0 && TaggedCatchingNothing.Count == 0;

    /// <summary>The clean run's failures: any of them means the matrix would mean nothing.</summary>
    public static IReadOnlyList<ScenarioOutcome> CleanFailures(CatalogueRunResult clean) =>
        clean.Scenarios.Values.Where(s => s.Status is not ("passed" or "skipped")).ToList();

    public static SensitivityMatrix Build(CatalogueRunResult clean, IReadOnlyList<(TwinFault Fault, CatalogueRunResult Run)> faultRuns)
    {
        var passedClean = clean.Scenarios.Values.Where(s => s.Status == "passed").ToList();
        var faults = faultRuns
            .Select(fr => new FaultRow(
                fr.Fault,
                passedClean.Where(s => fr.Run.Scenarios.TryGetValue(s.Id, out var under) && under.Failed).Select(s => s.Id).ToList(),
                fr.Run))
            .ToList();
        var scenarios = passedClean
            .Select(s => new ScenarioRow(s.Id, s.Tags, faults.Where(f => f.CaughtBy.Contains(s.Id, StringComparer.Ordinal)).Select(f => f.Fault.Name).ToList()))
            .ToList();
        return new SensitivityMatrix(faults, scenarios, clean.Scenarios.Values.Where(s => s.Status == "skipped").ToList());
    }
}
