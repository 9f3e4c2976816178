using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Conformance.Twin.Injector.Agent;

/// <summary>What one running agent container shares between its auth loop, template server and dependencies.</summary>
internal sealed class AgentSession(AgentContainer container, AgentConfigFile config, AgentOptions options, TwinFaults faults, VaultClient vault)
{
    private readonly Random _seed = options.Random ?? new Random();
    private readonly Lock _gate = new();

    public AgentContainer Container { get; } = container;
    public AgentConfigFile Config { get; } = config;
    public TwinFaults Faults { get; } = faults;
    public VaultClient Vault { get; } = vault;
    public TimeProvider Time { get; } = options.Time;
    public Func<k8s.Models.V1Pod, CancellationToken, Task<string>>? TokenSource { get; } = options.ServiceAccountToken;

    /// <summary>The current auto-auth token (never logged).</summary>
    public string Token { get; set; } = "";

    public double NextDouble()
    {
        lock (_gate) return _seed.NextDouble();
    }

    public LifetimeWatcher NewWatcher()
    {
        int seed;
        lock (_gate) seed = _seed.Next();
        return new LifetimeWatcher(Time, new Random(seed));
    }

    /// <summary>
    /// consul-template leaseCheckWait for non-renewable secrets: lease × (threshold ± 0.05); KV (no lease) uses the
    /// static render interval; rotating static roles use ttl+1 (reference/vault.md §2.2, §2.3).
    /// </summary>
    public TimeSpan LeaseCheckWait(VaultSecret s)
    {
        double baseSeconds = s.LeaseDuration;
        if (s.Auth is { LeaseDuration: > 0 } auth) baseSeconds = auth.LeaseDuration;
        var rotating = false;
        if (s.LeaseId.Length == 0 && s.Data?["rotation_period"] is not null && s.Data["ttl"] is JsonValue ttlNode
            && long.TryParse(ttlNode.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ttl) && ttl > 0)
        {
            baseSeconds = ttl + 1;
            rotating = true;
        }
        if (baseSeconds <= 0) baseSeconds = Config.StaticSecretRenderInterval.TotalSeconds;
        var sleep = baseSeconds;
        if (SecretDependency.Renewable(s))
        {
            sleep = sleep / 3.0 * (NextDouble() + 1) / 2.0;
        }
        else if (!rotating)
        {
            var fraction = Config.LeaseRenewalThreshold + (NextDouble() - 0.5) * 0.1;
            if (fraction >= 1.0 || fraction <= 0.0) fraction = Config.LeaseRenewalThreshold;
            sleep *= fraction;
        }
        return TimeSpan.FromSeconds(sleep);
    }

    /// <summary>
    /// consul-template's retry for a failing fetch (Vault Agent template retry: 12 attempts, 250ms doubling to 1m). With
    /// exit_on_retry_failure the last failure ends the agent; otherwise it keeps trying at the maximum backoff.
    /// </summary>
    public async Task WithRetryAsync(string what, Func<CancellationToken, Task> action, CancellationToken ct)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await action(ct);
                return;
            }
            catch (Exception ex) when (ex is VaultApiException or InvalidOperationException or HttpRequestException)
            {
                if (attempt > 12 && Config.ExitOnRetryFailure)
                    throw new AgentFatalException($"template server: {what}: {Describe(ex)} (retry attempts exhausted)");
                Log("WARN", $"(view) {what}: {Describe(ex)} (retry attempt {attempt} after \"{FormatDuration(backoff)}\")");
                await Task.Delay(backoff, Time, ct);
                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromMinutes(1).Ticks));
            }
        }
    }

    public void Log(string level, string message)
    {
        var line = $"{Time.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ} [{level}]{(level.Length < 5 ? " " : "")} {message}";
        lock (_gate) Container.Log.WriteLine(line);
    }

    public void Emit(string kind, string detail)
    {
        options.OnEvent?.Invoke(new AgentEvent(Time.GetUtcNow(), Container.Pod.Metadata?.Name ?? "", Container.Container.Name, kind, detail));
    }

    /// <summary>A short fingerprint of secret data for logs and events (never the value itself).</summary>
    public string Fingerprint(JsonNode? data)
    {
        if (data is null) return "none";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(data.ToJsonString()));
        return "sha256:" + Convert.ToHexStringLower(hash)[..12];
    }

    public static string FormatDuration(TimeSpan t) => t.TotalSeconds >= 1
        ? t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s"
        : t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + "ms";

    public static string Describe(Exception ex) => ex is VaultApiException v
        ? $"Error making API request. Code: {(int)v.Status}. Errors: {string.Join("; ", v.Errors)}"
        : ex.Message.Split('\n', 2)[0];
}

/// <summary>The agent exits with an error (exit code 1) and this message.</summary>
public sealed class AgentFatalException(string message) : Exception(message);
