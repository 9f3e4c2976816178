using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Http;

namespace Conformance.Twin.Kube.Patch;

/// <summary>JSON Patch (RFC 6902) with JSON Pointers (RFC 6901); failures are 422 as the API server reports them.</summary>
public static class JsonPatch
{
    public static JsonNode? Apply(JsonNode? doc, JsonNode? patch)
    {
        if (patch is not JsonArray ops) throw ApiException.BadRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
        var root = doc?.DeepClone();
        foreach (var op in ops)
        {
            var kind = op?["op"]?.GetValue<string>() ?? throw Unprocessable("Unexpected kind: unknown");
            var path = op["path"]?.GetValue<string>() ?? throw Unprocessable($"{kind} operation missing path");
            switch (kind)
            {
                case "add": root = Add(root, path, op["value"]?.DeepClone(), kind); break;
                case "remove": root = Remove(root, path, out _); break;
                case "replace":
                    if (Resolve(root, path) is null && !Exists(root, path)) throw Unprocessable($"replace operation does not apply: doc is missing key: {path}: missing value");
                    root = Remove(root, path, out _);
                    root = Add(root, path, op["value"]?.DeepClone(), kind);
                    break;
                case "move":
                {
                    var from = op["from"]?.GetValue<string>() ?? "";
                    root = Remove(root, from, out var v);
                    root = Add(root, path, v, kind);
                    break;
                }
                case "copy":
                {
                    var from = op["from"]?.GetValue<string>() ?? "";
                    if (!Exists(root, from)) throw Unprocessable($"copy operation does not apply: doc is missing from path: {from}: missing value");
                    root = Add(root, path, Resolve(root, from)?.DeepClone(), kind);
                    break;
                }
                case "test":
                    if (!Exists(root, path) || !JsonNode.DeepEquals(Resolve(root, path), op["value"]))
                        throw Unprocessable($"testing value {path} failed: test failed");
                    break;
                default: throw Unprocessable($"Unexpected kind: {kind}");
            }
        }
        return root;
    }

    static ApiException Unprocessable(string msg) => new(422, "Invalid", msg);

    static List<string> Tokens(string path)
    {
        if (path.Length == 0) return [];
        if (path[0] != '/') throw Unprocessable($"JSON pointer must be empty or start with a \"/\": {path}");
        return path[1..].Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToList();
    }

    static bool Exists(JsonNode? root, string path)
    {
        var toks = Tokens(path);
        JsonNode? cur = root;
        foreach (var t in toks)
        {
            switch (cur)
            {
                case JsonObject o when o.TryGetPropertyValue(t, out var n): cur = n; break;
                case JsonArray a when int.TryParse(t, out var i) && i >= 0 && i < a.Count: cur = a[i]; break;
                default: return false;
            }
        }
        return true;
    }

    static JsonNode? Resolve(JsonNode? root, string path)
    {
        JsonNode? cur = root;
        foreach (var t in Tokens(path))
            cur = cur switch
            {
                JsonObject o => o[t],
                JsonArray a when int.TryParse(t, out var i) && i >= 0 && i < a.Count => a[i],
                _ => null,
            };
        return cur;
    }

    static JsonNode? Add(JsonNode? root, string path, JsonNode? value, string op)
    {
        var toks = Tokens(path);
        if (toks.Count == 0) return value;
        var parent = Resolve(root, "/" + string.Join('/', toks.Take(toks.Count - 1).Select(Escape)));
        if (toks.Count == 1) parent = root;
        var last = toks[^1];
        switch (parent)
        {
            case JsonObject o: o[last] = value; break;
            case JsonArray a:
                if (last == "-") { a.Add(value); break; }
                if (!int.TryParse(last, out var i) || i < 0 || i > a.Count) throw Unprocessable($"{op} operation does not apply: doc is missing path: \"{path}\": missing value");
                if (op == "replace" && i < a.Count) a[i] = value; else a.Insert(i, value);
                break;
            default: throw Unprocessable($"{op} operation does not apply: doc is missing path: \"{path}\": missing value");
        }
        return root;
    }

    static JsonNode? Remove(JsonNode? root, string path, out JsonNode? removed)
    {
        var toks = Tokens(path);
        var parent = toks.Count == 1 ? root : Resolve(root, "/" + string.Join('/', toks.Take(toks.Count - 1).Select(Escape)));
        var last = toks[^1];
        switch (parent)
        {
            case JsonObject o when o.ContainsKey(last): removed = o[last]; o.Remove(last); removed = removed?.DeepClone(); return root;
            case JsonArray a when int.TryParse(last, out var i) && i >= 0 && i < a.Count: removed = a[i]?.DeepClone(); a.RemoveAt(i); return root;
            default: throw Unprocessable($"remove operation does not apply: doc is missing path: \"{path}\": missing value");
        }
    }

    static string Escape(string t) => t.Replace("~", "~0").Replace("/", "~1");
}
