using System.Globalization;
using Conformance.Fixtures.Evidence;

namespace Conformance.Environments.Live;

/// <summary>
/// Logs stamped by the kubelet (<c>pods/log?timestamps=true</c>) or by Docker (<c>docker logs -t</c>): each line starts
/// with an RFC3339Nano time and a space. Both sources filter by whole seconds only, so the window is cut here.
/// </summary>
public static class TimestampedLines
{
    /// <summary>The lines of <paramref name="text"/> inside [from, to]; a line without a stamp belongs to the one before
    /// it (a multi-line message), and is dropped when it opens the text.</summary>
    public static IReadOnlyList<DiagnosticLine> Window(string text, DateTimeOffset from, DateTimeOffset to)
    {
        var lines = new List<DiagnosticLine>();
        DateTimeOffset? last = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0) continue;
            if (TryParse(line, out var time, out var rest)) last = time;
            else if (last is null) continue;
            else rest = line;
            if (last >= from && last <= to) lines.Add(new DiagnosticLine(last, rest));
        }

        return lines;
    }

    /// <summary>Splits <c>2026-11-23T02:41:57.123456789Z text</c>; .NET parses at most 7 fraction digits, so the rest is cut.</summary>
    public static bool TryParse(string line, out DateTimeOffset time, out string text)
    {
        time = default;
        text = line;
        var space = line.IndexOf(' ');
        var stamp = space < 0 ? line : line[..space];
        if (stamp.Length < 20 || stamp[4] != '-' || stamp[10] != 'T') return false;
        var dot = stamp.IndexOf('.', 19);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < stamp.Length && char.IsAsciiDigit(stamp[end])) end++;
            stamp = stamp[..Math.Min(end, dot + 8)] + stamp[end..];
        }

        if (!DateTimeOffset.TryParse(stamp, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out time))
            return false;
        text = space < 0 ? "" : line[(space + 1)..];
        return true;
    }

    /// <summary>RFC3339 with whole seconds, floored: what <c>sinceTime</c> accepts (metav1.Time).</summary>
    public static string SinceTime(DateTimeOffset from) =>
        new DateTimeOffset(from.UtcTicks - from.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
