using System.Text.Json.Nodes;
using Conformance.Fixtures.Waits;
using Conformance.Runner;
using Conformance.Steps.Support;

namespace Conformance.Steps.Vault;

/// <summary>
/// Vault's audit log as evidence (reference/vault.md §3.7): JSON lines with <c>request.path</c>,
/// <c>request.operation</c> and <c>auth.display_name</c> in clear, string values in request data HMAC'd with the
/// device's salt; <c>sys/audit-hash/&lt;device&gt;</c> gives the HMAC of a value the harness knows (a lease id).
/// Needs a world whose audit log the harness can read (<c>@needs:vault-audit</c>).
/// </summary>
[Binding]
public sealed class VaultAuditSteps(ScenarioWorld world, VaultScenario vault)
{
    private readonly Dictionary<string, string> _hashes = new(StringComparer.Ordinal);

    [Then("within {int} seconds the Vault audit log shows ServiceAccount {string} reading the credentials of database role {string} and renewing their lease")]
    public async Task ThenTheAuditLogShowsReadAndRenew(int seconds, string serviceAccount, string role)
    {
        var endpoint = world.World.Vault ?? throw new StepFailedException("this world has no Vault");
        var path = endpoint.AuditLogPath ?? throw new StepFailedException("this world's Vault audit log is not readable by the harness (tag the scenario @needs:vault-audit)");
        // auth/kubernetes sets the token's display name to kubernetes-<namespace>-<serviceaccount> (vault.md §3.3)
        var displayName = $"kubernetes-{world.Namespace}-{serviceAccount}";
        var creds = vault.CredsPath(role);
        using var deadline = Deadline.After(TimeSpan.FromSeconds(seconds),
            $"audit entries: {displayName} reading {creds} and renewing one of its leases", cancellationToken: world.Cancellation);
        try
        {
            while (true)
            {
                var requests = ReadRequests(path).Where(r => (string?)r["auth"]?["display_name"] == displayName).ToList();
                var reads = requests.Count(r => (string?)r["request"]?["path"] == creds && (string?)r["request"]?["operation"] == "read");
                var leaseIds = vault.Watch(role).Leases.Select(l => l.Id).ToList();
                var leaseHashes = await HashesAsync(endpoint.AuditDevice, leaseIds);
                var renews = requests.Count(r => IsRenewalOf(r, leaseIds, leaseHashes));
                deadline.Observe($"{requests.Count} request(s) by {displayName}: {reads} read(s) of {creds}, {renews} renewal(s) of its leases");
                if (reads > 0 && renews > 0)
                {
                    world.Timeline.Mark("audit", $"{reads} read(s), {renews} renewal(s)");
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

    // sys/leases/renew with the lease id in the body (as the agent sends it) or in the path.
    private static bool IsRenewalOf(JsonNode entry, IReadOnlyList<string> leaseIds, IReadOnlySet<string> leaseHashes)
    {
        var requestPath = (string?)entry["request"]?["path"] ?? "";
        if (!requestPath.StartsWith("sys/leases/renew", StringComparison.Ordinal))
        {
            return false;
        }

        return entry["request"]?["data"]?["lease_id"] is JsonValue id && leaseHashes.Contains((string?)id ?? "")
               || leaseIds.Any(id => requestPath == "sys/leases/renew/" + id);
    }

    private async Task<IReadOnlySet<string>> HashesAsync(string device, IEnumerable<string> leaseIds)
    {
        foreach (var id in leaseIds.Where(id => !_hashes.ContainsKey(id)))
        {
            _hashes[id] = await vault.Vault.AuditHashAsync(device, id, world.Cancellation);
        }

        return _hashes.Values.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The request entries of the audit log at <paramref name="path"/> (none while it does not exist yet).</summary>
    internal static IEnumerable<JsonNode> ReadRequests(string path)
    {
        if (!File.Exists(path))
        {
            yield break;
        }

        // The device appends while we read: share the file, and skip a half-written last line.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            JsonNode? entry;
            try
            {
                entry = JsonNode.Parse(line);
            }
            catch (System.Text.Json.JsonException)
            {
                continue;
            }

            if (entry is not null && (string?)entry["type"] == "request")
            {
                yield return entry;
            }
        }
    }
}
