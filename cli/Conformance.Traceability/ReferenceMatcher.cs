using System.Text.RegularExpressions;

namespace Conformance.Traceability;

/// <summary>
/// Resolves a reference comment to exactly one claim of docs/claims.yaml:
/// <list type="number">
/// <item>the text after <c>§</c> must start with a heading of the document, as written (the longest one wins);</item>
/// <item>an <c>[id]</c> right after the heading names the claim; it must belong to that document and sit under that
/// heading (its own section or a sub-heading of it);</item>
/// <item>without an id, the claims under that heading are the candidates: one candidate is the match; several are
/// narrowed to those with a keyword in the reference's text; anything but one is an error listing the ids to use.</item>
/// </list>
/// </summary>
public sealed partial class ReferenceMatcher(ClaimsRegister register, IReadOnlyDictionary<string, SpecOutline> outlines)
{
    [GeneratedRegex(@"^\s*(\[(?<id>[^\]]*)\])?\s*[:,—-]?\s*(?<text>.*)$")]
    private static partial Regex AfterHeading();

    public Claim? Match(SpecReference reference, List<TraceError> errors)
    {
        void Error(string message) => errors.Add(new TraceError(reference.File, reference.Line, message));

        if (!register.Documents.ContainsKey(reference.Doc) || !outlines.TryGetValue(reference.Doc, out var outline))
        {
            Error($"'{reference.Doc}' is not a spec document of docs/claims.yaml ({string.Join(", ", register.Documents.Keys)}); " +
                  "cite the document that states the claim, or write the comment as a note ('# Note: ...')");
            return null;
        }
        if (!reference.Rest.StartsWith('§'))
        {
            Error($"a spec reference reads '# {reference.Doc} §<heading as written> [<claim id>]: <short claim>'; this one has no '§'");
            return null;
        }

        var rest = reference.Rest[1..].TrimStart();
        var heading = outline.LongestHeadingPrefix(rest);
        var after = heading is null ? null : AfterHeading().Match(rest[heading.Length..]);
        if (heading is null || !after!.Success || (rest.Length > heading.Length && char.IsLetterOrDigit(rest[heading.Length])))
        {
            Error($"'§{Shorten(rest)}' does not start with a heading of {register.Documents[reference.Doc]}; its headings: " +
                  string.Join(" | ", outline.Headings));
            return null;
        }

        var under = register.Claims.Where(c => c.Doc == reference.Doc && outline.IsWithin(c.Section, heading)).ToList();
        var id = after.Groups["id"].Success ? after.Groups["id"].Value.Trim() : null;
        if (id is not null)
        {
            if (!register.ById.TryGetValue(id, out var claim))
            {
                Error($"no claim '{id}' in docs/claims.yaml; claims under {reference.Doc} §{heading}: {Candidates(under)}");
                return null;
            }
            if (claim.Doc != reference.Doc || !outline.IsWithin(claim.Section, heading))
            {
                Error($"claim '{id}' is {claim.Doc} §{claim.Section}, not under {reference.Doc} §{heading}; fix the id or the heading");
                return null;
            }
            return claim;
        }

        var text = after.Groups["text"].Value;
        if (under.Count == 1) return under[0];
        var byKeyword = under.Where(c => c.Keywords.Any(k => text.Contains(k, StringComparison.OrdinalIgnoreCase))).ToList();
        if (byKeyword.Count == 1) return byKeyword[0];
        Error(under.Count == 0
            ? $"docs/claims.yaml has no claim under {reference.Doc} §{heading}; add one there (with the section as written), or cite another heading"
            : $"the reference matches {(byKeyword.Count == 0 ? "none" : byKeyword.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))} " +
              $"of the claims under {reference.Doc} §{heading}; write the claim's id after the heading, e.g. " +
              $"'# {reference.Doc} §{heading} [{(byKeyword.Count > 0 ? byKeyword : under)[0].Id}]: ...'. Candidates: {Candidates(byKeyword.Count > 0 ? byKeyword : under)}");
        return null;
    }

    private static string Candidates(IEnumerable<Claim> claims)
    {
        var list = claims.Select(c => $"[{c.Id}] {Shorten(c.Text)}").ToList();
        return list.Count == 0 ? "(none)" : string.Join("; ", list);
    }

    private static string Shorten(string text) => text.Length <= 70 ? text : text[..67] + "...";
}
