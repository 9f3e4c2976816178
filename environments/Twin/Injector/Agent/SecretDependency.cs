using System.Text.Json.Nodes;
using Conformance.Twin.Injector.Templates;

namespace Conformance.Twin.Injector.Agent;

/// <summary>
/// One `secret "path"` a template uses: consul-template's VaultReadQuery (dependency/vault_read.go). The first fetch
/// happens at the first render; afterwards <see cref="RunAsync"/> follows Fetch()'s loop: renewable secrets are renewed
/// by a lifetime watcher until it is done and then read again; non-renewable ones are re-read after
/// leaseCheckWait (reference/vault.md §2.1–§2.3).
/// </summary>
internal sealed class SecretDependency(AgentSession session, string rawPath, IReadOnlyList<string> writeArgs)
{
    private bool? _isKvV2;
    private string _secretPath = "";

    public string Key { get; } = Keyed(rawPath, writeArgs);
    public string RawPath { get; } = NormalizePath(rawPath);
    public VaultSecret? Current { get; private set; }
    public SecretValue? Value { get; private set; }
    public TimeSpan? PendingSleep { get; private set; }

    public static string Keyed(string path, IReadOnlyList<string> args) => args.Count == 0 ? NormalizePath(path) : NormalizePath(path) + "?" + string.Join("&", args);

    private static string NormalizePath(string p) => p.Trim().Trim('/');

    /// <summary>consul-template vaultSecretRenewable: the auth's flag for logins, the lease's otherwise.</summary>
    public static bool Renewable(VaultSecret s) => s.Auth is not null ? s.Auth.Renewable : s.Renewable;

    /// <summary>One read (or write), recording the result and the sleep before the next non-renewable read.</summary>
    public async Task FetchAsync(CancellationToken ct)
    {
        var vault = session.Vault;
        var token = session.Token;
        if (_isKvV2 is null)
        {
            // consul-template isKVv2: ask sys/internal/ui/mounts/<path>, shim `data/` into KV v2 paths (vault.md §2.3)
            string mountPath = "";
            var isKv2 = false;
            try
            {
                var mount = await vault.MountInfoAsync(RawPath, token, ct);
                mountPath = mount?.Data?["path"]?.GetValue<string>() ?? "";
                isKv2 = mount?.Data?["type"]?.GetValue<string>() == "kv" && mount.Data["options"]?["version"]?.GetValue<string>() == "2";
            }
            catch (VaultApiException ex)
            {
                session.Log("WARN", $"(view) vault.read({RawPath}): failed to check if {RawPath} is KVv2, assume not: {ex.Errors.FirstOrDefault()}");
            }
            _secretPath = isKv2 ? ShimKvV2Path(RawPath, mountPath) : RawPath;
            _isKvV2 = isKv2;
        }

        VaultSecret? secret;
        if (writeArgs.Count == 0)
        {
            secret = await vault.ReadAsync(_secretPath, token, null, ct);
        }
        else
        {
            var body = new JsonObject();
            foreach (var kv in writeArgs)
            {
                var eq = kv.IndexOf('=');
                if (eq < 0) throw new InvalidOperationException($"vault.write({RawPath}): invalid value format {GoQuote(kv)}");
                body[kv[..eq]] = kv[(eq + 1)..];
            }
            secret = await vault.WriteAsync(_secretPath, token, body, ct);
        }
        // consul-template: a missing or deleted secret is an error (vault_read.go readSecret)
        if (secret is null || DeletedKvV2(secret))
            throw new InvalidOperationException($"vault.read({RawPath}): no secret exists at {_secretPath}");

        Current = secret;
        Value = secret.ToTemplateValue();
        PendingSleep = Renewable(secret) ? null : session.LeaseCheckWait(secret);
        session.Emit("read", $"path={_secretPath} lease_id={secret.LeaseId} lease_duration={secret.LeaseDuration} renewable={Renewable(secret)} data={session.Fingerprint(secret.Data)}");
    }

    /// <summary>The dependency's watch loop in the sidecar (consul-template watch/view.go poll + VaultReadQuery.Fetch).</summary>
    public async Task RunAsync(Func<SecretDependency, Task> onChange, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            if (PendingSleep is { } sleep)
            {
                // non-renewable: re-read after lease × (threshold ± 5%), KV on the static render interval (vault.md §2.2, §2.3)
                await Task.Delay(sleep, session.Time, ct);
                PendingSleep = null;
            }
            else if (Current is { } current && Renewable(current))
            {
                // renewable: renew at once, then ~2/3 of the remaining lease, until max_ttl stops it (vault.md §2.1)
                var watcher = session.NewWatcher();
                var neverRenew = session.Faults.Has(TwinFaults.AgentNeverRenews); // fault: behave as RenewBehaviorRenewDisabled
                var err = await watcher.WatchAsync(c => RenewAsync(current, c), current.LeaseDuration, ct, renewDisabled: neverRenew);
                if (ct.IsCancellationRequested) return;
                if (err is not null) session.Log("WARN", $"vault.read({RawPath}): failed to renew: {err.Message}");
                session.Log("WARN", $"vault.read({RawPath}): renewer done (maybe the lease expired)");
                session.Emit("renewer-done", $"path={RawPath} lease_id={current.LeaseId}");
                if (session.Faults.Has(TwinFaults.AgentNeverRefetchesAtMaxTtl)) // fault: keep the stale lease, never read again
                {
                    session.Emit("fault", $"{TwinFaults.AgentNeverRefetchesAtMaxTtl}: not re-reading {RawPath}");
                    await Task.Delay(Timeout.InfiniteTimeSpan, session.Time, ct);
                    return;
                }
            }
            await session.WithRetryAsync($"vault.read({RawPath})", FetchAsync, ct);
            await onChange(this);
        }
    }

    private async Task<RenewalResult> RenewAsync(VaultSecret current, CancellationToken ct)
    {
        var renewed = await session.Vault.RenewLeaseAsync(current.LeaseId, 0, session.Token, ct);
        foreach (var w in renewed.Warnings) session.Log("WARN", $"vault.read({RawPath}): {w}");
        session.Emit("renew", $"lease_id={current.LeaseId} lease_duration={renewed.LeaseDuration} renewable={renewed.Renewable}");
        return new RenewalResult(renewed.LeaseDuration, renewed.Renewable, renewed.Warnings);
    }

    /// <summary>consul-template shimKVv2Path: insert `data/` after the mount unless the path already names data/metadata/subkeys.</summary>
    public static string ShimKvV2Path(string rawPath, string mountPath)
    {
        if (rawPath == mountPath || rawPath == mountPath.TrimEnd('/')) return mountPath.TrimEnd('/') + "/data";
        var rest = rawPath.StartsWith(mountPath, StringComparison.Ordinal) ? rawPath[mountPath.Length..] : rawPath;
        if (rest.StartsWith("data/", StringComparison.Ordinal) || rest.StartsWith("metadata/", StringComparison.Ordinal) || rest.StartsWith("subkeys/", StringComparison.Ordinal))
            return rawPath;
        return mountPath.TrimEnd('/') + "/data/" + rest.TrimStart('/');
    }

    private bool DeletedKvV2(VaultSecret s)
    {
        var deletion = s.Data?["metadata"]?["deletion_time"];
        if (deletion is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.String) return false;
        return DateTimeOffset.TryParse(v.GetValue<string>(), out var t) && session.Time.GetUtcNow() > t;
    }

    private static string GoQuote(string s) => "\"" + s + "\"";
}
