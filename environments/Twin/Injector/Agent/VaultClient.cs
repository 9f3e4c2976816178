using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Conformance.Twin.Injector.Templates;

namespace Conformance.Twin.Injector.Agent;

/// <summary>A Vault response in the shape of the Go api.Secret the agent works with (reference/vault.md §3).</summary>
public sealed record VaultSecret
{
    public string RequestId { get; init; } = "";
    public string LeaseId { get; init; } = "";
    public long LeaseDuration { get; init; }
    public bool Renewable { get; init; }
    public JsonObject? Data { get; init; }
    public IReadOnlyList<string> Warnings { get; init; } = [];
    public VaultAuth? Auth { get; init; }

    public static VaultSecret Parse(JsonObject o) => new()
    {
        RequestId = o["request_id"]?.GetValue<string>() ?? "",
        LeaseId = o["lease_id"]?.GetValue<string>() ?? "",
        LeaseDuration = o["lease_duration"]?.GetValue<long>() ?? 0,
        Renewable = o["renewable"]?.GetValue<bool>() ?? false,
        Data = o["data"] as JsonObject,
        Warnings = (o["warnings"] as JsonArray)?.Select(w => w?.GetValue<string>() ?? "").ToList() ?? [],
        Auth = o["auth"] is JsonObject a ? new VaultAuth(
            a["client_token"]?.GetValue<string>() ?? "",
            a["accessor"]?.GetValue<string>() ?? "",
            a["lease_duration"]?.GetValue<long>() ?? 0,
            a["renewable"]?.GetValue<bool>() ?? false) : null,
    };

    /// <summary>The template-facing view (consul-template dependency.Secret).</summary>
    public SecretValue ToTemplateValue() => new()
    {
        RequestID = RequestId,
        LeaseID = LeaseId,
        LeaseDuration = LeaseDuration,
        Renewable = Renewable,
        Data = GoValues.FromJson(Data) as IDictionary<string, object?> ?? new SortedDictionary<string, object?>(StringComparer.Ordinal),
        Warnings = Warnings.Cast<object?>().ToList(),
    };
}

public sealed record VaultAuth(string ClientToken, string Accessor, long LeaseDuration, bool Renewable);

/// <summary>A Vault error response ({"errors":[...]}, reference/vault.md §3).</summary>
public sealed class VaultApiException(HttpStatusCode status, string method, string path, IReadOnlyList<string> errors)
    : Exception($"Error making API request.\n\nURL: {method} {path}\nCode: {(int)status}. Errors:\n\n{string.Join("\n", errors.Select(e => "* " + e))}")
{
    public HttpStatusCode Status { get; } = status;
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>The few Vault HTTP calls Vault Agent makes (reference/vault.md §3.7 "Expected Agent traffic").</summary>
public sealed class VaultClient(HttpClient http, Uri address)
{
    public Uri Address { get; } = address;

    /// <summary>PUT auth/&lt;mount&gt;/login {role, jwt}: the Go client writes with PUT (reference/vault.md §3.5).</summary>
    public Task<VaultSecret> LoginKubernetesAsync(string mountPath, string role, string jwt, CancellationToken ct) =>
        SendAsync(HttpMethod.Put, $"{mountPath.Trim('/')}/login", null, new JsonObject { ["role"] = role, ["jwt"] = jwt }, ct)!;

    /// <summary>GET &lt;path&gt; (consul-template vault.read); null when Vault answers 404 / no data.</summary>
    public Task<VaultSecret?> ReadAsync(string path, string token, string? query, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, path + (string.IsNullOrEmpty(query) ? "" : "?" + query), token, null, ct, nullOn404: true);

    /// <summary>PUT &lt;path&gt; with data (consul-template vault.write: `secret "path" "k=v"`).</summary>
    public Task<VaultSecret?> WriteAsync(string path, string token, JsonObject body, CancellationToken ct) =>
        SendAsync(HttpMethod.Put, path, token, body, ct, nullOn404: true);

    /// <summary>PUT sys/leases/renew {lease_id, increment} (Vault api Sys().Renew; reference/vault.md §3.6).</summary>
    public Task<VaultSecret> RenewLeaseAsync(string leaseId, long increment, string token, CancellationToken ct) =>
        SendAsync(HttpMethod.Put, "sys/leases/renew", token, new JsonObject { ["increment"] = increment, ["lease_id"] = leaseId }, ct)!;

    /// <summary>PUT auth/token/renew-self (reference/vault.md §2.4).</summary>
    public Task<VaultSecret> RenewSelfAsync(string token, long increment, CancellationToken ct) =>
        SendAsync(HttpMethod.Put, "auth/token/renew-self", token, new JsonObject { ["increment"] = increment }, ct)!;

    /// <summary>`vault token revoke -self` = PUT auth/token/revoke-self (reference/vault.md §2.5).</summary>
    public Task RevokeSelfAsync(string token, CancellationToken ct) =>
        SendAsync(HttpMethod.Put, "auth/token/revoke-self", token, null, ct, nullOn404: true);

    /// <summary>GET sys/internal/ui/mounts/&lt;path&gt;: consul-template's KV v2 detection (reference/vault.md §2.3).</summary>
    public Task<VaultSecret?> MountInfoAsync(string path, string token, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, "sys/internal/ui/mounts/" + path, token, null, ct, nullOn404: true);

    private async Task<VaultSecret?> SendAsync(HttpMethod method, string path, string? token, JsonObject? body, CancellationToken ct, bool nullOn404 = false)
    {
        var uri = new Uri(Address, "v1/" + path.TrimStart('/'));
        using var request = new HttpRequestMessage(method, uri);
        if (!string.IsNullOrEmpty(token)) request.Headers.Add("X-Vault-Token", token);
        request.Headers.Add("X-Vault-Request", "true");
        if (body is not null)
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (response.StatusCode == HttpStatusCode.NoContent) return null;
        JsonObject? json = null;
        try { json = text.Length > 0 ? JsonNode.Parse(text) as JsonObject : null; }
        catch (System.Text.Json.JsonException) { }
        if (!response.IsSuccessStatusCode)
        {
            var errors = (json?["errors"] as JsonArray)?.Select(e => e?.GetValue<string>() ?? "").ToList() ?? [];
            if (nullOn404 && response.StatusCode == HttpStatusCode.NotFound && errors.Count == 0) return null;
            throw new VaultApiException(response.StatusCode, method.Method, uri.AbsolutePath, errors.Count > 0 ? errors : [text.Trim()]);
        }
        return json is null ? null : VaultSecret.Parse(json);
    }
}
