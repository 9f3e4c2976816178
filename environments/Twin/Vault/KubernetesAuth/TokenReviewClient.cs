using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace Conformance.Twin.Vault.KubernetesAuth;

/// <summary>
/// vault-plugin-auth-kubernetes token_review.go: POST /apis/authentication.k8s.io/v1/tokenreviews on kubernetes_host,
/// authenticated by the reviewer JWT or, when none is configured, by the client's own JWT (reference/vault.md §3.5).
/// </summary>
internal static class TokenReviewClient
{
    public sealed record Reviewed(string Namespace, string Name, string Uid);

    /// <summary>An HttpClient that trusts exactly the configured CA (the plugin builds its own TLS pool from kubernetes_ca_cert).</summary>
    public static HttpClient DefaultClient(string caPem)
    {
        var handler = new SocketsHttpHandler();
        if (caPem.Trim().Length > 0)
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPem(caPem);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, cert, _, errors) =>
            {
                if (cert is null) return false;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.AddRange(roots);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                chain.ChainPolicy.DisableCertificateDownloads = true;   // never reach out to the network for AIA
                var okChain = chain.Build(new X509Certificate2(cert));
                return okChain && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
            };
        }
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Returns the reviewed identity, or throws with the plugin's reason (the caller maps every failure to permission denied).</summary>
    public static async Task<Reviewed> ReviewAsync(HttpClient client, string host, string bearer, string jwt, IReadOnlyList<string> audiences, CancellationToken ct)
    {
        var spec = new JsonObject { ["token"] = jwt };
        if (audiences.Count > 0) spec["audiences"] = Http.Json.Array(audiences);
        var body = new JsonObject { ["apiVersion"] = "authentication.k8s.io/v1", ["kind"] = "TokenReview", ["spec"] = spec };
        using var msg = new HttpRequestMessage(HttpMethod.Post, host.TrimEnd('/') + "/apis/authentication.k8s.io/v1/tokenreviews")
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        msg.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        msg.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var resp = await client.SendAsync(msg, ct);
        var text = await resp.Content.ReadAsStringAsync(ct);
        if ((int)resp.StatusCode == 401)
            throw new InvalidOperationException("lookup failed: service account unauthorized; this could mean it has been deleted or recreated with a new token");
        if (!resp.IsSuccessStatusCode)
            throw new InvalidOperationException($"lookup failed: {(int)resp.StatusCode} {Truncate(text)}");
        var status = (JsonNode.Parse(text) as JsonObject)?["status"] as JsonObject
            ?? throw new InvalidOperationException("lookup failed: TokenReview without status");
        if (status["error"]?.GetValue<string>() is { Length: > 0 } err) throw new InvalidOperationException($"lookup failed: {err}");
        if (status["authenticated"]?.GetValue<bool>() != true) throw new InvalidOperationException("lookup failed: service account jwt not valid");
        var username = status["user"]?["username"]?.GetValue<string>() ?? "";
        var parts = username.Split(':');
        if (parts.Length != 4) throw new InvalidOperationException("lookup failed: unexpected username format");
        if (parts[0] != "system" || parts[1] != "serviceaccount") throw new InvalidOperationException("lookup failed: username returned is not a service account");
        return new Reviewed(parts[2], parts[3], status["user"]?["uid"]?.GetValue<string>() ?? "");
    }

    private static string Truncate(string s) => s.Length > 300 ? s[..300] : s;
}
