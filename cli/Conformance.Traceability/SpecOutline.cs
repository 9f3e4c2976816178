namespace Conformance.Traceability;

/// <summary>
/// The headings of one spec document (shared/specs), as a tree: a reference may cite a claim's own heading or any
/// heading above it (<c>§Decision</c> for a claim under <c>### Architecture</c> inside <c>## Decision</c>).
/// </summary>
public sealed class SpecOutline
{
    private readonly List<(int Level, string Text, int Parent)> _headings = [];

    public string File { get; }

    private SpecOutline(string file) => File = file;

    public IEnumerable<string> Headings => _headings.Select(h => h.Text).Distinct();

    public static SpecOutline Read(string path)
    {
        var outline = new SpecOutline(path);
        var stack = new List<int>(); // indexes of the open headings, outermost first
        var fenced = false;
        foreach (var line in System.IO.File.ReadLines(path))
        {
            if (line.StartsWith("```", StringComparison.Ordinal)) fenced = !fenced;
            if (fenced || !line.StartsWith('#')) continue;
            var level = line.TakeWhile(c => c == '#').Count();
            if (level >= line.Length || line[level] != ' ') continue;
            while (stack.Count > 0 && outline._headings[stack[^1]].Level >= level) stack.RemoveAt(stack.Count - 1);
            outline._headings.Add((level, line[(level + 1)..].Trim(), stack.Count > 0 ? stack[^1] : -1));
            stack.Add(outline._headings.Count - 1);
        }
        return outline;
    }

    public bool Has(string heading) => _headings.Any(h => h.Text == heading);

    /// <summary>True when <paramref name="heading"/> is <paramref name="ancestor"/> or sits (at any depth) under it.</summary>
    public bool IsWithin(string heading, string ancestor)
    {
        for (var i = 0; i < _headings.Count; i++)
        {
            if (_headings[i].Text != heading) continue;
            for (var j = i; j >= 0; j = _headings[j].Parent)
                if (_headings[j].Text == ancestor) return true;
        }
        return false;
    }

    /// <summary>The longest heading that <paramref name="text"/> starts with, or null.</summary>
    public string? LongestHeadingPrefix(string text) =>
        _headings.Select(h => h.Text).Where(h => text.StartsWith(h, StringComparison.Ordinal)).MaxBy(h => h.Length);
}
