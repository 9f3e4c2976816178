using Conformance.Fixtures.Vault;
using Conformance.Fixtures.Waits;
using Conformance.Runner;
using Conformance.Steps.Support;
using Conformance.Steps.Vault;

namespace Conformance.Steps.ExternalSecrets;

/// <summary>
/// ADR-014 §Tier 2: "Audit trail from external store": Vault's audit log shows ESO reading the scenario's KV v2 path
/// under the identity its SecretStore logs in with (reference/vault.md §3.7: request.path, request.operation and
/// auth.display_name are in clear). Needs a world whose audit log the harness can read (<c>@needs:vault-audit</c>).
/// </summary>
[Binding]
public sealed class EsoVaultAuditSteps(EsoScenario eso, ScenarioWorld world)
{
    // auth/kubernetes names the token kubernetes-<namespace>-<serviceaccount> (vault.md §3.3).
    [Then("within {int} seconds the Vault audit log shows ServiceAccount {string} reading remote {string}")]
    public Task ThenReadByServiceAccount(int seconds, string serviceAccount, string remote) =>
        ThenReadAsAsync(seconds, $"{VaultClient.DefaultKubernetesAuthMount}-{world.Namespace}-{serviceAccount}", remote);

    // auth/token/create prefixes the display name with "token-"; the store's token is created as eso-<namespace>.
    [Then("within {int} seconds the Vault audit log shows ESO's token reading remote {string}")]
    public Task ThenReadByToken(int seconds, string remote) => ThenReadAsAsync(seconds, $"token-eso-{world.Namespace}", remote);

    private async Task ThenReadAsAsync(int seconds, string displayName, string remote)
    {
        var endpoint = world.World.Vault ?? throw new StepFailedException("this world has no Vault");
        var log = endpoint.AuditLogPath ?? throw new StepFailedException("this world's Vault audit log is not readable by the harness (tag the scenario @needs:vault-audit)");
        // ESO's KV v2 provider reads <mount>/data/<key> (reference/eso.md §3).
        var path = $"{VaultClient.DefaultKvMount}/data/{eso.RemoteKey(remote)}";
        using var deadline = Deadline.After(TimeSpan.FromSeconds(seconds), $"an audit entry: {displayName} reading {path}", cancellationToken: world.Cancellation);
        try
        {
            while (true)
            {
                var reads = VaultAuditSteps.ReadRequests(log)
                    .Where(r => (string?)r["request"]?["path"] == path && (string?)r["request"]?["operation"] == "read")
                    .Select(r => (string?)r["auth"]?["display_name"] ?? "(none)")
                    .ToList();
                deadline.Observe(reads.Count == 0
                    ? $"no read of {path} in {log}"
                    : $"{reads.Count} read(s) of {path}, by {string.Join(", ", reads.Distinct())}");
                if (reads.Contains(displayName))
                {
                    world.Timeline.Mark("audit", $"{reads.Count(r => r == displayName)} read(s) of {remote} by {displayName}");
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(300), deadline.Token);
            }
        }
        catch (OperationCanceledException e) when (deadline.HasExpired)
        {
            throw deadline.Expired(e);
        }
    }
}
