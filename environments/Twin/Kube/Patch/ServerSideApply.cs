using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Http;
using Conformance.Twin.Kube.Json;
using Conformance.Twin.Kube.Storage;

namespace Conformance.Twin.Kube.Patch;

/// <summary>
/// Server-side apply, minimally (KEP-555): the applied configuration is merged into the live object (lists with
/// merge keys by key, as strategic merge), the manager owns exactly the fields it applied, fields it applied before
/// and no longer applies are removed when nobody else owns them, and a field owned by another manager with a
/// different value is a conflict unless force=true.
/// </summary>
public static class ServerSideApply
{
    public static JsonObject Apply(ResourceType t, JsonObject? live, JsonObject applied, string manager, bool force, DateTimeOffset now)
    {
        var appliedLeaves = ManagedFields.Leaves(StripMeta(applied));
        var apiVersion = applied.Str("apiVersion") ?? "";
        if (live is null)
        {
            var created = applied.CloneObj();
            var entries = new JsonArray();
            ManagedFields.Assign(entries, manager, "Apply", apiVersion, now, appliedLeaves, true, null);
            created.Meta()["managedFields"] = entries;
            return created;
        }

        var liveEntries = live.Arr("metadata", "managedFields")?.DeepClone() as JsonArray ?? new JsonArray();
        var conflicts = new List<(string Manager, string Field)>();
        HashSet<string> previous = [];
        foreach (var e in liveEntries)
        {
            var owner = e.Str("manager") ?? "";
            var fields = ManagedFields.FromFieldsV1(e?["fieldsV1"]);
            if (owner == manager && e.Str("operation") == "Apply") { previous = fields; continue; }
            if (owner == manager) continue;
            foreach (var f in fields)
                if (appliedLeaves.Contains(f) && !JsonNode.DeepEquals(ManagedFields.At(live, f), ManagedFields.At(applied, f)))
                    conflicts.Add((owner, f));
        }
        if (conflicts.Count > 0 && !force)
        {
            var lines = conflicts.Select(c => $"conflict with \"{c.Manager}\": {ManagedFields.Display(c.Field)}").ToList();
            var msg = lines.Count == 1 ? $"Apply failed with 1 conflict: {lines[0]}" : $"Apply failed with {lines.Count} conflicts: {string.Join("\n", lines)}";
            var details = new JsonObject
            {
                ["name"] = live.Name(), ["group"] = t.Group, ["kind"] = t.Plural,
                ["causes"] = new JsonArray(conflicts.Select(c => (JsonNode)new JsonObject
                {
                    ["reason"] = "FieldManagerConflict", ["message"] = $"conflict with \"{c.Manager}\"", ["field"] = ManagedFields.Display(c.Field),
                }).ToArray()),
            };
            throw new ApiException(409, "Conflict", msg, details);
        }

        var merged = (JsonObject)StrategicMergePatch.Apply(live, StripServerMeta(applied))!;
        // fields this manager applied before and dropped now are removed unless another manager owns them
        var ownedByOthers = liveEntries.Where(e => e.Str("manager") != manager)
            .SelectMany(e => ManagedFields.FromFieldsV1(e?["fieldsV1"])).ToHashSet();
        foreach (var f in previous)
            if (!appliedLeaves.Contains(f) && !ownedByOthers.Contains(f)) ManagedFields.RemoveAt(merged, f);
        ManagedFields.Assign(liveEntries, manager, "Apply", apiVersion, now, appliedLeaves, true, null);
        merged.Meta()["managedFields"] = liveEntries;
        return merged;
    }

    static JsonObject StripMeta(JsonObject o)
    {
        var c = o.CloneObj();
        c.Meta().Remove("managedFields");
        return c;
    }

    static JsonObject StripServerMeta(JsonObject o)
    {
        var c = o.CloneObj();
        foreach (var f in new[] { "managedFields", "resourceVersion", "uid", "creationTimestamp", "generation" }) c.Meta().Remove(f);
        return c;
    }
}
