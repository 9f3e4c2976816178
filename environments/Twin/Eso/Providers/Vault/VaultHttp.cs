using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conformance.Twin.Eso.Model;

namespace Conformance.Twin.Eso.Providers.Vault;

/// <summary>A Vault error in the text the Go api client gives (what ESO shows in events).</summary>
public sealed class VaultApiException(string method, string url, int statusCode, IReadOnlyList<string> errors)
    : Exception($"Error making API request.\n\nURL: {method} {url}\nCode: {statusCode}. Errors:\n\n{string.Join("\n", errors.Select(e => "* " + e))}")
{
    public int StatusCode { get; } = statusCode;
}

/// <summary>The few Vault HTTP API calls ESO's vault provider and generator make (hashicorp/vault/api semantics).</summary>
public sealed class VaultHttp(HttpClient http, Uri server, string? vaultNamespace)
{
    public string? Token { get; set; }

    /// <summary>api Logical().ReadWithData: null when Vault answers 404 without data or warnings.</summary>
    public Task<JsonObject?> ReadAsync(string path, IReadOnlyDictionary<string, string>? query, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, path, query, null, ct);

    public Task<JsonObject?> WriteAsync(string path, JsonObject? body, CancellationToken ct) =>
        SendAsync(HttpMethod.Put, path, null, body ?? new JsonObject(), ct);

    public Task<JsonObject?> ListAsync(string path, CancellationToken ct) =>
        SendAsync(new HttpMethod("LIST"), path, null, null, ct);

    public Task<JsonObject?> DeleteAsync(string path, CancellationToken ct) =>
        SendAsync(HttpMethod.Delete, path, null, null, ct);

    private async Task<JsonObject?> SendAsync(HttpMethod method, string path, IReadOnlyDictionary<string, string>? query, JsonObject? body, CancellationToken ct)
    {
        var url = new StringBuilder(server.ToString().TrimEnd('/')).Append("/v1/").Append(path.TrimStart('/'));
        if (query is { Count: > 0 })
            url.Append('?').Append(string.Join('&', query.Select(kv => $"{Uri.EscapeDataString(kv.Key)}={Uri.EscapeDataString(kv.Value)}")));
        using var request = new HttpRequestMessage(method, url.ToString());
        if (!string.IsNullOrEmpty(Token)) request.Headers.TryAddWithoutValidation("X-Vault-Token", Token);
        if (!string.IsNullOrEmpty(vaultNamespace)) request.Headers.TryAddWithoutValidation("X-Vault-Namespace", vaultNamespace);
        request.Headers.TryAddWithoutValidation("X-Vault-Request", "true");
        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }
        HttpResponseMessage response;
        try { response = await http.SendAsync(request, ct); }
        catch (HttpRequestException e)
        {
            // The Go client's transport error text.
            var verb = method.Method == "LIST" ? "GET" : method.Method;
            throw new ProviderException($"{ToTitle(verb)} \"{url}\": {e.Message}", e);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            JsonObject? json = null;
            try { json = string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text) as JsonObject; }
            catch (JsonException) { }
            var status = (int)response.StatusCode;
            if (status == 404)
            {
                // vault/api: a 404 carrying data or warnings is returned as a secret (KV v2 deleted version), else nil.
                var hasData = json?["data"] is JsonObject { Count: > 0 };
                var hasWarnings = json?["warnings"] is JsonArray { Count: > 0 };
                if (hasData || hasWarnings) return json;
                if (json?["errors"] is JsonArray { Count: > 0 } errs && method != HttpMethod.Get)
                    throw new VaultApiException(method.Method == "LIST" ? "GET" : method.Method, url.ToString(), status, errs.Select(e => e?.ToString() ?? "").ToList());
                return null;
            }
            if (status is >= 200 and < 300) return json ?? new JsonObject();
            var errors = json?["errors"] is JsonArray arr ? arr.Select(e => e?.ToString() ?? "").ToList() : [text];
            throw new VaultApiException(method.Method == "LIST" ? "GET" : method.Method, url.ToString(), status, errors);
        }
    }

    private static string ToTitle(string verb) => verb.Length == 0 ? verb : verb[0] + verb[1..].ToLowerInvariant();
}
