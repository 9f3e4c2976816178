namespace Conformance.Environments.Twin.Faults;

/// <summary>Fault names, validated against the catalogue and split by the component whose behaviour each one breaks.</summary>
internal sealed record TwinFaultRouting(
    IReadOnlySet<string> Operator,
    IReadOnlySet<string> Kubelet,
    IReadOnlyList<string> Eso,
    IReadOnlyList<string> Injector,
    IReadOnlyList<string> Vault,
    IReadOnlySet<string> Aws,
    IReadOnlySet<string> Kube)
{
    public static TwinFaultRouting Route(IEnumerable<string> faults)
    {
        var byComponent = TwinFaultCatalogue.Validate(faults).ToLookup(n => TwinFaultCatalogue.Find(n)!.Component);
        return new TwinFaultRouting(
            byComponent["operator"].ToHashSet(StringComparer.Ordinal),
            byComponent["kubelet"].ToHashSet(StringComparer.Ordinal),
            byComponent["eso"].ToList(),
            // The injector and the agent are one project (Conformance.Twin.Injector) with one fault set.
            byComponent["injector"].Concat(byComponent["agent"]).ToList(),
            byComponent["vault"].ToList(),
            byComponent["aws"].ToHashSet(StringComparer.Ordinal),
            // The API server, its RBAC authorizer and its garbage collector are one project (Conformance.Twin.Kube).
            byComponent["apiserver"].Concat(byComponent["rbac"]).Concat(byComponent["gc"]).ToHashSet(StringComparer.Ordinal));
    }
}
