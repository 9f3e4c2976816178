using System.Text.Json.Nodes;
using Conformance.Fixtures.Vault;
using Conformance.Runner;
using Conformance.Steps.Support;

namespace Conformance.Steps.Vault;

/// <summary>
/// ADR-017's AWS role exactly as the document writes it (<c>default_ttl=1h max_ttl=24h</c>), on the scenario's AWS mount.
/// Vault's AWS role knows only default_sts_ttl/max_sts_ttl (openapi.json AwsWriteRoleRequest); unknown fields are
/// ignored, and as path_roles.go answers the write with no body, Vault 1.15 drops even its "ignored" warning. So the
/// promise is checked where it lives: the role as Vault reads it back.
/// </summary>
[Binding]
public sealed class AwsRoleAsWrittenSteps(VaultScenario vault, AwsScenario aws)
{
    private const string IgnoredWarning = "Endpoint ignored these unrecognized parameters";
    private VaultResponse? _write;

    [When("the Vault AWS role {string} is written as ADR-017 writes it: credential_type=assumed_role, role_arns of IAM role {string}, default_ttl=1h, max_ttl=24h")]
    public async Task WhenWrittenAsTheDocumentWritesIt(string role, string iamRole) =>
        _write = await vault.Vault.WriteAsync($"{aws.Mount}/roles/{role}", new JsonObject
        {
            ["credential_type"] = "assumed_role",
            ["role_arns"] = new JsonArray(aws.IamRoleArn(iamRole)),
            ["default_ttl"] = "1h",
            ["max_ttl"] = "24h",
        }, vault.World.Cancellation);

    [Then("Vault kept ADR-017's 1 hour default and 24 hour cap for the STS credentials of AWS role {string}")]
    public async Task ThenVaultKeptTheTtls(string role)
    {
        var written = _write ?? throw new StepFailedException("no step wrote the role as ADR-017 writes it");
        var read = await vault.Vault.ReadAsync($"{aws.Mount}/roles/{role}", vault.World.Cancellation);
        var failure = Verdict(written.Warnings, read.Data);
        if (failure is not null) throw new StepFailedException(failure);
    }

    /// <summary>Null when Vault kept the document's promise; otherwise what it did instead, with its own words.</summary>
    public static string? Verdict(IReadOnlyList<string> writeWarnings, JsonObject? role)
    {
        var ignored = writeWarnings.Where(w => w.StartsWith(IgnoredWarning, StringComparison.Ordinal)
            && (w.Contains("default_ttl", StringComparison.Ordinal) || w.Contains("max_ttl", StringComparison.Ordinal))).ToList();
        var defaultSts = (long?)role?["default_sts_ttl"] ?? 0;
        var maxSts = (long?)role?["max_sts_ttl"] ?? 0;
        if (ignored.Count == 0 && defaultSts == 3600 && maxSts == 86400) return null;
        var said = ignored.Count > 0 ? $"Vault warned: \"{string.Join("\"; \"", ignored)}\"" : "Vault accepted the write with no warning (204)";
        return $"ADR-017 §Pattern: Dynamic AWS Credentials promises STS credentials of 1h, capped at 24h; {said}, and the role reads back "
            + $"default_sts_ttl={defaultSts}s max_sts_ttl={maxSts}s (0 = the engine's 1h default, capped only by the mount's max lease TTL). "
            + "An AWS role has no default_ttl/max_ttl fields (openapi.json AwsWriteRoleRequest): the document must write default_sts_ttl=1h max_sts_ttl=24h.";
    }
}
