using Conformance.Fixtures.Jobs;
using Conformance.Fixtures.Probe;

namespace Conformance.Steps.Support;

/// <summary>
/// The NotebookValidationJob a scenario is describing, as tweaks to the default job (the ESO e2e pattern,
/// DESIGN.md §5), plus the env var names the probe notebook should report on.
/// </summary>
public sealed class JobDraft
{
    private readonly List<Func<NotebookJob, NotebookJob>> _tweaks = [];
    private readonly List<string> _envNames = [];
    private readonly List<Func<ProbeSpec, ProbeSpec>> _probeTweaks = [];

    /// <summary>Env var names the probe fingerprints; the built-ins are always included so the env-drop defect shows.</summary>
    public IReadOnlyList<string> EnvNames => _envNames.Concat(BuiltInEnv).Distinct().ToList();

    /// <summary>reference/operator.md §2.2: the validator's built-in env when no user env replaces it.</summary>
    public static readonly string[] BuiltInEnv = ["HOME", "VALIDATION_LEVEL", "PYTHONUSERBASE"];

    public void Tweak(Func<NotebookJob, NotebookJob> tweak, params string[] envNames)
    {
        _tweaks.Add(tweak);
        _envNames.AddRange(envNames);
    }

    public NotebookJob Apply(NotebookJob job) => _tweaks.Aggregate(job, (j, t) => t(j));

    private Func<ProbeSpec, ProbeSpec>? _nextStartOnly;

    /// <summary>Changes what the probe notebook does (e.g. a failing last cell) for every job of the scenario.</summary>
    public void TweakProbe(Func<ProbeSpec, ProbeSpec> tweak) => _probeTweaks.Add(tweak);

    /// <summary>A probe change for the next job only (a hold: the job after it runs straight through).</summary>
    public void TweakNextProbe(Func<ProbeSpec, ProbeSpec> tweak) => _nextStartOnly = tweak;

    /// <summary>The probe for the next job; consumes a one-shot tweak.</summary>
    public ProbeSpec NextProbe(ProbeSpec probe)
    {
        probe = _probeTweaks.Aggregate(probe, (p, t) => t(p));
        if (_nextStartOnly is { } once)
        {
            probe = once(probe);
            _nextStartOnly = null;
        }
        return probe;
    }
}
