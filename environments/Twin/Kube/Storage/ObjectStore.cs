using System.Collections.Concurrent;

namespace Conformance.Twin.Kube.Storage;

/// <summary>All resource tables, the global resourceVersion counter, and the served resource types.</summary>
public sealed class ObjectStore(int historyLimit = 4096)
{
    long rv = 1;
    readonly ConcurrentDictionary<string, ResourceTable> tables = new();
    readonly object typesGate = new();
    volatile IReadOnlyList<ResourceType> types = [];

    public long NextRv() => Interlocked.Increment(ref rv);
    public long CurrentRv => Interlocked.Read(ref rv);

    /// <summary>Raised inside the table's lock after every change; handlers must only enqueue work.</summary>
    public event Action<ResourceTable, StoreEvent>? Changed;
    internal void OnChange(ResourceTable t, StoreEvent e) => Changed?.Invoke(t, e);

    public IReadOnlyList<ResourceType> Types => types;

    static string Key(string group, string plural) => group + "/" + plural;

    /// <summary>Adds or replaces a resource type (a CRD update replaces its names and schemas; the objects stay).</summary>
    public ResourceTable Register(ResourceType t)
    {
        lock (typesGate)
        {
            var table = tables.GetOrAdd(Key(t.Group, t.Plural), _ => new ResourceTable(this, t, historyLimit));
            table.Type = t;
            types = types.Where(x => !(x.Group == t.Group && x.Plural == t.Plural)).Append(t).ToList();
            return table;
        }
    }

    public void Unregister(string group, string plural)
    {
        lock (typesGate)
        {
            types = types.Where(x => !(x.Group == group && x.Plural == plural)).ToList();
            if (tables.TryRemove(Key(group, plural), out var t)) t.CloseWatches();
        }
    }

    public ResourceTable? Table(string group, string plural) => tables.GetValueOrDefault(Key(group, plural));

    public ResourceTable TableFor(ResourceType t) => Table(t.Group, t.Plural) ?? throw new InvalidOperationException($"{t} is not registered");

    /// <summary>The served type for group/version/plural, or null.</summary>
    public ResourceType? Find(string group, string version, string plural) =>
        types.FirstOrDefault(t => t.Group == group && t.Plural == plural && t.Versions.Contains(version));

    /// <summary>The served type for an apiVersion and kind (used for ownerReferences and involvedObject).</summary>
    public ResourceType? FindKind(string apiVersion, string kind)
    {
        var slash = apiVersion.IndexOf('/');
        var group = slash < 0 ? "" : apiVersion[..slash];
        var version = slash < 0 ? apiVersion : apiVersion[(slash + 1)..];
        return types.FirstOrDefault(t => t.Group == group && t.Kind == kind && t.Versions.Contains(version))
               ?? types.FirstOrDefault(t => t.Group == group && t.Kind == kind);
    }

    public IEnumerable<ResourceTable> Tables => tables.Values;
}
