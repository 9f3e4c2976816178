namespace Conformance.Traceability;

/// <summary>
/// Reads docs/claims.yaml, the spec documents' headings (shared/specs) and features/*.feature, resolves every spec
/// reference to a claim, and joins the verdicts. Every reference that matches no claim is an error with its file:line;
/// all of them are reported together.
/// </summary>
public static class TraceabilityGenerator
{
    public const string ClaimsPath = "docs/claims.yaml";
    public const string ReportPath = "docs/traceability.md";

    public static Traceability Build(string repositoryRoot, string specsFolder, Verdicts verdicts)
    {
        var register = ClaimsRegister.Load(Path.Combine(repositoryRoot, ClaimsPath), ClaimsPath);
        var errors = new List<TraceError>();

        var outlines = new Dictionary<string, SpecOutline>(StringComparer.Ordinal);
        foreach (var (doc, file) in register.Documents)
        {
            var path = Path.Combine(specsFolder, file);
            if (File.Exists(path)) outlines[doc] = SpecOutline.Read(path);
            else errors.Add(new TraceError(ClaimsPath, 0, $"document {doc} is {file}, which is not in {specsFolder}"));
        }
        foreach (var claim in register.Claims)
        {
            if (outlines.TryGetValue(claim.Doc, out var outline) && !outline.Has(claim.Section))
                errors.Add(new TraceError(ClaimsPath, claim.Line,
                    $"claim '{claim.Id}': section '{claim.Section}' is not a heading of {register.Documents[claim.Doc]}; write it as the document does"));
        }

        var scenarios = FeatureScan.Scan(Path.Combine(repositoryRoot, "features"), "features/", errors);
        var matcher = new ReferenceMatcher(register, outlines);
        var claimsOf = new Dictionary<TracedScenario, IReadOnlyList<Claim>>();
        var matched = new Dictionary<SpecReference, Claim?>();
        foreach (var scenario in scenarios)
        {
            var claims = new List<Claim>();
            foreach (var reference in scenario.References)
            {
                // A feature-level reference is shared by many scenarios: resolve (and report) it once.
                if (!matched.TryGetValue(reference, out var claim)) matched[reference] = claim = matcher.Match(reference, errors);
                if (claim is not null) claims.Add(claim);
            }
            claimsOf[scenario] = claims;
        }

        if (errors.Count > 0) throw new TraceabilityException(errors);
        return new Traceability(register, scenarios, claimsOf, verdicts);
    }
}
