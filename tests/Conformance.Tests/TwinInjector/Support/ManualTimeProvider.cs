namespace Conformance.Tests.TwinInjector.Support;

/// <summary>
/// A TimeProvider the test moves by hand. Timers fire only when the test advances past their due time, one at a
/// time in due order, so every agent loop's schedule can be read off the clock. Waiting for the agent to reach its
/// next timer is event-driven (signalled whenever a timer is armed) with a real-time deadline.
/// </summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private DateTimeOffset _now = start;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public DateTimeOffset Start { get; } = start;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _now;
    }

    public double Elapsed => (GetUtcNow() - Start).TotalSeconds;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ManualTimer(this, callback, state);
        timer.Change(dueTime, period);
        return timer;
    }

    /// <summary>Timers with a finite due time that have not fired or been disposed.</summary>
    public int ArmedCount
    {
        get { lock (_gate) return _timers.Count(t => t.Due is not null); }
    }

    /// <summary>Waits until at least <paramref name="count"/> timers are armed (every agent loop is sleeping).</summary>
    public Task WaitForArmedAsync(int count, TimeSpan deadline) => WaitForArmedAsync(() => count, deadline, null);

    /// <summary>
    /// As above with an expected count that may change as the run goes; it is re-read whenever a timer changes or
    /// <paramref name="wake"/> completes (e.g. a hook that finishes without touching a timer).
    /// </summary>
    public async Task WaitForArmedAsync(Func<int> count, TimeSpan deadline, Task? wake)
    {
        var until = DateTime.UtcNow + deadline;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_timers.Count(t => t.Due is not null) >= count()) return;
                changed = _changed.Task;
            }
            var left = until - DateTime.UtcNow;
            var waits = new List<Task> { changed, Task.Delay(left > TimeSpan.Zero ? left : TimeSpan.Zero) };
            if (wake is { IsCompleted: false }) waits.Add(wake);
            var first = left <= TimeSpan.Zero ? null : await Task.WhenAny(waits);
            if (first is null || first == waits[1])
                throw new TimeoutException($"expected {count()} armed timers within {deadline.TotalSeconds}s; last observed {ArmedCount} at clock +{Elapsed:0.###}s");
        }
    }

    /// <summary>
    /// Advances to <paramref name="target"/>: repeatedly waits until <paramref name="loops"/> timers are armed, then fires
    /// the earliest one if it is due by the target. Returns when the next timer lies beyond the target.
    /// </summary>
    public Task RunUntilAsync(DateTimeOffset target, int loops) => RunUntilAsync(target, () => loops);

    /// <summary>As above, with the number of sleeping loops known only as the run goes (e.g. a loop that stops).</summary>
    public async Task RunUntilAsync(DateTimeOffset target, Func<int> loops, Task? wake = null)
    {
        for (var guard = 0; guard < 100_000; guard++)
        {
            await WaitForArmedAsync(loops, TimeSpan.FromSeconds(10), wake);
            ManualTimer? next;
            lock (_gate)
            {
                next = _timers.Where(t => t.Due is not null).OrderBy(t => t.Due).FirstOrDefault();
                if (next is null || next.Due > target)
                {
                    if (target > _now) _now = target;
                    return;
                }
                _now = next.Due!.Value > _now ? next.Due.Value : _now;
                next.Due = null; // one-shot: fired
            }
            next.Fire();
        }
        throw new InvalidOperationException("RunUntilAsync: too many timer firings (a loop is spinning)");
    }

    public Task RunForAsync(TimeSpan span, int loops) => RunUntilAsync(GetUtcNow() + span, loops);

    private void Changed()
    {
        TaskCompletionSource old;
        lock (_gate)
        {
            old = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        old.TrySetResult();
    }

    private sealed class ManualTimer(ManualTimeProvider owner, TimerCallback callback, object? state) : ITimer
    {
        public DateTimeOffset? Due { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            lock (owner._gate)
            {
                if (!owner._timers.Contains(this)) owner._timers.Add(this);
                Due = dueTime == Timeout.InfiniteTimeSpan ? null : owner._now + (dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime);
            }
            owner.Changed();
            return true;
        }

        public void Fire() => callback(state);

        public void Dispose()
        {
            lock (owner._gate) owner._timers.Remove(this);
            owner.Changed();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
