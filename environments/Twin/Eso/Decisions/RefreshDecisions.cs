using Conformance.Twin.Eso.Hashing;

namespace Conformance.Twin.Eso.Decisions;

/// <summary>What the refresh decision looks at, as in ESO's shouldRefresh (reference/eso.md §4).</summary>
public sealed record RefreshState(
    string RefreshPolicy,
    TimeSpan RefreshInterval,
    string SyncedResourceVersion,
    DateTimeOffset? RefreshTime,
    string CurrentResourceVersion);

/// <summary>ESO's refresh decisions as pure functions (pkg/controllers/externalsecret, reference/eso.md §4).</summary>
public static class RefreshDecisions
{
    public const string PolicyCreatedOnce = "CreatedOnce";
    public const string PolicyOnChange = "OnChange";
    public const string PolicyPeriodic = "Periodic";

    /// <summary>ESO ctrlutil.GetResourceVersion: "&lt;generation&gt;-&lt;hash of labels+annotations&gt;", so any label or annotation change forces a sync (reference/eso.md §4).</summary>
    public static string ResourceVersionOf(long generation, IDictionary<string, string>? labels, IDictionary<string, string>? annotations, EsoFaults? faults = null)
    {
        // Fault eso-ignores-force-sync: annotations left out of the hash, so an annotation bump changes nothing.
        if (faults?.Has(EsoFaults.IgnoresForceSync) == true) annotations = null;
        return $"{generation}-{GoObjectHash.OfMeta(labels, annotations)}";
    }

    public static bool ShouldRefresh(RefreshState s, DateTimeOffset now, EsoFaults? faults = null)
    {
        var neverSynced = s.SyncedResourceVersion == "" || s.RefreshTime is null;
        switch (s.RefreshPolicy)
        {
            case PolicyCreatedOnce:
                // ESO: CreatedOnce syncs only while never synced (reference/eso.md §4).
                return neverSynced;
            case PolicyOnChange:
                // ESO: OnChange re-syncs only when the generation/labels/annotations hash moved (reference/eso.md §4).
                return neverSynced || s.SyncedResourceVersion != s.CurrentResourceVersion;
            default:
                return ShouldRefreshPeriodic(s, now, faults);
        }
    }

    private static bool ShouldRefreshPeriodic(RefreshState s, DateTimeOffset now, EsoFaults? faults)
    {
        // ESO: interval <= 0 and synced once => never again, even on spec change (#4167, reference/eso.md §6.4).
        if (s.RefreshInterval <= TimeSpan.Zero && s.SyncedResourceVersion != "")
        {
            // Fault eso-interval-zero-syncs-on-change: the pre-v0.11 behaviour #4167 records, a metadata change still syncs.
            if (faults?.Has(EsoFaults.IntervalZeroSyncsOnChange) == true) return s.SyncedResourceVersion != s.CurrentResourceVersion;
            return false;
        }
        // ESO: metadata changed (generation or labels/annotations) => refresh now (reference/eso.md §4).
        if (s.SyncedResourceVersion != s.CurrentResourceVersion) return true;
        if (s.RefreshTime is null) return true;
        // Fault eso-never-refreshes: the interval never elapses once synced (models #5259/#4978, reference/eso.md §6).
        if (faults?.Has(EsoFaults.NeverRefreshes) == true) return false;
        if (s.RefreshTime.Value > now) return true;
        // ESO: refresh when refreshTime + interval is before now (reference/eso.md §4).
        return s.RefreshTime.Value + s.RefreshInterval < now;
    }

    /// <summary>ESO getRequeueResult: the time left until the next periodic refresh; null = do not requeue (reference/eso.md §4).</summary>
    public static TimeSpan? RequeueAfter(TimeSpan refreshInterval, DateTimeOffset? refreshTime, DateTimeOffset now, EsoFaults? faults = null)
    {
        if (refreshInterval <= TimeSpan.Zero) return null;
        if (faults?.Has(EsoFaults.NeverRefreshes) == true) return null;
        if (refreshTime is null) return refreshInterval;
        var since = now - refreshTime.Value;
        if (since < TimeSpan.Zero) return TimeSpan.Zero;
        return since < refreshInterval ? refreshInterval - since : TimeSpan.Zero;
    }

    /// <summary>ESO isSecretValid: exists, has the managed label and a matching data-hash; always valid under Orphan (reference/eso.md §4).</summary>
    public static bool IsSecretValid(string creationPolicy, bool exists, IDictionary<string, string>? labels, IDictionary<string, string>? annotations, IDictionary<string, byte[]>? data)
    {
        if (creationPolicy == "Orphan") return true;
        if (!exists) return false;
        if (labels is null || !labels.TryGetValue(EsoLabels.Managed, out var managed) || managed != "true") return false;
        return annotations is not null && annotations.TryGetValue(EsoLabels.DataHash, out var hash) && hash == GoObjectHash.OfData(data);
    }

    /// <summary>ESO shouldEnqueueExternalSecretUpdate: status-only updates do not enqueue (externalsecret_controller.go).</summary>
    public static bool ShouldEnqueueUpdate(
        long oldGeneration, long newGeneration,
        IDictionary<string, string> oldLabels, IDictionary<string, string> newLabels,
        IDictionary<string, string> oldAnnotations, IDictionary<string, string> newAnnotations,
        IReadOnlyList<string> oldFinalizers, IReadOnlyList<string> newFinalizers,
        bool oldDeleting, bool newDeleting, EsoFaults? faults = null)
    {
        if (oldGeneration != newGeneration) return true;
        if (!SameMap(oldLabels, newLabels)) return true;
        // Fault eso-ignores-force-sync: the watch no longer reacts to annotation changes.
        if (faults?.Has(EsoFaults.IgnoresForceSync) != true && !SameMap(oldAnnotations, newAnnotations)) return true;
        if (!oldFinalizers.SequenceEqual(newFinalizers)) return true;
        return oldDeleting != newDeleting;
    }

    private static bool SameMap(IDictionary<string, string> a, IDictionary<string, string> b) =>
        a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);
}

/// <summary>ESO's per-item failure backoff: 1 s doubling to 7 min (BuildRateLimiter, reference/eso.md §6.3).</summary>
public sealed class FailureBackoff
{
    public static readonly TimeSpan BaseDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(7);
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>The delay for this failure (workqueue ItemExponentialFailureRateLimiter: base * 2^failures).</summary>
    public TimeSpan NextDelay(string key)
    {
        lock (_gate)
        {
            _failures.TryGetValue(key, out var n);
            _failures[key] = n + 1;
            var ticks = BaseDelay.Ticks * Math.Pow(2, Math.Min(n, 30));
            return ticks >= MaxDelay.Ticks ? MaxDelay : TimeSpan.FromTicks((long)ticks);
        }
    }

    public void Forget(string key) { lock (_gate) _failures.Remove(key); }
    public int Failures(string key) { lock (_gate) return _failures.GetValueOrDefault(key); }
}
