using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Json;

namespace Conformance.Twin.Kube.Patch;

/// <summary>
/// Strategic merge patch for built-in types (k8s.io/apimachinery/pkg/util/strategicpatch): lists with a known
/// patchMergeKey (containers, env, volumes... by name) merge item by item, metadata.finalizers merges as a set,
/// other lists replace; directives $patch (replace/delete/merge), $retainKeys, $setElementOrder/ and
/// $deleteFromPrimitiveList/ are honoured. Fields whose strategy the twin does not know merge as a JSON merge patch.
/// </summary>
public static class StrategicMergePatch
{
    // patchMergeKey of list fields in the core and apps types (from their Go struct tags)
    static readonly Dictionary<string, string> MergeKeys = new()
    {
        ["containers"] = "name", ["initContainers"] = "name", ["ephemeralContainers"] = "name", ["env"] = "name",
        ["volumes"] = "name", ["volumeMounts"] = "mountPath", ["volumeDevices"] = "devicePath", ["imagePullSecrets"] = "name",
        ["hostAliases"] = "ip", ["topologySpreadConstraints"] = "topologyKey", ["conditions"] = "type",
        ["ownerReferences"] = "uid", ["resourceClaims"] = "name", ["schedulingGates"] = "name", ["podIPs"] = "ip",
        ["hostIPs"] = "ip", ["addresses"] = "type", ["containerStatuses"] = "name", ["initContainerStatuses"] = "name",
    };

    static readonly HashSet<string> PrimitiveMergeLists = ["finalizers"];

    public static JsonNode? Apply(JsonNode? original, JsonNode? patch) => MergeValue(original, patch, "", "");

    static JsonNode? MergeValue(JsonNode? orig, JsonNode? patch, string field, string parentPath) => patch switch
    {
        JsonObject p when p.Str("$patch") == "replace" => StripDirectives(p),
        JsonObject p => MergeMap(orig as JsonObject, p, parentPath.Length == 0 ? field : parentPath + "." + field),
        JsonArray a => MergeList(orig as JsonArray, a, field, parentPath),
        _ => patch?.DeepClone(),
    };

    static JsonObject MergeMap(JsonObject? orig, JsonObject patch, string path)
    {
        var result = orig is null ? new JsonObject() : (JsonObject)orig.DeepClone();
        var orders = new Dictionary<string, JsonArray>();
        foreach (var (key, value) in patch)
        {
            if (key == "$patch" || key == "$retainKeys") continue;
            if (key.StartsWith("$setElementOrder/", StringComparison.Ordinal)) { if (value is JsonArray o) orders[key[17..]] = o; continue; }
            if (key.StartsWith("$deleteFromPrimitiveList/", StringComparison.Ordinal))
            {
                var f = key[25..];
                if (result[f] is JsonArray list && value is JsonArray del)
                    for (var i = list.Count - 1; i >= 0; i--)
                        if (del.Any(d => JsonNode.DeepEquals(d, list[i]))) list.RemoveAt(i);
                continue;
            }
            if (value is null) { result.Remove(key); continue; }
            if (value is JsonObject vo && vo.Str("$patch") == "delete") { result.Remove(key); continue; }
            result[key] = MergeValue(result[key], value, key, path);
        }
        foreach (var (f, order) in orders)
            if (result[f] is JsonArray list) result[f] = Reorder(list, order, MergeKeyFor(f, path));
        if (patch["$retainKeys"] is JsonArray keep)
        {
            var names = keep.Select(k => k?.GetValue<string>()).ToHashSet();
            foreach (var k in result.Select(kv => kv.Key).ToList()) if (!names.Contains(k)) result.Remove(k);
        }
        return result;
    }

    static string? MergeKeyFor(string field, string parentPath)
    {
        // Service ports merge by port, container ports by containerPort (same field name, different types)
        if (field == "ports") return parentPath.EndsWith("containers", StringComparison.Ordinal) || parentPath.Contains("ontainers") ? "containerPort" : "port";
        return MergeKeys.GetValueOrDefault(field);
    }

    static JsonArray MergeList(JsonArray? orig, JsonArray patch, string field, string parentPath)
    {
        if (patch.Any(i => i is JsonObject o && o.Str("$patch") == "replace"))
            return new JsonArray(patch.Where(i => !(i is JsonObject o && o.Str("$patch") == "replace")).Select(i => i?.DeepClone()).ToArray());
        var key = MergeKeyFor(field, parentPath);
        if (key is null)
        {
            if (!PrimitiveMergeLists.Contains(field) || orig is null) return (JsonArray)StripDirectives(patch)!;
            var union = (JsonArray)orig.DeepClone();
            foreach (var p in patch) if (!union.Any(u => JsonNode.DeepEquals(u, p))) union.Add(p?.DeepClone());
            return union;
        }
        var result = orig is null ? new JsonArray() : (JsonArray)orig.DeepClone();
        foreach (var item in patch)
        {
            if (item is not JsonObject pi) { result.Add(item?.DeepClone()); continue; }
            var kv = pi[key];
            var idx = IndexOf(result, key, kv);
            if (pi.Str("$patch") == "delete") { if (idx >= 0) result.RemoveAt(idx); continue; }
            if (idx >= 0) result[idx] = MergeMap(result[idx] as JsonObject, pi, parentPath + "." + field);
            else result.Add(StripDirectives(pi));
        }
        return result;
    }

    static int IndexOf(JsonArray list, string key, JsonNode? value)
    {
        for (var i = 0; i < list.Count; i++) if (JsonNode.DeepEquals(list[i]?[key], value)) return i;
        return -1;
    }

    static JsonArray Reorder(JsonArray list, JsonArray order, string? key)
    {
        var items = list.Select(i => i?.DeepClone()).ToList();
        var sorted = new List<JsonNode?>();
        foreach (var o in order)
        {
            var match = items.FindIndex(i => key is null ? JsonNode.DeepEquals(i, o) : JsonNode.DeepEquals(i?[key], o?[key]));
            if (match >= 0) { sorted.Add(items[match]); items.RemoveAt(match); }
        }
        sorted.AddRange(items);
        return new JsonArray(sorted.ToArray());
    }

    static JsonNode? StripDirectives(JsonNode? n)
    {
        switch (n)
        {
            case JsonObject o:
                var r = new JsonObject();
                foreach (var (k, v) in o) if (!k.StartsWith('$')) r[k] = StripDirectives(v);
                return r;
            case JsonArray a:
                return new JsonArray(a.Select(StripDirectives).ToArray());
            default:
                return n?.DeepClone();
        }
    }
}
