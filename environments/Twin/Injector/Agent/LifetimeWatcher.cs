namespace Conformance.Twin.Injector.Agent;

/// <summary>One renewal answer: the new lease duration (seconds), whether it is still renewable, and Vault's warnings.</summary>
public sealed record RenewalResult(long LeaseDurationSeconds, bool Renewable, IReadOnlyList<string> Warnings);

/// <summary>
/// Vault's api.LifetimeWatcher as consul-template and Vault Agent use it (reference/vault.md §2.1, §2.4): renew at once,
/// then sleep 2/3 of the remaining lease plus a third of a 10–20% grace; return (so the caller re-reads or
/// re-authenticates) once the lease stops growing and the remaining time, or the remaining time after the next sleep,
/// falls inside the grace.
/// </summary>
public sealed class LifetimeWatcher(TimeProvider time, Random random)
{
    public TimeSpan Grace { get; private set; }

    /// <summary>
    /// Runs until the watcher is done. Returns null when done normally, or the renewal error
    /// (RenewBehaviorErrorOnErrors: the first failed renewal ends the watch).
    /// </summary>
    /// <param name="renew">One renewal call (sys/leases/renew or auth/token/renew-self).</param>
    /// <param name="initialLeaseSeconds">The lease duration of the read or login that started the watch.</param>
    /// <param name="renewDisabled">RenewBehaviorRenewDisabled: never call Vault, just return near expiry.</param>
    public async Task<Exception?> WatchAsync(Func<CancellationToken, Task<RenewalResult>> renew, long initialLeaseSeconds,
        CancellationToken ct, bool renewDisabled = false, Action<RenewalResult, TimeSpan>? onRenewed = null)
    {
        var initialTime = time.GetUtcNow();
        var priorDuration = TimeSpan.FromSeconds(initialLeaseSeconds);
        var initLease = priorDuration;
        CalculateGrace(priorDuration);
        while (!ct.IsCancellationRequested)
        {
            TimeSpan remaining;
            if (renewDisabled)
            {
                // lifetime_watcher.go: without renewal, keep the original expiry and return at reauthentication time
                remaining = initialTime + initLease - time.GetUtcNow();
            }
            else
            {
                RenewalResult renewal;
                try { renewal = await renew(ct); }
                catch (OperationCanceledException) when (ct.IsCancellationRequested) { return null; }
                catch (Exception ex) { return ex; } // RenewBehaviorErrorOnErrors (vault.md §2.1)
                if (!renewal.Renewable) return new InvalidOperationException("secret is not renewable");
                initialTime = time.GetUtcNow();
                remaining = TimeSpan.FromSeconds(renewal.LeaseDurationSeconds);
                onRenewed?.Invoke(renewal, remaining);
            }
            var sleep = CalculateSleep(remaining, priorDuration);
            priorDuration = remaining;
            // lifetime_watcher.go: done when inside the grace, or when the next sleep would land inside it (vault.md §2.1)
            if (remaining <= Grace || remaining - sleep <= Grace) return null;
            try { await Task.Delay(sleep, time, ct); }
            catch (OperationCanceledException) { return null; }
        }
        return null;
    }

    /// <summary>2/3 of the remaining lease plus 1/3 of the grace; the grace is recomputed only while the lease grows.</summary>
    public TimeSpan CalculateSleep(TimeSpan remaining, TimeSpan prior)
    {
        if (remaining > prior) CalculateGrace(remaining);
        return TimeSpan.FromTicks((long)(remaining.Ticks * 2.0 / 3.0 + Grace.Ticks / 3.0));
    }

    /// <summary>grace = jitterMax + rand % jitterMax with jitterMax = 10% of the lease: 10–20% of it (vault.md §2.1).</summary>
    public void CalculateGrace(TimeSpan lease)
    {
        if (lease <= TimeSpan.Zero)
        {
            Grace = TimeSpan.Zero;
            return;
        }
        var jitterMax = lease.Ticks * 0.1;
        Grace = TimeSpan.FromTicks((long)(jitterMax + random.NextDouble() * jitterMax));
    }
}
