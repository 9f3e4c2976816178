using System.Collections;
using Conformance.Environments.Twin.Faults;

namespace Conformance.Cli;

/// <summary>The CONFORMANCE_* settings of one run, validated.</summary>
public sealed record RunSettings(
    string Environment,
    string? Tags,
    string Keep,
    string Artifacts,
    string OperatorProfile,
    IReadOnlyList<string> Faults)
{
    /// <summary>Whether the profile was chosen (CONFORMANCE_OPERATOR_PROFILE set) rather than defaulted.</summary>
    public bool OperatorProfileGiven { get; init; }

    private static readonly string[] Environments = ["auto", "k3s", "existing", "twin"];
    private static readonly string[] KeepModes = ["never", "on-failure", "always"];
    private static readonly string[] Profiles = ["upstream", "contract"];

    public static RunSettings FromEnvironment(IDictionary variables)
    {
        string? Get(string name) => variables[name] as string is { Length: > 0 } value ? value : null;

        var runId = Get("CONFORMANCE_RUN_ID") ?? DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmss'Z'");
        return new RunSettings(
            Environment: OneOf("CONFORMANCE_ENV", Get("CONFORMANCE_ENV") ?? "auto", Environments),
            Tags: Get("CONFORMANCE_TAGS"),
            Keep: OneOf("CONFORMANCE_KEEP", Get("CONFORMANCE_KEEP") ?? "never", KeepModes),
            Artifacts: Path.GetFullPath(Get("CONFORMANCE_ARTIFACTS") ?? Path.Combine("artifacts", runId)),
            OperatorProfile: OneOf("CONFORMANCE_OPERATOR_PROFILE", Get("CONFORMANCE_OPERATOR_PROFILE") ?? "upstream", Profiles),
            Faults: FaultsOf(Get("CONFORMANCE_TWIN_FAULTS")))
        {
            OperatorProfileGiven = Get("CONFORMANCE_OPERATOR_PROFILE") is not null,
        };
    }

    // Every name must be in the twin's fault catalogue; a typo would otherwise give a clean run that proves nothing.
    private static IReadOnlyList<string> FaultsOf(string? commaList)
    {
        try
        {
            return TwinFaultCatalogue.Parse(commaList);
        }
        catch (UnknownTwinFaultException e)
        {
            throw new SettingsException(e.Message + " (./run-e2e.sh --list-faults describes them)");
        }
    }

    private static string OneOf(string name, string value, string[] allowed) =>
        allowed.Contains(value, StringComparer.Ordinal)
            ? value
            : throw new SettingsException($"bad value '{value}' for {name}: expected one of: {string.Join(" ", allowed)}");
}

/// <summary>A setting that cannot be used; the message says which and what would be accepted.</summary>
public sealed class SettingsException(string message) : Exception(message);
