using Conformance.Twin.Eso;
using Conformance.Twin.Injector;
using Conformance.Twin.Vault;
using Conformance.Twin.Workloads.Operator;

namespace Conformance.Environments.Twin;

/// <summary>Fault names, split by the component whose behaviour each one breaks (its name's prefix).</summary>
internal sealed record TwinFaultRouting(
    IReadOnlySet<string> Operator,
    IReadOnlyList<string> Eso,
    IReadOnlyList<string> Injector,
    IReadOnlyList<string> Vault)
{
    public static TwinFaultRouting Route(IEnumerable<string> faults)
    {
        var byComponent = faults.ToLookup(ComponentOf);
        return new TwinFaultRouting(
            byComponent["operator"].ToHashSet(),
            byComponent["eso"].ToList(),
            byComponent["injector"].ToList(),
            byComponent["vault"].ToList());
    }

    private static string ComponentOf(string fault)
    {
        if (OperatorFaults.Known.Contains(fault, StringComparer.Ordinal))
        {
            return "operator";
        }

        if (EsoFaults.Known.Contains(fault))
        {
            return "eso";
        }

        if (TwinFaults.Known.Contains(fault, StringComparer.Ordinal))
        {
            return "injector";
        }

        if (TwinVaultFaults.All.Contains(fault, StringComparer.Ordinal))
        {
            return "vault";
        }

        throw new ArgumentException(
            $"unknown twin fault '{fault}'; known faults: " +
            string.Join(", ", OperatorFaults.Known.Concat(EsoFaults.Known).Concat(TwinFaults.Known).Concat(TwinVaultFaults.All).Order()));
    }
}
