using System.Threading.Channels;

namespace Conformance.Twin.Workloads.Operator;

/// <summary>
/// controller-runtime's work queue in small: a key is queued once however often it is added, a key added while it is
/// being reconciled runs again afterwards, and RequeueAfter is a timer (TimeProvider) that adds the key later.
/// </summary>
internal sealed class WorkQueue(TimeProvider time) : IDisposable
{
    private readonly Channel<string> _channel = Channel.CreateUnbounded<string>();
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
    private readonly HashSet<string> _processing = new(StringComparer.Ordinal);
    private readonly HashSet<string> _dirty = new(StringComparer.Ordinal);
    private readonly List<ITimer> _timers = [];
    private readonly Lock _gate = new();

    public void Add(string key)
    {
        lock (_gate)
        {
            if (_processing.Contains(key)) { _dirty.Add(key); return; }
            if (!_queued.Add(key)) return;
        }
        _channel.Writer.TryWrite(key);
    }

    public void AddAfter(string key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero) { Add(key); return; }
        lock (_gate)
        {
            ITimer? timer = null;
            timer = time.CreateTimer(_ =>
            {
                Add(key);
                lock (_gate) _timers.Remove(timer!);
                timer!.Dispose();
            }, null, delay, Timeout.InfiniteTimeSpan);
            _timers.Add(timer);
        }
    }

    public async Task<string> TakeAsync(CancellationToken ct)
    {
        var key = await _channel.Reader.ReadAsync(ct);
        lock (_gate)
        {
            _queued.Remove(key);
            _processing.Add(key);
        }
        return key;
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
            foreach (var t in _timers) t.Dispose();
            _timers.Clear();
        }
        _channel.Writer.TryComplete();
    }
}
