using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Conformance.Traceability;

/// <summary>One observable promise of a spec document (docs/claims.yaml).</summary>
public sealed class Claim
{
    public string Id { get; set; } = "";
    public string Doc { get; set; } = "";
    public string Section { get; set; } = "";
    public string Text { get; set; } = "";
    public string Owner { get; set; } = "";
    public string? Uncovered { get; set; }
    public string? Note { get; set; }
    public List<string> Keywords { get; set; } = [];

    /// <summary>Line of the entry in claims.yaml, for errors.</summary>
    public int Line { get; set; }
}

/// <summary>docs/claims.yaml: the documents (DOC name to file in shared/specs) and the claims, validated.</summary>
public sealed class ClaimsRegister
{
    public static readonly string[] Owners = ["tier1", "tier2", "tier3", "cross"];

    private ClaimsRegister(IReadOnlyDictionary<string, string> documents, IReadOnlyList<Claim> claims)
    {
        Documents = documents;
        Claims = claims;
        ById = claims.ToDictionary(c => c.Id, StringComparer.Ordinal);
    }

    public IReadOnlyDictionary<string, string> Documents { get; }
    public IReadOnlyList<Claim> Claims { get; }
    public IReadOnlyDictionary<string, Claim> ById { get; }

    public static ClaimsRegister Load(string path, string displayPath)
    {
        var errors = new List<TraceError>();
        ClaimsFile file;
        try
        {
            file = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build()
                .Deserialize<ClaimsFile>(File.ReadAllText(path)) ?? new ClaimsFile();
        }
        catch (YamlException e)
        {
            throw new TraceabilityException([new TraceError(displayPath, (int)e.Start.Line, e.InnerException?.Message ?? e.Message)]);
        }

        var lines = File.ReadAllLines(path);
        var claims = new List<Claim>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in file.Claims)
        {
            var claim = new Claim
            {
                Id = entry.Id ?? "", Doc = entry.Doc ?? "", Section = entry.Section ?? "", Text = entry.Claim ?? "",
                Owner = entry.Owner ?? "", Uncovered = entry.Uncovered, Note = entry.Note, Keywords = entry.Keywords ?? [],
            };
            claim.Line = Array.FindIndex(lines, l => l.TrimStart().StartsWith("- id: ", StringComparison.Ordinal)
                                                       && l.Trim().EndsWith(" " + claim.Id, StringComparison.Ordinal)) + 1;
            void Error(string message) => errors.Add(new TraceError(displayPath, claim.Line, $"claim '{claim.Id}': {message}"));

            if (!System.Text.RegularExpressions.Regex.IsMatch(claim.Id, "^[a-z0-9]+(-[a-z0-9]+)*$"))
                Error("id must be lower-case words joined by '-'");
            if (!seen.Add(claim.Id)) Error("id is used twice");
            if (!file.Documents.ContainsKey(claim.Doc)) Error($"doc '{claim.Doc}' is not one of {string.Join(", ", file.Documents.Keys)}");
            if (claim.Section.Length == 0) Error("section is empty; give the heading as written in the document");
            if (claim.Text.Length == 0) Error("claim is empty");
            if (!Owners.Contains(claim.Owner)) Error($"owner '{claim.Owner}' is not one of {string.Join(", ", Owners)}");
            claims.Add(claim);
        }

        if (errors.Count > 0) throw new TraceabilityException(errors);
        return new ClaimsRegister(file.Documents, claims);
    }

    private sealed class ClaimsFile
    {
        public Dictionary<string, string> Documents { get; set; } = [];
        public List<ClaimEntry> Claims { get; set; } = [];
    }

    private sealed class ClaimEntry
    {
        public string? Id { get; set; }
        public string? Doc { get; set; }
        public string? Section { get; set; }
        public string? Claim { get; set; }
        public string? Owner { get; set; }
        public string? Uncovered { get; set; }
        public string? Note { get; set; }
        public List<string>? Keywords { get; set; }
    }
}
