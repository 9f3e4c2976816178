using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Conformance.Twin.Kube.Schema;

namespace Conformance.Twin.Kube.Api;

/// <summary>Object name rules (k8s.io/apimachinery/pkg/util/validation) and generateName suffixes.</summary>
public static partial class Names
{
    const string SubdomainMsg = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    const string LabelMsg = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    static readonly HashSet<string> LabelNamed = ["namespaces", "services"];

    /// <summary>Errors for metadata.name of a new object of the given resource.</summary>
    public static IEnumerable<FieldError> Validate(string plural, string name, bool isCustom)
    {
        if (plural is "roles" or "clusterroles" or "rolebindings" or "clusterrolebindings")
        {
            // RBAC names are path segments only
            if (name is "." or ".." || name.Contains('/') || name.Contains('%'))
                yield return FieldError.Invalid("metadata.name", JsonValue.Create(name), "may not contain '/' or '%'");
            yield break;
        }
        if (LabelNamed.Contains(plural) && !isCustom)
        {
            if (name.Length > 63 || !LabelRe().IsMatch(name))
                yield return FieldError.Invalid("metadata.name", JsonValue.Create(name), name.Length > 63 ? "must be no more than 63 characters" : LabelMsg);
            yield break;
        }
        if (name.Length > 253) yield return FieldError.Invalid("metadata.name", JsonValue.Create(name), "must be no more than 253 characters");
        else if (!SubdomainRe().IsMatch(name)) yield return FieldError.Invalid("metadata.name", JsonValue.Create(name), SubdomainMsg);
    }

    const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>generateName's 5-character random suffix (k8s.io/apiserver/pkg/storage/names).</summary>
    public static string Generate(string prefix)
    {
        if (prefix.Length > 58) prefix = prefix[..58];
        Span<char> s = stackalloc char[5];
        for (var i = 0; i < 5; i++) s[i] = Alphabet[Random.Shared.Next(Alphabet.Length)];
        return prefix + new string(s);
    }

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")] private static partial Regex SubdomainRe();
    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")] private static partial Regex LabelRe();
}
