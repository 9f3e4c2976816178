namespace Conformance.Twin.Injector;

/// <summary>
/// Named switches that break one injector or agent behaviour each (DESIGN.md §2 "Faults"), used to prove that
/// scenarios can fail. Unknown names are rejected at construction so a typo cannot silently disable a fault.
/// </summary>
public sealed class TwinFaults
{
    public const string InjectorIgnoresPodAnnotations = "injector-ignores-pod-annotations";
    public const string InjectorInjectsWithoutRole = "injector-injects-without-role";
    public const string AgentNeverRenews = "agent-never-renews";
    public const string AgentNeverRefetchesAtMaxTtl = "agent-never-refetches-at-max-ttl";
    public const string AgentSkipsRevokeOnShutdown = "agent-skips-revoke-on-shutdown";
    public const string AgentRendersStaleTemplate = "agent-renders-stale-template";

    public static readonly IReadOnlyList<string> Known =
    [
        InjectorIgnoresPodAnnotations, InjectorInjectsWithoutRole, AgentNeverRenews,
        AgentNeverRefetchesAtMaxTtl, AgentSkipsRevokeOnShutdown, AgentRendersStaleTemplate,
    ];

    public static readonly TwinFaults None = new([]);

    private readonly HashSet<string> _active;

    public TwinFaults(IEnumerable<string>? names)
    {
        _active = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names ?? [])
        {
            if (!Known.Contains(name, StringComparer.Ordinal))
                throw new ArgumentException(
                    $"Unknown injector/agent fault '{name}'. Known faults: {string.Join(", ", Known)}.", nameof(names));
            _active.Add(name);
        }
    }

    public bool Has(string name) => _active.Contains(name);

    public IReadOnlyCollection<string> Active => _active;

    public override string ToString() => _active.Count == 0 ? "(none)" : string.Join(",", _active.Order(StringComparer.Ordinal));
}
