using System.Text.Json.Nodes;

namespace Conformance.Twin.Kube.Http.Protobuf;

/// <summary>
/// Decodes application/vnd.kubernetes.protobuf request bodies ("k8s\0" + runtime.Unknown) for the kinds kubectl's
/// typed clients send (kubectl create namespace/secret/configmap/serviceaccount/token/role/rolebinding...), using the
/// field numbers of k8s.io/api's generated.proto. Other kinds are refused with 415 so the client can be pointed at JSON.
/// </summary>
public static class KubeProtobuf
{
    static readonly byte[] Magic = "k8s\0"u8.ToArray();

    public static JsonObject Decode(ReadOnlySpan<byte> body)
    {
        if (!body.StartsWith(Magic)) throw new FormatException("missing k8s protobuf prefix");
        var r = new ProtoReader(body[4..]);
        string apiVersion = "", kind = "";
        ReadOnlySpan<byte> raw = default;
        while (r.Next(out var f, out var wt))
        {
            if (f == 1 && wt == 2)
            {
                var tm = new ProtoReader(r.Bytes());
                while (tm.Next(out var tf, out var twt))
                {
                    if (tf == 1 && twt == 2) apiVersion = tm.String();
                    else if (tf == 2 && twt == 2) kind = tm.String();
                    else tm.Skip(twt);
                }
            }
            else if (f == 2 && wt == 2) raw = r.Bytes();
            else r.Skip(wt);
        }
        var obj = kind switch
        {
            "Namespace" => Message(raw, new() { [1] = Meta, [2] = ("spec", b => Message(b, new() { [1] = Strings("finalizers") })) }),
            "ConfigMap" => Message(raw, new() { [1] = Meta, [2] = StringMap("data"), [3] = BytesMap("binaryData"), [4] = Bool("immutable") }),
            "Secret" => Message(raw, new() { [1] = Meta, [2] = BytesMap("data"), [3] = Str("type"), [4] = StringMap("stringData"), [5] = Bool("immutable") }),
            "ServiceAccount" => Message(raw, new() { [1] = Meta, [4] = Bool("automountServiceAccountToken") }),
            "TokenRequest" => Message(raw, new()
            {
                [1] = Meta,
                [2] = ("spec", b => Message(b, new()
                {
                    [1] = Strings("audiences"), [4] = Int("expirationSeconds"),
                    [3] = ("boundObjectRef", x => Message(x, new() { [1] = Str("kind"), [2] = Str("apiVersion"), [3] = Str("name"), [4] = Str("uid") })),
                })),
            }),
            "Role" or "ClusterRole" => Message(raw, new() { [1] = Meta, [2] = Repeated("rules", b => Rule(b)) }),
            "RoleBinding" or "ClusterRoleBinding" => Message(raw, new()
            {
                [1] = Meta,
                [2] = Repeated("subjects", b => Message(b, new() { [1] = Str("kind"), [2] = Str("apiGroup"), [3] = Str("name"), [4] = Str("namespace") })),
                [3] = ("roleRef", b => Message(b, new() { [1] = Str("apiGroup"), [2] = Str("kind"), [3] = Str("name") })),
            }),
            _ => throw new NotSupportedException(kind),
        };
        obj["apiVersion"] = apiVersion;
        obj["kind"] = kind;
        return obj;
    }

    delegate JsonNode? Decoder(ReadOnlySpan<byte> bytes);
    sealed class Fields : Dictionary<int, (string Name, Decoder Decode)>;

    static (string, Decoder) Meta => ("metadata", b => Message(b, new()
    {
        [1] = Str("name"), [2] = Str("generateName"), [3] = Str("namespace"), [11] = StringMap("labels"), [12] = StringMap("annotations"), [14] = Strings("finalizers"),
    }));

    static JsonObject Rule(ReadOnlySpan<byte> b) => Message(b, new()
    {
        [1] = Strings("verbs"), [2] = Strings("apiGroups"), [3] = Strings("resources"), [4] = Strings("resourceNames"), [5] = Strings("nonResourceURLs"),
    });

    // Scalars and repeated/map fields are folded in Message; these markers say how.
    static (string, Decoder) Str(string name) => (name, b => JsonValue.Create(System.Text.Encoding.UTF8.GetString(b)));
    static (string, Decoder) Strings(string name) => ("[]" + name, b => JsonValue.Create(System.Text.Encoding.UTF8.GetString(b)));
    static (string, Decoder) Repeated(string name, Decoder d) => ("[]" + name, d);
    static (string, Decoder) StringMap(string name) => ("{}" + name, b => JsonValue.Create(System.Text.Encoding.UTF8.GetString(b)));
    static (string, Decoder) BytesMap(string name) => ("{}" + name, b => JsonValue.Create(Convert.ToBase64String(b)));
    static (string, Decoder) Bool(string name) => ("?" + name, _ => null);
    static (string, Decoder) Int(string name) => ("#" + name, _ => null);

    static JsonObject Message(ReadOnlySpan<byte> bytes, Fields fields)
    {
        var o = new JsonObject();
        var r = new ProtoReader(bytes);
        while (r.Next(out var f, out var wt))
        {
            if (!fields.TryGetValue(f, out var spec)) { r.Skip(wt); continue; }
            var (name, decode) = spec;
            if (name.StartsWith('?')) { o[name[1..]] = r.Varint() != 0; continue; }
            if (name.StartsWith('#')) { o[name[1..]] = (long)r.Varint(); continue; }
            var payload = r.Bytes();
            if (name.StartsWith("[]"))
            {
                var arr = o[name[2..]] as JsonArray ?? new JsonArray();
                arr.Add(decode(payload));
                o[name[2..]] = arr;
            }
            else if (name.StartsWith("{}"))
            {
                var map = o[name[2..]] as JsonObject ?? new JsonObject();
                var entry = new ProtoReader(payload);
                string key = ""; JsonNode? value = JsonValue.Create("");
                while (entry.Next(out var ef, out var ewt))
                {
                    if (ef == 1) key = entry.String();
                    else if (ef == 2) value = decode(entry.Bytes());
                    else entry.Skip(ewt);
                }
                map[key] = value;
                o[name[2..]] = map;
            }
            else o[name] = decode(payload);
        }
        return o;
    }
}
