using System.Text.Json.Nodes;
using System.Threading.Channels;
using Conformance.Twin.Kube.Http;
using Conformance.Twin.Kube.Json;

namespace Conformance.Twin.Kube.Storage;

/// <summary>
/// The objects of one resource, in memory, under one lock. Stored objects are never mutated (copy on write), so
/// readers can serialise them without locking. Every change gets the next global resourceVersion (as etcd's
/// revision) and is kept in a bounded history so watches can resume from a resourceVersion (410 Gone when too old).
/// </summary>
public sealed class ResourceTable(ObjectStore store, ResourceType type, int historyLimit)
{
    readonly object gate = new();
    readonly SortedDictionary<string, JsonObject> items = new(StringComparer.Ordinal);
    readonly Queue<StoreEvent> history = new();
    readonly List<Watcher> watchers = [];
    long compactedRv;

    public ResourceType Type { get; set; } = type;
    public ObjectStore Store => store;

    static string Key(string ns, string name) => ns + "/" + name;

    public JsonObject? Get(string ns, string name)
    {
        lock (gate) return items.GetValueOrDefault(Key(ns, name));
    }

    /// <summary>A consistent snapshot of the objects (in namespace <paramref name="ns"/> when given) and the list's resourceVersion.</summary>
    public (List<JsonObject> Items, long ResourceVersion) List(string? ns)
    {
        lock (gate)
        {
            var list = ns is null ? items.Values.ToList() : items.Where(kv => kv.Key.StartsWith(ns + "/", StringComparison.Ordinal)).Select(kv => kv.Value).ToList();
            return (list, store.CurrentRv);
        }
    }

    public int Count { get { lock (gate) return items.Count; } }

    public JsonObject Create(JsonObject obj)
    {
        lock (gate)
        {
            var key = Key(obj.Namespace(), obj.Name());
            if (items.ContainsKey(key)) throw ApiException.AlreadyExists(Type, obj.Name());
            var rv = store.NextRv();
            obj.Meta()["resourceVersion"] = rv.ToString();
            JsonUtil.Materialize(obj);
            items[key] = obj;
            Publish(new StoreEvent("ADDED", obj, null, rv));
            return obj;
        }
    }

    /// <summary>Atomically replaces an object; <paramref name="expectedRv"/> (when set) must match the stored one (409 otherwise).</summary>
    public JsonObject Update(JsonObject obj, string? expectedRv)
    {
        lock (gate)
        {
            var key = Key(obj.Namespace(), obj.Name());
            if (!items.TryGetValue(key, out var old)) throw ApiException.NotFound(Type, obj.Name());
            if (!string.IsNullOrEmpty(expectedRv) && expectedRv != old.Str("metadata", "resourceVersion"))
                throw ApiException.Conflict(Type, obj.Name(), ApiException.StaleObject);
            var rv = store.NextRv();
            obj.Meta()["resourceVersion"] = rv.ToString();
            JsonUtil.Materialize(obj);
            items[key] = obj;
            Publish(new StoreEvent("MODIFIED", obj, old, rv));
            return obj;
        }
    }

    /// <summary>Removes an object for good; the DELETED event carries a new resourceVersion, as the real server's does.</summary>
    public JsonObject? Remove(string ns, string name, string? expectedUid = null)
    {
        lock (gate)
        {
            var key = Key(ns, name);
            if (!items.TryGetValue(key, out var old)) return null;
            if (expectedUid is not null && old.Uid() != expectedUid) return null;
            items.Remove(key);
            var rv = store.NextRv();
            var gone = old.CloneObj();
            gone.Meta()["resourceVersion"] = rv.ToString();
            JsonUtil.Materialize(gone);
            Publish(new StoreEvent("DELETED", gone, old, rv));
            return gone;
        }
    }

    void Publish(StoreEvent e)
    {
        history.Enqueue(e);
        while (history.Count > historyLimit) compactedRv = history.Dequeue().ResourceVersion;
        foreach (var w in watchers) w.Channel.Writer.TryWrite(e);
        store.OnChange(this, e);
    }

    /// <summary>
    /// Starts a watch. Without a resourceVersion (or "0") the current objects come first as ADDED events; with one,
    /// the retained changes after it are replayed, or 410 Gone if it is older than the retained history.
    /// </summary>
    public Watcher Watch(long? fromRv, string? ns)
    {
        lock (gate)
        {
            var w = new Watcher(this, Channel.CreateUnbounded<StoreEvent>(new UnboundedChannelOptions { SingleReader = true }));
            if (fromRv is null or 0)
            {
                foreach (var kv in items)
                    if (ns is null || kv.Key.StartsWith(ns + "/", StringComparison.Ordinal))
                    {
                        w.Channel.Writer.TryWrite(new StoreEvent("ADDED", kv.Value, null, long.Parse(kv.Value.Str("metadata", "resourceVersion")!)));
                        w.InitialCount++;
                    }
                w.InitialEventsSent = store.CurrentRv;
            }
            else
            {
                if (fromRv < compactedRv)
                    throw ApiException.Gone($"too old resource version: {fromRv} ({compactedRv + 1})");
                foreach (var e in history) if (e.ResourceVersion > fromRv) w.Channel.Writer.TryWrite(e);
            }
            watchers.Add(w);
            return w;
        }
    }

    internal void Unwatch(Watcher w)
    {
        lock (gate) watchers.Remove(w);
        w.Channel.Writer.TryComplete();
    }

    /// <summary>Closes every watch (when the resource goes away, e.g. its CRD was deleted).</summary>
    public void CloseWatches()
    {
        lock (gate)
        {
            foreach (var w in watchers) w.Channel.Writer.TryComplete();
            watchers.Clear();
        }
    }
}

/// <summary>A live subscription to a table's changes; dispose to stop.</summary>
public sealed class Watcher(ResourceTable table, Channel<StoreEvent> channel) : IDisposable
{
    public Channel<StoreEvent> Channel { get; } = channel;
    public ResourceTable Table { get; } = table;
    /// <summary>For a watch that started with the current objects: the resourceVersion they reflect (for the initial-events-end bookmark).</summary>
    public long? InitialEventsSent { get; set; }
    /// <summary>How many synthetic ADDED events lead the channel.</summary>
    public int InitialCount { get; set; }
    public void Dispose() => Table.Unwatch(this);
}
