using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using k8s;

namespace Conformance.Environments.Plan;

/// <summary>
/// The few Kubernetes API calls the live worlds need, over the kubeconfig's TLS and credentials: get, list,
/// server-side apply and watch. Kept small so the fixtures' Kube driver can take over later.
/// </summary>
public sealed class KubeApi : IDisposable
{
    private readonly Kubernetes _client;
    private readonly HttpClient _http;

    private KubeApi(KubernetesClientConfiguration config)
    {
        _client = new Kubernetes(config);
        _http = new HttpClient(Handler(config)) { Timeout = Timeout.InfiniteTimeSpan };
    }

    // TLS as the kubeconfig says: its CA (or skip), its client certificate; credentials come from the client's
    // Credentials (tokens, exec plugins) per request.
    private static SocketsHttpHandler Handler(KubernetesClientConfiguration config)
    {
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) };
        if (config.ClientCertificateData is not null || config.ClientCertificateFilePath is not null)
        {
            var certificate = config.ClientCertificateData is not null
                ? System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(
                    Encoding.UTF8.GetString(Convert.FromBase64String(config.ClientCertificateData)),
                    Encoding.UTF8.GetString(Convert.FromBase64String(config.ClientCertificateKeyData!)))
                : System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(
                    config.ClientCertificateFilePath!, config.ClientKeyFilePath);
            handler.SslOptions.ClientCertificates = [certificate];
        }

        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (config.SkipTlsVerify) return true;
            if (errors == System.Net.Security.SslPolicyErrors.None) return true;
            if (certificate is null || config.SslCaCerts is null || config.SslCaCerts.Count == 0) return false;
            using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
            chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(config.SslCaCerts);
            chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
            return chain.Build(new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate));
        };
        return handler;
    }

    public Uri BaseUri => _client.BaseUri;

    public static KubeApi FromKubeconfig(string path, string? context)
    {
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(path, string.IsNullOrEmpty(context) ? null : context);
        return new KubeApi(config);
    }

    /// <summary>GET; null on 404.</summary>
    public async Task<JsonNode?> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, null, cancellationToken, HttpCompletionOption.ResponseContentRead);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        return await ReadAsync(response, $"GET {path}", cancellationToken);
    }

    /// <summary>GET of a text resource (pod logs).</summary>
    public async Task<string> GetTextAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, null, cancellationToken, HttpCompletionOption.ResponseContentRead);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode) throw new KubeApiException($"GET {path}", (int)response.StatusCode, text);
        return text;
    }

    /// <summary>Server-side apply with field manager <c>conformance</c>, forcing conflicts (the harness owns these objects).</summary>
    public async Task<JsonNode> ApplyAsync(Manifest manifest, CancellationToken cancellationToken)
    {
        var path = ResourceKinds.PathFor(manifest.ApiVersion, manifest.Kind, manifest.Namespace, manifest.Name)
                   + "?fieldManager=conformance&force=true";
        var body = Yaml.Json(Sensitive.Resolve(manifest.Tree, reveal: true));
        using var response = await SendAsync(HttpMethod.Patch, path, body, "application/apply-patch+yaml", cancellationToken,
            HttpCompletionOption.ResponseContentRead);
        return await ReadAsync(response, $"apply {manifest.Describe}", cancellationToken);
    }

    /// <summary>Watch events (<c>type</c>, <c>object</c>) of a collection from a resourceVersion, until the server ends the watch.</summary>
    public async IAsyncEnumerable<(string Type, JsonNode Object)> WatchAsync(
        string collectionPath, string? fieldSelector, string resourceVersion, TimeSpan serverTimeout,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var query = $"?watch=1&allowWatchBookmarks=true&resourceVersion={resourceVersion}&timeoutSeconds={(int)Math.Max(1, serverTimeout.TotalSeconds)}";
        if (fieldSelector is not null) query += "&fieldSelector=" + Uri.EscapeDataString(fieldSelector);
        using var response = await SendAsync(HttpMethod.Get, collectionPath + query, null, null, cancellationToken,
            HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode) await ReadAsync(response, $"watch {collectionPath}", cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0) continue;
            var node = JsonNode.Parse(line)!;
            yield return ((string)node["type"]!, node["object"]!);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? body, string? contentType,
        CancellationToken cancellationToken, HttpCompletionOption completion)
    {
        var request = new HttpRequestMessage(method, new Uri(BaseUri, path));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType ?? "application/json");
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (_client.Credentials is not null) await _client.Credentials.ProcessHttpRequestAsync(request, cancellationToken);
        try
        {
            return await _http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new KubeUnreachableException(BaseUri, e);
        }
    }

    private static async Task<JsonNode> ReadAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            string message = text;
            try { message = (string?)JsonNode.Parse(text)?["message"] ?? text; }
            catch (System.Text.Json.JsonException) { }
            throw new KubeApiException(what, (int)response.StatusCode, message);
        }

        return JsonNode.Parse(text)!;
    }

    public void Dispose()
    {
        _http.Dispose();
        _client.Dispose();
    }
}

public sealed class KubeApiException(string what, int status, string message)
    : Exception($"{what}: the API server answered {status}: {message}")
{
    public int Status { get; } = status;
    public string ServerMessage { get; } = message;
}

public sealed class KubeUnreachableException(Uri server, Exception inner)
    : Exception($"the Kubernetes API at {server} is unreachable: {inner.Message}", inner)
{
    public Uri Server { get; } = server;
}
