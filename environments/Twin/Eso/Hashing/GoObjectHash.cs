using System.Text;

namespace Conformance.Twin.Eso.Hashing;

/// <summary>
/// ESO's esutils.ObjectHash: sha3-224 over Go's fmt "%+v" rendering of a value (reference/eso.md §4).
/// Only the two shapes ESO hashes for Secrets are rendered here: map[string][]byte (data-hash) and the
/// labels+annotations struct behind syncedResourceVersion.
/// </summary>
public static class GoObjectHash
{
    /// <summary>ESO: annotation reconcile.external-secrets.io/data-hash = ObjectHash(secret.Data).</summary>
    public static string OfData(IDictionary<string, byte[]>? data) => Sha3_224.HexOf(RenderByteMap(data));

    /// <summary>ESO: ObjectHash of a "namespace/name" string (created-by label value).</summary>
    public static string OfString(string value) => Sha3_224.HexOf(value);

    /// <summary>ESO ctrlutil.HashMeta: ObjectHash(struct{annotations; labels}).</summary>
    public static string OfMeta(IDictionary<string, string>? labels, IDictionary<string, string>? annotations) =>
        Sha3_224.HexOf($"{{annotations:{RenderStringMap(annotations)} labels:{RenderStringMap(labels)}}}");

    // Go's fmt prints maps with keys sorted (byte order) as map[k:v k2:v2].
    public static string RenderByteMap(IDictionary<string, byte[]>? data)
    {
        var sb = new StringBuilder("map[");
        var first = true;
        foreach (var key in (data?.Keys ?? []).Order(StringComparer.Ordinal))
        {
            if (!first) sb.Append(' ');
            first = false;
            sb.Append(key).Append(":[").AppendJoin(' ', data![key].Select(b => (int)b)).Append(']');
        }
        return sb.Append(']').ToString();
    }

    public static string RenderStringMap(IDictionary<string, string>? map)
    {
        var sb = new StringBuilder("map[");
        var first = true;
        foreach (var key in (map?.Keys ?? []).Order(StringComparer.Ordinal))
        {
            if (!first) sb.Append(' ');
            first = false;
            sb.Append(key).Append(':').Append(map![key]);
        }
        return sb.Append(']').ToString();
    }
}
