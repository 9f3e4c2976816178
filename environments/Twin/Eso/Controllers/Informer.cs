using System.Text.Json.Nodes;
using Conformance.Twin.Eso.Model;
using k8s;

namespace Conformance.Twin.Eso.Controllers;

/// <summary>
/// A list+watch loop over one resource (client-go's reflector + informer, reduced): lists, then watches from the
/// list's resourceVersion, re-lists on a closed or expired watch, and reports adds, updates (with the previous object)
/// and deletes from its cache.
/// </summary>
public sealed class Informer(
    string name,
    Func<CancellationToken, Task<(List<JsonObject> Items, string ResourceVersion)>> list,
    Func<string, CancellationToken, IAsyncEnumerable<(WatchEventType Type, JsonObject Object)>> watch,
    Action<JsonObject?, JsonObject> onUpsert,
    Action<JsonObject> onDelete,
    TimeProvider time,
    Action<string>? log)
{
    private readonly Dictionary<string, JsonObject> _cache = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes after the first list attempt (successful or not), so a start is fast and never hangs.</summary>
    public Task FirstAttempt => _firstAttempt.Task;

    public IReadOnlyCollection<JsonObject> Snapshot() { lock (_cache) return _cache.Values.ToList(); }

    public async Task RunAsync(CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var (items, rv) = await list(ct);
                Relist(items);
                _firstAttempt.TrySetResult();
                delay = TimeSpan.FromMilliseconds(200);
                await foreach (var (type, obj) in watch(rv, ct))
                {
                    switch (type)
                    {
                        case WatchEventType.Added:
                        case WatchEventType.Modified:
                            Upsert(obj);
                            break;
                        case WatchEventType.Deleted:
                            Delete(obj);
                            break;
                        case WatchEventType.Error:
                            throw new InvalidOperationException($"watch error: {obj.Str("message")}");
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                _firstAttempt.TrySetResult();
                log?.Invoke($"eso: informer {name}: {e.GetType().Name}: {e.Message}; re-listing in {delay.TotalMilliseconds} ms");
                try { await Task.Delay(delay, time, ct); } catch (OperationCanceledException) { break; }
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
        _firstAttempt.TrySetResult();
    }

    private static string KeyOf(JsonObject o) => $"{o.Str("metadata", "namespace")}/{o.Str("metadata", "name")}";

    private void Relist(List<JsonObject> items)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items) { seen.Add(KeyOf(item)); Upsert(item); }
        List<JsonObject> gone;
        lock (_cache) gone = _cache.Where(kv => !seen.Contains(kv.Key)).Select(kv => kv.Value).ToList();
        foreach (var g in gone) Delete(g);
    }

    private void Upsert(JsonObject obj)
    {
        JsonObject? old;
        lock (_cache)
        {
            _cache.TryGetValue(KeyOf(obj), out old);
            if (old is not null && old.Str("metadata", "resourceVersion") == obj.Str("metadata", "resourceVersion")) return;
            _cache[KeyOf(obj)] = obj;
        }
        onUpsert(old, obj);
    }

    private void Delete(JsonObject obj)
    {
        lock (_cache) _cache.Remove(KeyOf(obj));
        onDelete(obj);
    }
}
