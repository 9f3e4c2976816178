using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Conformance.Twin.Vault.Aws;

/// <summary>AWS Signature Version 4 for form-encoded query-protocol POSTs (IAM, STS) to "/".</summary>
internal static class SigV4
{
    public static void Sign(HttpRequestMessage msg, string body, string accessKey, string secretKey, string region, string service, DateTimeOffset now)
    {
        var amzDate = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        var date = amzDate[..8];
        var host = msg.RequestUri!.IsDefaultPort ? msg.RequestUri.Host : $"{msg.RequestUri.Host}:{msg.RequestUri.Port}";
        const string contentType = "application/x-www-form-urlencoded; charset=utf-8";
        var payloadHash = Hex(SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        var path = string.IsNullOrEmpty(msg.RequestUri.AbsolutePath) ? "/" : msg.RequestUri.AbsolutePath;
        var canonical = string.Join('\n',
            "POST", path, "",
            "content-type:" + contentType, "host:" + host, "x-amz-date:" + amzDate, "",
            "content-type;host;x-amz-date", payloadHash);
        var scope = $"{date}/{region}/{service}/aws4_request";
        var toSign = string.Join('\n', "AWS4-HMAC-SHA256", amzDate, scope, Hex(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))));
        var key = Hmac(Hmac(Hmac(Hmac(Encoding.UTF8.GetBytes("AWS4" + secretKey), date), region), service), "aws4_request");
        var signature = Hex(Hmac(key, toSign));
        msg.Headers.TryAddWithoutValidation("X-Amz-Date", amzDate);
        msg.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-HMAC-SHA256 Credential={accessKey}/{scope}, SignedHeaders=content-type;host;x-amz-date, Signature={signature}");
        msg.Content = new StringContent(body, Encoding.UTF8);
        msg.Content.Headers.Remove("Content-Type");
        msg.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
    }

    private static byte[] Hmac(byte[] key, string data) => HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(data));
    private static string Hex(byte[] b) => Convert.ToHexStringLower(b);
}
