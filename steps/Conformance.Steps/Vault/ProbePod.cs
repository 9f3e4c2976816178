using Conformance.Fixtures.Probe;
using k8s.Models;

namespace Conformance.Steps.Vault;

/// <summary>
/// The pod a Tier 3 scenario creates itself (see <see cref="InjectedProbePod"/>): what the Given steps put on it, and
/// what the When steps saw of it. One per scenario, injected into the binding classes that need it.
/// </summary>
public sealed class ProbePod
{
    public string Name { get; } = "probe-" + Fixtures.Kube.Kube.RandomSuffix(6);

    public string ServiceAccount { get; set; } = "default";

    public Dictionary<string, string> Annotations { get; } = new(StringComparer.Ordinal);

    /// <summary>What the probe notebook looks at; the Given steps add to it.</summary>
    public List<Func<ProbeSpec, ProbeSpec>> ProbeTweaks { get; } = [];

    /// <summary>The pod as the API server stored it (after the injector's mutation), once created.</summary>
    public V1Pod? Created { get; set; }

    /// <summary>The probe's reports from the validator log (two for a watching probe), once the validator ended.</summary>
    public IReadOnlyList<ProbeResult> Reports { get; set; } = [];

    /// <summary>The last report; a Then step that needs one when the probe printed none says so with the log's tail.</summary>
    public ProbeResult Report(int round = 0)
    {
        if (Reports.Count == 0)
        {
            throw new Support.StepFailedException(
                $"the probe in pod {Name} printed no report{(ValidatorLogTail is null ? "" : ":\n" + ValidatorLogTail)}");
        }

        return round == 0 ? Reports[^1]
            : Reports.FirstOrDefault(r => r.Round == round)
              ?? throw new Support.StepFailedException($"the probe in pod {Name} printed no report for round {round} (it printed {Reports.Count})");
    }

    /// <summary>The redacted end of the validator log, for failure messages.</summary>
    public string? ValidatorLogTail { get; set; }

    public ProbeSpec Spec(string scenario) => ProbeTweaks.Aggregate(ProbeSpec.For(scenario), (s, t) => t(s));
}
