using System.Text.RegularExpressions;

namespace Conformance.Environments.Options;

/// <summary>
/// A Docker image reference <c>[registry[:port]/]repository[:tag][@sha256:digest]</c>, parsed by Docker's grammar
/// (distribution/reference) closely enough to reject malformed input before anything starts.
/// </summary>
public sealed partial record ImageReference(string Repository, string? Tag, string? Digest)
{
    public override string ToString() =>
        Repository + (Tag is null ? "" : ":" + Tag) + (Digest is null ? "" : "@" + Digest);

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string? text, out ImageReference? reference, out string? error)
    {
        reference = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "is empty";
            return false;
        }

        if (text != text.Trim() || text.Any(char.IsWhiteSpace))
        {
            error = "contains whitespace";
            return false;
        }

        var rest = text;
        string? digest = null;
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
            if (!DigestPattern().IsMatch(digest))
            {
                error = $"digest '{digest}' is not of the form sha256:<64 hex digits>";
                return false;
            }
        }

        string? tag = null;
        var lastSlash = rest.LastIndexOf('/');
        var colon = rest.LastIndexOf(':');
        if (colon > lastSlash)
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
            if (!TagPattern().IsMatch(tag))
            {
                error = $"tag '{tag}' is malformed (letters, digits, '_', '.', '-'; at most 128; not starting with '.' or '-')";
                return false;
            }
        }

        if (!RepositoryPattern().IsMatch(rest))
        {
            error = $"repository '{rest}' is malformed (lower-case path components separated by '/', optional registry host[:port])";
            return false;
        }

        if (tag is null && digest is null)
        {
            error = "has neither a tag nor a digest; pin one (e.g. ':1.2.3'), floating 'latest' makes runs irreproducible";
            return false;
        }

        reference = new ImageReference(rest, tag, digest);
        return true;
    }

    public static ImageReference Parse(string text) =>
        TryParse(text, out var r, out var e) ? r! : throw new FormatException($"image '{text}' {e}");

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagPattern();

    [GeneratedRegex("^sha256:[a-f0-9]{64}$")]
    private static partial Regex DigestPattern();

    // Optional registry (host with a dot or a port, or localhost) followed by lower-case path components.
    [GeneratedRegex(@"^(?:(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+|localhost|[A-Za-z0-9-]+:\d+|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+:\d+)/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex RepositoryPattern();
}
