using System.Net;
using System.Text;
using System.Text.Json.Nodes;

using Xunit;

namespace Conformance.Tests.TwinVault;

/// <summary>A thin raw HTTP client for the twin's Vault API, so tests see exactly what Vault's wire answers are.</summary>
public sealed class VaultClient(Uri address, string token) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };

    public string Token { get; set; } = token;

    public sealed record Reply(HttpStatusCode Status, JsonObject? Body)
    {
        public JsonObject Data => Body?["data"] as JsonObject ?? throw new InvalidOperationException($"no data in {Status} {Body?.ToJsonString()}");
        public JsonObject Auth => Body?["auth"] as JsonObject ?? throw new InvalidOperationException($"no auth in {Status} {Body?.ToJsonString()}");
        public IReadOnlyList<string> Errors => (Body?["errors"] as JsonArray)?.Select(e => e!.GetValue<string>()).ToList() ?? [];
        public IReadOnlyList<string> Warnings => (Body?["warnings"] as JsonArray)?.Select(e => e!.GetValue<string>()).ToList() ?? [];
        public override string ToString() => $"{(int)Status} {Body?.ToJsonString()}";
    }

    public Task<Reply> GetAsync(string path, string? token = null) => SendAsync("GET", path, null, token);
    public Task<Reply> ListAsync(string path, string? token = null) => SendAsync("LIST", path, null, token);
    public Task<Reply> PostAsync(string path, object? body = null, string? token = null) => SendAsync("POST", path, body, token);
    public Task<Reply> DeleteAsync(string path, string? token = null) => SendAsync("DELETE", path, null, token);

    public async Task<Reply> SendAsync(string method, string path, object? body, string? token)
    {
        var ct = TestContext.Current.CancellationToken;
        using var msg = new HttpRequestMessage(new HttpMethod(method), "v1/" + path);
        var t = token ?? Token;
        if (t.Length > 0) msg.Headers.Add("X-Vault-Token", t);
        if (body is not null)
        {
            var json = body as JsonNode ?? JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(body))!;
            msg.Content = new StringContent(json.ToJsonString(), Encoding.UTF8, "application/json");
        }
        using var resp = await _http.SendAsync(msg, ct);
        var text = await resp.Content.ReadAsStringAsync(ct);
        return new Reply(resp.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject);
    }

    /// <summary>Polls until the condition holds or the deadline passes; the failure says what was last seen.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, TimeSpan within, string what)
    {
        var deadline = DateTime.UtcNow + within;
        T last;
        while (true)
        {
            last = await probe();
            if (done(last)) return last;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} did not happen within {within.TotalSeconds}s; last observed: {last}");
            await Task.Delay(25, TestContext.Current.CancellationToken);
        }
    }

    public void Dispose() => _http.Dispose();
}
