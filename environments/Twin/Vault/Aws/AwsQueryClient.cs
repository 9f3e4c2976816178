using System.Xml.Linq;

namespace Conformance.Twin.Vault.Aws;

/// <summary>A minimal signed client for the IAM and STS query protocols (Action=…&amp;Version=…; XML answers).</summary>
internal sealed class AwsQueryClient(HttpClient http, string accessKey, string secretKey, string region, TimeProvider time)
{
    public sealed class AwsError(string code, string message) : Exception($"{code}: {message}")
    {
        public string Code { get; } = code;
    }

    public Task<XElement> IamAsync(string endpoint, string action, IReadOnlyList<(string, string)> args, CancellationToken ct) =>
        CallAsync(endpoint, "iam", "us-east-1", "2010-05-08", action, args, ct);   // IAM is global and signs in us-east-1

    public Task<XElement> StsAsync(string endpoint, string action, IReadOnlyList<(string, string)> args, CancellationToken ct) =>
        CallAsync(endpoint, "sts", region, "2011-06-15", action, args, ct);

    private async Task<XElement> CallAsync(string endpoint, string service, string signingRegion, string version, string action, IReadOnlyList<(string, string)> args, CancellationToken ct)
    {
        var pairs = new List<(string, string)> { ("Action", action), ("Version", version) };
        pairs.AddRange(args);
        var body = string.Join('&', pairs.Select(p => Uri.EscapeDataString(p.Item1) + "=" + Uri.EscapeDataString(p.Item2)));
        using var msg = new HttpRequestMessage(HttpMethod.Post, new Uri(endpoint.TrimEnd('/') + "/"));
        SigV4.Sign(msg, body, accessKey, secretKey, signingRegion, service, time.GetUtcNow());
        using var resp = await http.SendAsync(msg, ct);
        var text = await resp.Content.ReadAsStringAsync(ct);
        XElement root;
        try
        {
            root = XElement.Parse(text);
        }
        catch (System.Xml.XmlException)
        {
            throw new AwsError(((int)resp.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), text.Length > 200 ? text[..200] : text);
        }
        if (!resp.IsSuccessStatusCode || root.Name.LocalName == "ErrorResponse")
        {
            var err = root.Descendants().FirstOrDefault(e => e.Name.LocalName == "Error");
            throw new AwsError(Child(err, "Code") ?? ((int)resp.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture), Child(err, "Message") ?? "");
        }
        return root;
    }

    public static string? Child(XElement? e, string name) => e?.Descendants().FirstOrDefault(x => x.Name.LocalName == name)?.Value;

    public static IEnumerable<string> All(XElement e, string name) => e.Descendants().Where(x => x.Name.LocalName == name).Select(x => x.Value);
}
