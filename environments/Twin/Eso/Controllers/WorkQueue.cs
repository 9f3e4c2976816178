using System.Threading.Channels;

namespace Conformance.Twin.Eso.Controllers;

/// <summary>
/// client-go's workqueue semantics: a key is queued at most once, never processed by two workers at once, re-added
/// after processing if it was touched meanwhile; AddAfter arms a per-key timer on the TimeProvider (so each
/// ExternalSecret's refresh is its own timer, no global polling loop).
/// </summary>
public sealed class WorkQueue(TimeProvider time) : IDisposable
{
    private readonly Channel<string> _ready = Channel.CreateUnbounded<string>();
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private readonly HashSet<string> _processing = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (ITimer Timer, DateTimeOffset Due)> _timers = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private bool _disposed;

    public void Add(string key)
    {
        lock (_gate)
        {
            if (_disposed) return;
            if (_processing.Contains(key)) { _dirty.Add(key); return; }
            if (!_queued.Add(key)) return;
        }
        _ready.Writer.TryWrite(key);
    }

    /// <summary>Adds the key after a delay; an earlier pending timer for the same key wins (workqueue AddAfter).</summary>
    public void AddAfter(string key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero) { Add(key); return; }
        lock (_gate)
        {
            if (_disposed) return;
            var due = time.GetUtcNow() + delay;
            if (_timers.TryGetValue(key, out var existing))
            {
                if (existing.Due <= due) return;
                existing.Timer.Dispose();
            }
            ITimer? timer = null;
            timer = time.CreateTimer(_ =>
            {
                lock (_gate)
                {
                    if (_timers.TryGetValue(key, out var current) && ReferenceEquals(current.Timer, timer)) _timers.Remove(key);
                }
                timer?.Dispose();
                Add(key);
            }, null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _timers[key] = (timer, due);
            timer.Change(delay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The pending timer's due time for a key (diagnostics and tests).</summary>
    public DateTimeOffset? DueOf(string key)
    {
        lock (_gate) return _timers.TryGetValue(key, out var t) ? t.Due : null;
    }

    public async ValueTask<string> TakeAsync(CancellationToken ct)
    {
        while (true)
        {
            var key = await _ready.Reader.ReadAsync(ct);
            lock (_gate)
            {
                _queued.Remove(key);
                _processing.Add(key);
                return key;
            }
        }
    }

    public void Done(string key)
    {
        bool again;
        lock (_gate)
        {
            _processing.Remove(key);
            again = _dirty.Remove(key);
        }
        if (again) Add(key);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (var t in _timers.Values) t.Timer.Dispose();
            _timers.Clear();
        }
        _ready.Writer.TryComplete();
    }
}
