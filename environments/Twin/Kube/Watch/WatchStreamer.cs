using System.Text.Json;
using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Json;
using Conformance.Twin.Kube.Storage;
using Microsoft.AspNetCore.Http;

namespace Conformance.Twin.Kube.Watch;

/// <summary>
/// Streams a watch as newline-delimited watch events (metav1.WatchEvent JSON), filtering by namespace and selectors;
/// an object that stops matching is sent as DELETED and one that starts matching as ADDED (the cacher's behaviour).
/// Sends BOOKMARK events when asked (allowWatchBookmarks), including the initial-events-end bookmark for
/// sendInitialEvents=true, and ends after timeoutSeconds.
/// </summary>
public static class WatchStreamer
{
    public sealed record Options(string? Namespace, LabelSelector Labels, FieldSelector Fields, bool Bookmarks, bool SendInitialEventsBookmark,
        TimeSpan Timeout, TimeSpan BookmarkInterval, string ApiVersion, Func<JsonObject, JsonObject>? Render = null);

    public static async Task StreamAsync(HttpContext ctx, Watcher watcher, ResourceType type, Options o, TimeProvider time, CancellationToken serverStop)
    {
        using var _ = watcher;
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        ctx.Response.Headers["Transfer-Encoding"] = "chunked";
        await ctx.Response.StartAsync(ctx.RequestAborted).ConfigureAwait(false);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, serverStop);
        cts.CancelAfter(o.Timeout);
        var ct = cts.Token;
        var reader = watcher.Channel.Reader;
        var lastRv = watcher.InitialEventsSent ?? 0;
        var initialPending = o.SendInitialEventsBookmark && watcher.InitialEventsSent is not null;
        var stream = ctx.Response.Body;
        var initialRemaining = watcher.InitialCount;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                if (initialPending && initialRemaining <= 0)
                {
                    // initial-events-end: every object that existed when the watch began has been sent (KEP-3157)
                    await WriteAsync(stream, "BOOKMARK", Bookmark(type, o.ApiVersion, watcher.InitialEventsSent!.Value, true), ct).ConfigureAwait(false);
                    initialPending = false;
                }
                StoreEvent? ev;
                using (var tick = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    if (o.Bookmarks) tick.CancelAfter(o.BookmarkInterval);
                    try
                    {
                        if (!await reader.WaitToReadAsync(tick.Token).ConfigureAwait(false)) break;
                        reader.TryRead(out ev);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        await WriteAsync(stream, "BOOKMARK", Bookmark(type, o.ApiVersion, Math.Max(lastRv, 1), false), ct).ConfigureAwait(false);
                        continue;
                    }
                }
                if (ev is null) continue;
                initialRemaining--;
                lastRv = Math.Max(lastRv, ev.ResourceVersion);
                var type2 = Classify(ev, o);
                if (type2 is null) continue;
                var outObj = WithVersion(ev.Object, o.ApiVersion);
                await WriteAsync(stream, type2, o.Render is null ? outObj : o.Render(outObj), ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
    }

    static string? Classify(StoreEvent e, Options o)
    {
        bool Match(JsonObject? x) => x is not null && (o.Namespace is null || x.Namespace() == o.Namespace) && o.Labels.Matches(x) && o.Fields.Matches(x);
        var now = Match(e.Object);
        if (e.Type == "DELETED") return now || Match(e.Old) ? "DELETED" : null;
        if (e.Type == "ADDED") return now ? "ADDED" : null;
        var before = Match(e.Old);
        return (before, now) switch
        {
            (true, true) => "MODIFIED",
            (false, true) => "ADDED",
            (true, false) => "DELETED",
            _ => null,
        };
    }

    static JsonObject WithVersion(JsonObject obj, string apiVersion)
    {
        if (obj.Str("apiVersion") == apiVersion) return obj;
        var c = obj.CloneObj();
        c["apiVersion"] = apiVersion;
        return c;
    }

    static JsonObject Bookmark(ResourceType t, string apiVersion, long rv, bool initialEnd)
    {
        var meta = new JsonObject { ["resourceVersion"] = rv.ToString(), ["creationTimestamp"] = null };
        if (initialEnd) meta["annotations"] = new JsonObject { ["k8s.io/initial-events-end"] = "true" };
        return new JsonObject { ["kind"] = t.Kind, ["apiVersion"] = apiVersion, ["metadata"] = meta };
    }

    static async Task WriteAsync(Stream s, string type, JsonObject obj, CancellationToken ct)
    {
        using var ms = new MemoryStream();
        await using (var w = new Utf8JsonWriter(ms))
        {
            w.WriteStartObject();
            w.WriteString("type", type);
            w.WritePropertyName("object");
            obj.WriteTo(w);
            w.WriteEndObject();
        }
        ms.WriteByte((byte)'\n');
        await s.WriteAsync(ms.GetBuffer().AsMemory(0, (int)ms.Length), ct).ConfigureAwait(false);
        await s.FlushAsync(ct).ConfigureAwait(false);
    }
}
