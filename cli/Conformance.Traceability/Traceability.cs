namespace Conformance.Traceability;

/// <summary>Claims joined with the scenarios that cite them and the last verdicts.</summary>
public sealed class Traceability
{
    private readonly Dictionary<string, List<TracedScenario>> _byClaim;

    public Traceability(ClaimsRegister register, IReadOnlyList<TracedScenario> scenarios,
        IReadOnlyDictionary<TracedScenario, IReadOnlyList<Claim>> claimsOf, Verdicts verdicts)
    {
        Register = register;
        Scenarios = scenarios;
        Verdicts = verdicts;
        _byClaim = register.Claims.ToDictionary(c => c.Id, _ => new List<TracedScenario>());
        foreach (var s in scenarios)
            foreach (var claim in claimsOf[s].DistinctBy(c => c.Id))
                _byClaim[claim.Id].Add(s);
        Unreferenced = scenarios.Where(s => claimsOf[s].Count == 0).ToList();
    }

    public ClaimsRegister Register { get; }
    public IReadOnlyList<TracedScenario> Scenarios { get; }
    public Verdicts Verdicts { get; }

    /// <summary>Scenarios that cite no claim (smoke checks, reference-note behaviour).</summary>
    public IReadOnlyList<TracedScenario> Unreferenced { get; }

    public IReadOnlyList<TracedScenario> ScenariosOf(Claim claim) => _byClaim[claim.Id];

    /// <summary>Claims with no scenario and no reason: what the catalogue still owes.</summary>
    public IReadOnlyList<Claim> Gaps => Register.Claims.Where(c => _byClaim[c.Id].Count == 0 && c.Uncovered is null).ToList();
}
