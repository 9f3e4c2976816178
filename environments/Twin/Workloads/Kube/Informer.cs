using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Conformance.Twin.Workloads.Kube;

/// <summary>
/// List-then-watch, like client-go's reflector: one initial list (every object delivered as Added), then a watch from
/// the list's resourceVersion, re-established from the last seen version when the server ends it, and a re-list
/// (Added/Modified for what exists, Deleted for what vanished) when the version is too old (410 Gone).
/// Handlers run one at a time in event order.
/// </summary>
internal sealed class Informer<T, TList> : IAsyncDisposable
    where T : class, IKubernetesObject<V1ObjectMeta>
    where TList : class, IKubernetesObject<V1ListMeta>, IItems<T>
{
    private readonly Func<string?, bool, CancellationToken, Task<HttpOperationResponse<TList>>> _list;
    private readonly Func<WatchEventType, T, Task> _handler;
    private readonly Action<Exception> _onError;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _stop = new();
    private readonly Dictionary<string, T> _known = new(StringComparer.Ordinal);
    private Task? _loop;
    private string? _resourceVersion;

    public Informer(Func<string?, bool, CancellationToken, Task<HttpOperationResponse<TList>>> list,
        Func<WatchEventType, T, Task> handler, Action<Exception> onError, TimeProvider time)
    {
        _list = list;
        _handler = handler;
        _onError = onError;
        _time = time;
    }

    /// <summary>Lists once (delivering every object), then keeps watching in the background.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        await RelistAsync(ct);
        _loop = Task.Run(() => WatchLoopAsync(_stop.Token), CancellationToken.None);
    }

    private async Task RelistAsync(CancellationToken ct)
    {
        using var response = await _list(null, false, ct);
        var list = response.Body;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list.Items)
        {
            var key = Key(item);
            seen.Add(key);
            var type = _known.ContainsKey(key) ? WatchEventType.Modified : WatchEventType.Added;
            _known[key] = item;
            await Deliver(type, item);
        }
        foreach (var gone in _known.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            var item = _known[gone];
            _known.Remove(gone);
            await Deliver(WatchEventType.Deleted, item);
        }
        _resourceVersion = list.Metadata?.ResourceVersion;
    }

    private async Task WatchLoopAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var gone = false;
                // The generic list-response watch is marked obsolete in favour of per-type Watch*Async methods; one
                // generic informer for every kind (custom resources included) is worth the pragma.
#pragma warning disable CS0618
                await foreach (var (type, item) in _list(_resourceVersion, true, ct).WatchAsync<T, TList>(
                                   ex => { if (!IsGone(ex)) _onError(ex); }, ct))
#pragma warning restore CS0618
                {
                    if (type == WatchEventType.Error) { gone = true; break; }
                    if (item?.Metadata?.ResourceVersion is { } rv) _resourceVersion = rv;
                    if (type == WatchEventType.Bookmark || item is null) continue;
                    var key = Key(item);
                    if (type == WatchEventType.Deleted) _known.Remove(key);
                    else _known[key] = item;
                    await Deliver(type, item);
                }
                if (gone) await RelistAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                if (IsGone(ex))
                {
                    try { await RelistAsync(ct); continue; }
                    catch (Exception relist) when (!ct.IsCancellationRequested) { _onError(relist); }
                }
                else _onError(ex);
                // reconnect back-off after a failed watch (not a poll: the next watch delivers changes)
                try { await Task.Delay(TimeSpan.FromMilliseconds(500), _time, ct); }
                catch (OperationCanceledException) { return; }
            }
        }
    }

    private async Task Deliver(WatchEventType type, T item)
    {
        try { await _handler(type, item); }
        catch (Exception ex) { _onError(ex); }
    }

    private static bool IsGone(Exception ex) =>
        ex is HttpOperationException { Response.StatusCode: HttpStatusCode.Gone }
        || (ex is KubernetesException ke && ke.Status?.Code == 410);

    private static string Key(T item) => $"{item.Metadata.NamespaceProperty}/{item.Metadata.Name}";

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try { await _loop; } catch (OperationCanceledException) { }
        }
        _stop.Dispose();
    }
}
