using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Conformance.Twin.Vault.Http;

/// <summary>Vault's duration syntax (parseutil.ParseDurationSecond) and Go's time.Duration.String() for warnings.</summary>
public static partial class GoDuration
{
    [GeneratedRegex(@"^(\d+(\.\d+)?)(ns|us|µs|ms|s|m|h|d)")]
    private static partial Regex Unit();

    /// <summary>Parses "90", "90s", "1m30s", "2h", "1d" (Vault parseutil accepts a plain number of seconds and a "d" suffix).</summary>
    public static TimeSpan Parse(string text)
    {
        var s = text.Trim();
        if (s.Length == 0) return TimeSpan.Zero;
        if (long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var secs)) return TimeSpan.FromSeconds(secs);
        var total = TimeSpan.Zero;
        var rest = s;
        while (rest.Length > 0)
        {
            var m = Unit().Match(rest);
            if (!m.Success) throw new FormatException($"time: invalid duration \"{text}\"");
            var v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            total += m.Groups[3].Value switch
            {
                "ns" => TimeSpan.FromTicks((long)(v / 100)),
                "us" or "µs" => TimeSpan.FromTicks((long)(v * 10)),
                "ms" => TimeSpan.FromMilliseconds(v),
                "s" => TimeSpan.FromSeconds(v),
                "m" => TimeSpan.FromMinutes(v),
                "h" => TimeSpan.FromHours(v),
                _ => TimeSpan.FromDays(v),
            };
            rest = rest[m.Length..];
        }
        return total;
    }

    /// <summary>Go's Duration.String() for whole seconds, e.g. "1m0s", "2h30m5s", "0s" (used in Vault's capping warning).</summary>
    public static string Format(TimeSpan d)
    {
        var secs = (long)Math.Round(d.TotalSeconds, MidpointRounding.AwayFromZero);
        if (secs == 0) return "0s";
        var sb = new StringBuilder();
        if (secs < 0) { sb.Append('-'); secs = -secs; }
        var h = secs / 3600; var m = secs % 3600 / 60; var s = secs % 60;
        if (h > 0) sb.Append(h).Append('h');
        if (h > 0 || m > 0) sb.Append(m).Append('m');
        sb.Append(s).Append('s');
        return sb.ToString();
    }
}
