using System.Globalization;
using System.Text.RegularExpressions;

namespace Conformance.Twin.Injector.Injection;

/// <summary>
/// The Go parsers vault-k8s uses on annotation values, with their error texts, so a bad annotation is denied with the
/// same message as the real injector (reference/vault.md §1.1, §1.2).
/// </summary>
internal static partial class GoParse
{
    /// <summary>go-secure-stdlib parseutil.ParseBool = mapstructure.WeakDecode: "" is false, else strconv.ParseBool.</summary>
    public static bool ParseBoolWeak(string raw)
    {
        if (raw.Length == 0) return false;
        if (TryStrconvBool(raw, out var b)) return b;
        throw new GoParseException($"cannot parse '' as bool: strconv.ParseBool: parsing {Quote(raw)}: invalid syntax");
    }

    /// <summary>strconv.ParseBool's accepted spellings.</summary>
    public static bool TryStrconvBool(string raw, out bool value)
    {
        switch (raw)
        {
            case "1": case "t": case "T": case "true": case "TRUE": case "True": value = true; return true;
            case "0": case "f": case "F": case "false": case "FALSE": case "False": value = false; return true;
            default: value = false; return false;
        }
    }

    /// <summary>strconv.ParseUint(raw, 10, 64): "5s" fails with "invalid syntax" (vault.md §1.2 agent-revoke-grace).</summary>
    public static ulong ParseUint(string raw)
    {
        if (raw.Length == 0 || !raw.All(char.IsAsciiDigit))
            throw new GoParseException($"strconv.ParseUint: parsing {Quote(raw)}: invalid syntax");
        if (!ulong.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            throw new GoParseException($"strconv.ParseUint: parsing {Quote(raw)}: value out of range");
        return v;
    }

    /// <summary>parseutil.ParseInt on a string: "" is 0, else strconv.ParseInt.</summary>
    public static long ParseIntWeak(string raw)
    {
        if (raw.Length == 0) return 0;
        if (long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)) return v;
        throw new GoParseException($"strconv.ParseInt: parsing {Quote(raw)}: invalid syntax");
    }

    public static double ParseFloat(string raw)
    {
        if (double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)) return v;
        throw new GoParseException($"strconv.ParseFloat: parsing {Quote(raw)}: invalid syntax");
    }

    /// <summary>k8s resource.ParseQuantity's format check and error text.</summary>
    public static void CheckQuantity(string raw)
    {
        if (!QuantityRegex().IsMatch(raw))
            throw new GoParseException("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    }

    /// <summary>Go's time.ParseDuration accepts e.g. "1s", "1m30s", "0"; the error text names the input.</summary>
    public static TimeSpan ParseDuration(string raw)
    {
        if (raw == "0") return TimeSpan.Zero;
        var m = DurationRegex().Match(raw);
        if (!m.Success || raw.Length == 0)
            throw new GoParseException($"time: invalid duration {Quote(raw)}");
        double total = 0;
        foreach (Match part in DurationPartRegex().Matches(raw))
        {
            var n = double.Parse(part.Groups[1].Value, CultureInfo.InvariantCulture);
            total += part.Groups[2].Value switch
            {
                "ns" => n / 1e9, "us" or "µs" => n / 1e6, "ms" => n / 1e3, "s" => n, "m" => n * 60, "h" => n * 3600,
                _ => throw new GoParseException($"time: unknown unit {Quote(part.Groups[2].Value)} in duration {Quote(raw)}"),
            };
        }
        return TimeSpan.FromSeconds(total);
    }

    /// <summary>Vault's parseutil.ParseDurationSecond: a Go duration or a plain number of seconds.</summary>
    public static TimeSpan ParseDurationSecond(string raw)
    {
        if (raw.Length == 0) return TimeSpan.Zero;
        if (long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var secs)) return TimeSpan.FromSeconds(secs);
        return ParseDuration(raw);
    }

    public static string Quote(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    [GeneratedRegex("^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$")]
    private static partial Regex QuantityRegex();

    [GeneratedRegex(@"^([0-9]*(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$")]
    private static partial Regex DurationRegex();

    [GeneratedRegex(@"([0-9]*(?:\.[0-9]*)?)(ns|us|µs|ms|s|m|h)")]
    private static partial Regex DurationPartRegex();
}

/// <summary>An annotation value a Go parser in vault-k8s would reject; the message is the Go error text.</summary>
public sealed class GoParseException(string message) : Exception(message);
