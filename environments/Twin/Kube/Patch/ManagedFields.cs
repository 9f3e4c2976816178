using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Json;

namespace Conformance.Twin.Kube.Patch;

/// <summary>
/// metadata.managedFields, kept minimally (k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager): one entry per
/// manager and operation with the fields it set in FieldsV1 form (<c>{"f:spec":{"f:x":{}}}</c>). Lists are atomic.
/// </summary>
public static class ManagedFields
{
    const char Sep = '\u0001';
    static readonly HashSet<string> ServerMeta = ["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink", "generateName"];

    /// <summary>The leaf paths of an object (separator \u0001), excluding server-owned metadata.</summary>
    public static HashSet<string> Leaves(JsonNode? node)
    {
        var set = new HashSet<string>();
        Walk(node, "", set, true);
        return set;
    }

    static void Walk(JsonNode? node, string path, HashSet<string> set, bool root)
    {
        if (node is JsonObject o && (o.Count > 0 || root))
        {
            foreach (var (k, v) in o)
            {
                if (root && k is "apiVersion" or "kind") continue;
                if (path == "metadata" && ServerMeta.Contains(k)) continue;
                Walk(v, path.Length == 0 ? k : path + Sep + k, set, false);
            }
            return;
        }
        if (path.Length > 0) set.Add(path);
    }

    public static JsonObject ToFieldsV1(IEnumerable<string> leaves)
    {
        var root = new JsonObject();
        foreach (var leaf in leaves.OrderBy(l => l, StringComparer.Ordinal))
        {
            var cur = root;
            foreach (var part in leaf.Split(Sep)) cur = cur.Ensure("f:" + part);
        }
        return root;
    }

    public static HashSet<string> FromFieldsV1(JsonNode? fields)
    {
        var set = new HashSet<string>();
        void Rec(JsonNode? n, string path)
        {
            if (n is not JsonObject o || o.Count == 0) { if (path.Length > 0) set.Add(path); return; }
            foreach (var (k, v) in o)
            {
                if (k == ".") { set.Add(path); continue; }
                var name = k.StartsWith("f:") ? k[2..] : k;
                Rec(v, path.Length == 0 ? name : path + Sep + name);
            }
        }
        Rec(fields, "");
        return set;
    }

    public static string Display(string leaf) => "." + leaf.Replace(Sep, '.');

    public static JsonNode? At(JsonNode? obj, string leaf) => obj.Get(leaf.Split(Sep));

    public static void RemoveAt(JsonObject obj, string leaf)
    {
        var parts = leaf.Split(Sep);
        if (obj.Get(parts[..^1]) is JsonObject parent) parent.Remove(parts[^1]);
    }

    /// <summary>Gives <paramref name="manager"/> the fields that changed (all fields on create) and takes them from other managers.</summary>
    public static void RecordUpdate(JsonObject obj, JsonObject? old, string manager, string operation, string apiVersion, DateTimeOffset now)
    {
        var newLeaves = Leaves(Strip(obj));
        var changed = old is null ? newLeaves : newLeaves.Where(l => !JsonNode.DeepEquals(At(obj, l), At(old, l))).ToHashSet();
        var entries = (old?.Arr("metadata", "managedFields") ?? obj.Arr("metadata", "managedFields"))?.DeepClone() as JsonArray ?? new JsonArray();
        if (changed.Count == 0 && old is not null) { obj.Meta()["managedFields"] = entries.Count > 0 ? entries : null; if (entries.Count == 0) obj.Meta().Remove("managedFields"); return; }
        Assign(entries, manager, operation, apiVersion, now, changed, replace: false, subresource: null);
        obj.Meta()["managedFields"] = entries;
    }

    static JsonObject Strip(JsonObject o)
    {
        var c = o.CloneObj();
        c.Meta().Remove("managedFields");
        return c;
    }

    /// <summary>Sets a manager's entry: its fields become <paramref name="fields"/> (replace) or gain them; others lose them.</summary>
    public static void Assign(JsonArray entries, string manager, string operation, string apiVersion, DateTimeOffset now, IReadOnlySet<string> fields, bool replace, string? subresource)
    {
        JsonObject? mine = null;
        for (var i = entries.Count - 1; i >= 0; i--)
        {
            var e = (JsonObject)entries[i]!;
            if (e.Str("manager") == manager && e.Str("operation") == operation) { mine = e; continue; }
            var theirs = FromFieldsV1(e["fieldsV1"]);
            if (theirs.RemoveWhere(fields.Contains) > 0)
            {
                if (theirs.Count == 0) entries.RemoveAt(i);
                else e["fieldsV1"] = ToFieldsV1(theirs);
            }
        }
        var set = replace || mine is null ? new HashSet<string>(fields) : FromFieldsV1(mine["fieldsV1"]).Union(fields).ToHashSet();
        if (mine is null)
        {
            mine = new JsonObject();
            entries.Add(mine);
        }
        mine["manager"] = manager;
        mine["operation"] = operation;
        mine["apiVersion"] = apiVersion;
        mine["time"] = JsonUtil.Rfc3339(now);
        mine["fieldsType"] = "FieldsV1";
        mine["fieldsV1"] = ToFieldsV1(set);
        if (subresource is not null) mine["subresource"] = subresource;
    }
}
