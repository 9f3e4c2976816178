using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Conformance.Twin.Eso.Providers.Aws;

public sealed record AwsCredentials(string AccessKeyId, string SecretAccessKey, string? SessionToken = null);

/// <summary>
/// AWS Signature Version 4 (header-based), the twin's own: ESO signs its Secrets Manager calls through aws-sdk-go-v2
/// (reference/eso.md §3a). Checked against AWS's published test suite (upstream/aws/sigv4-testsuite).
/// </summary>
public static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    public static string CanonicalRequest(string method, string canonicalUri, IEnumerable<KeyValuePair<string, string>> query,
        IEnumerable<KeyValuePair<string, string>> headers, string payloadHash, out string signedHeaders)
    {
        var canonicalQuery = string.Join('&', query
            .Select(kv => (Key: UriEncode(kv.Key), Value: UriEncode(kv.Value)))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal).ThenBy(kv => kv.Value, StringComparer.Ordinal)
            .Select(kv => $"{kv.Key}={kv.Value}"));
        var grouped = headers
            .GroupBy(h => h.Key.ToLowerInvariant())
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Value: string.Join(',', g.Select(h => Normalize(h.Value)))))
            .ToList();
        signedHeaders = string.Join(';', grouped.Select(g => g.Name));
        var sb = new StringBuilder();
        sb.Append(method).Append('\n').Append(canonicalUri).Append('\n').Append(canonicalQuery).Append('\n');
        foreach (var (name, value) in grouped) sb.Append(name).Append(':').Append(value).Append('\n');
        sb.Append('\n').Append(signedHeaders).Append('\n').Append(payloadHash);
        return sb.ToString();
    }

    public static string Scope(string date, string region, string service) => $"{date}/{region}/{service}/aws4_request";

    public static string StringToSign(string amzDate, string scope, string canonicalRequest) =>
        $"{Algorithm}\n{amzDate}\n{scope}\n{Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";

    public static byte[] SigningKey(string secretAccessKey, string date, string region, string service)
    {
        var k = Hmac(Encoding.UTF8.GetBytes("AWS4" + secretAccessKey), date);
        k = Hmac(k, region);
        k = Hmac(k, service);
        return Hmac(k, "aws4_request");
    }

    public static string Signature(string secretAccessKey, string date, string region, string service, string stringToSign) =>
        Hex(Hmac(SigningKey(secretAccessKey, date, region, service), stringToSign));

    public static string AuthorizationHeader(string accessKeyId, string scope, string signedHeaders, string signature) =>
        $"{Algorithm} Credential={accessKeyId}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";

    /// <summary>Signs a request in place: adds X-Amz-Date, X-Amz-Security-Token (if any) and Authorization.</summary>
    public static void Sign(HttpRequestMessage request, byte[] body, AwsCredentials credentials, string region, string service, DateTimeOffset now)
    {
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var uri = request.RequestUri ?? throw new InvalidOperationException("request has no URI");
        request.Headers.Remove("X-Amz-Date");
        request.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        if (!string.IsNullOrEmpty(credentials.SessionToken))
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", credentials.SessionToken);
        var headers = new List<KeyValuePair<string, string>> { new("host", uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}") };
        foreach (var h in request.Headers)
            if (!h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase) && !h.Key.Equals("Host", StringComparison.OrdinalIgnoreCase))
                headers.AddRange(h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v)));
        if (request.Content is not null)
            foreach (var h in request.Content.Headers)
                headers.AddRange(h.Value.Select(v => new KeyValuePair<string, string>(h.Key, v)));
        var query = ParseQuery(uri.Query);
        var canonical = CanonicalRequest(request.Method.Method, string.IsNullOrEmpty(uri.AbsolutePath) ? "/" : uri.AbsolutePath, query, headers, Hex(SHA256.HashData(body)), out var signed);
        var scope = Scope(date, region, service);
        var signature = Signature(credentials.SecretAccessKey, date, region, service, StringToSign(amzDate, scope, canonical));
        request.Headers.TryAddWithoutValidation("Authorization", AuthorizationHeader(credentials.AccessKeyId, scope, signed, signature));
    }

    public static List<KeyValuePair<string, string>> ParseQuery(string query)
    {
        var result = new List<KeyValuePair<string, string>>();
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            var k = eq < 0 ? part : part[..eq];
            var v = eq < 0 ? "" : part[(eq + 1)..];
            result.Add(new(Uri.UnescapeDataString(k), Uri.UnescapeDataString(v)));
        }
        return result;
    }

    /// <summary>RFC 3986 encoding of everything but unreserved characters, as SigV4 requires.</summary>
    public static string UriEncode(string value)
    {
        var sb = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '~') sb.Append(c);
            else sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static string Normalize(string value) => string.Join(' ', value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
    public static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);
}
