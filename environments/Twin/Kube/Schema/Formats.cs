using System.Net;
using System.Text.RegularExpressions;

namespace Conformance.Twin.Kube.Schema;

/// <summary>The string formats the API server checks for CRDs (apiextensions' supported formats); others are accepted.</summary>
public static partial class Formats
{
    public static bool IsValid(string format, string value) => format switch
    {
        "date-time" or "datetime" => DateTimeRe().IsMatch(value),
        "date" => DateOnly.TryParseExact(value, "yyyy-MM-dd", out _),
        "byte" => IsBase64(value),
        "uuid" => UuidRe().IsMatch(value),
        "uuid3" or "uuid4" or "uuid5" => UuidRe().IsMatch(value),
        "ipv4" => IPAddress.TryParse(value, out var a4) && a4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && value.Count(c => c == '.') == 3,
        "ipv6" => IPAddress.TryParse(value, out var a6) && a6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6,
        "cidr" => IsCidr(value),
        "hostname" => HostnameRe().IsMatch(value) && value.Length <= 255,
        "email" => EmailRe().IsMatch(value),
        "uri" => Uri.TryCreate(value, UriKind.Absolute, out _),
        "duration" => DurationRe().IsMatch(value),
        "mac" => MacRe().IsMatch(value),
        _ => true,
    };

    static bool IsBase64(string v)
    {
        var buf = new byte[v.Length];
        return Convert.TryFromBase64String(v, buf, out _);
    }

    static bool IsCidr(string v)
    {
        var i = v.IndexOf('/');
        return i > 0 && IPAddress.TryParse(v[..i], out var ip) && int.TryParse(v[(i + 1)..], out var bits) && bits >= 0 &&
               bits <= (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:?\d{2})$")] private static partial Regex DateTimeRe();
    [GeneratedRegex(@"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")] private static partial Regex UuidRe();
    [GeneratedRegex(@"^([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)(\.([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?))*\.?$")] private static partial Regex HostnameRe();
    [GeneratedRegex(@"^[^@\s]+@[^@\s]+$")] private static partial Regex EmailRe();
    [GeneratedRegex(@"^([-+]?[0-9]*(\.[0-9]*)?\s*(ns|us|µs|ms|s|m|h|d|w|second|minute|hour|day|week)s?\s*)+$")] private static partial Regex DurationRe();
    [GeneratedRegex(@"^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$")] private static partial Regex MacRe();
}
