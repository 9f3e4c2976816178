namespace Conformance.Environments.Twin.Faults;

/// <summary>
/// One named fault of the twin: it breaks exactly one behaviour of one component, so that a scenario which is meant to
/// notice that behaviour can be shown to fail.
/// </summary>
/// <param name="Name">The switch (`CONFORMANCE_TWIN_FAULTS`, `--fault`); its prefix names the component.</param>
/// <param name="Component">The twin component that misbehaves: operator, kubelet, eso, injector, agent, vault, aws.</param>
/// <param name="Models">The broken behaviour, in one sentence.</param>
/// <param name="Citation">The real-world failure it models (an upstream issue or a reference note), or why there is none.</param>
/// <param name="Target">The kind of scenario meant to catch it (the sensitivity run says which ones do).</param>
public sealed record TwinFault(string Name, string Component, string Models, string Citation, string Target);

/// <summary>A fault name no component knows; the message lists the known ones.</summary>
public sealed class UnknownTwinFaultException(IReadOnlyList<string> unknown)
    : ArgumentException(
        $"unknown twin fault{(unknown.Count == 1 ? "" : "s")} {string.Join(", ", unknown.Select(u => $"'{u}'"))} " +
        $"(CONFORMANCE_TWIN_FAULTS / --fault); known faults: {string.Join(", ", TwinFaultCatalogue.Names)}")
{
    public IReadOnlyList<string> Unknown { get; } = unknown;
}
