using System.Collections.Concurrent;
using System.Diagnostics;

namespace Conformance.Environments.Twin;

/// <summary>When one part of the twin began starting and when it was ready, from the start of StartAsync.</summary>
public sealed record TwinPartTiming(string Part, TimeSpan Began, TimeSpan Ready)
{
    public TimeSpan Duration => Ready - Began;
}

/// <summary>
/// Where <see cref="TwinEnvironment.StartAsync"/> spends its time, part by part, plus the milestones "tier1" (API
/// server, CRDs, git server, kubelet and operator ready) and "world" (everything ready). Read by the twin-start
/// benchmark and printed by the playground; it measures, it never decides anything.
/// </summary>
public sealed class TwinStartupTimings
{
    private readonly Stopwatch _clock = new();
    private readonly ConcurrentQueue<TwinPartTiming> _parts = new();
    private readonly ConcurrentDictionary<string, TimeSpan> _milestones = new(StringComparer.Ordinal);

    public IReadOnlyList<TwinPartTiming> Parts => _parts.OrderBy(p => p.Began).ThenBy(p => p.Ready).ToList();

    public IReadOnlyDictionary<string, TimeSpan> Milestones => _milestones;

    internal void Begin()
    {
        _parts.Clear();
        _milestones.Clear();
        _clock.Restart();
    }

    internal void Mark(string milestone) => _milestones[milestone] = _clock.Elapsed;

    internal async Task<T> Time<T>(string part, Func<Task<T>> start)
    {
        var began = _clock.Elapsed;
        var result = await start().ConfigureAwait(false);
        _parts.Enqueue(new TwinPartTiming(part, began, _clock.Elapsed));
        return result;
    }

    internal Task Time(string part, Func<Task> start) => Time(part, async () =>
    {
        await start().ConfigureAwait(false);
        return true;
    });

    /// <summary>One line per part and milestone, e.g. for the playground's start message.</summary>
    public override string ToString() => string.Join(
        "; ",
        Parts.Select(p => $"{p.Part} {p.Began.TotalMilliseconds:0}+{p.Duration.TotalMilliseconds:0} ms")
            .Concat(_milestones.OrderBy(m => m.Value).Select(m => $"{m.Key} ready at {m.Value.TotalMilliseconds:0} ms")));
}
