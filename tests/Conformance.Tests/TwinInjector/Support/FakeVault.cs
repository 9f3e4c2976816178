using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Conformance.Tests.TwinInjector.Support;

/// <summary>
/// An in-test Vault HTTP handler that records every call with the fake clock's time. It models what the agent's
/// schedule depends on: Kubernetes login, database leases with default_ttl/max_ttl capping (with Vault's capping
/// warning), KV v2 reads, the KV v2 mount lookup, token renew-self and revoke-self.
/// </summary>
public sealed class FakeVault(TimeProvider time) : HttpMessageHandler
{
    private readonly Lock _gate = new();
    private readonly List<VaultCall> _calls = [];
    private readonly Dictionary<string, Lease> _leases = [];
    private int _counter;

    public sealed record VaultCall(double At, string Method, string Path, string? Token, string Body);

    private sealed class Lease
    {
        public required string Id { get; init; }
        public required DateTimeOffset MaxExpiry { get; init; }
        public required DateTimeOffset Expiry { get; set; }
        public required string Token { get; init; }
    }

    public DateTimeOffset Origin { get; set; } = time.GetUtcNow();
    public long DbTtl { get; set; } = 60;
    public long DbMaxTtl { get; set; } = 180;
    public long TokenTtl { get; set; } = 3600;
    public bool TokenRenewable { get; set; } = true;
    public string? ExpectedJwt { get; set; }
    public Dictionary<string, JsonObject> Kv { get; } = [];
    public HashSet<string> RevokedTokens { get; } = [];

    public IReadOnlyList<VaultCall> Calls
    {
        get { lock (_gate) return [.. _calls]; }
    }

    public IReadOnlyList<VaultCall> CallsTo(string method, string pathPrefix) =>
        Calls.Where(c => c.Method == method && c.Path.StartsWith(pathPrefix, StringComparison.Ordinal)).ToList();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var path = request.RequestUri!.AbsolutePath;
        var token = request.Headers.TryGetValues("X-Vault-Token", out var t) ? t.First() : null;
        var now = time.GetUtcNow();
        lock (_gate)
        {
            _calls.Add(new VaultCall((now - Origin).TotalSeconds, request.Method.Method, path, token, body));
            return Route(request.Method.Method, path, token, body, now);
        }
    }

    private HttpResponseMessage Route(string method, string path, string? token, string body, DateTimeOffset now)
    {
        if (path != "/v1/auth/kubernetes/login" && (token is null || RevokedTokens.Contains(token)))
            return Error(HttpStatusCode.Forbidden, "permission denied");
        switch (method, path)
        {
            case ("PUT", "/v1/auth/kubernetes/login"):
                {
                    var req = JsonNode.Parse(body)!;
                    if (ExpectedJwt is not null && req["jwt"]?.GetValue<string>() != ExpectedJwt) return Error(HttpStatusCode.Forbidden, "permission denied");
                    if (req["role"]?.GetValue<string>() is not { Length: > 0 }) return Error(HttpStatusCode.BadRequest, "missing role");
                    var n = ++_counter;
                    return Ok(new JsonObject
                    {
                        ["request_id"] = $"req-{n}", ["lease_id"] = "", ["renewable"] = false, ["lease_duration"] = 0, ["data"] = null,
                        ["auth"] = new JsonObject
                        {
                            ["client_token"] = $"hvs.token{n}", ["accessor"] = $"acc{n}", ["lease_duration"] = TokenTtl, ["renewable"] = TokenRenewable,
                        },
                    });
                }
            case ("PUT", "/v1/auth/token/renew-self"):
                return Ok(new JsonObject { ["auth"] = new JsonObject { ["client_token"] = token, ["lease_duration"] = TokenTtl, ["renewable"] = TokenRenewable } });
            case ("PUT", "/v1/auth/token/revoke-self"):
                RevokedTokens.Add(token!);
                foreach (var l in _leases.Values.Where(l => l.Token == token).ToList()) _leases.Remove(l.Id);
                return new HttpResponseMessage(HttpStatusCode.NoContent);
            case ("PUT", "/v1/sys/leases/renew"):
                {
                    var id = JsonNode.Parse(body)!["lease_id"]!.GetValue<string>();
                    if (!_leases.TryGetValue(id, out var lease) || lease.Expiry <= now) return Error(HttpStatusCode.BadRequest, "lease not found");
                    var remainingToMax = (long)Math.Floor((lease.MaxExpiry - now).TotalSeconds);
                    var ttl = Math.Min(DbTtl, remainingToMax);
                    lease.Expiry = now.AddSeconds(ttl);
                    var response = new JsonObject { ["lease_id"] = id, ["renewable"] = true, ["lease_duration"] = ttl, ["data"] = null };
                    if (ttl < DbTtl)
                        response["warnings"] = new JsonArray($"TTL of \"{DbTtl}s\" exceeded the effective max_ttl of \"{remainingToMax}s\"; TTL value is capped accordingly");
                    return Ok(response);
                }
        }
        if (method == "GET" && path.StartsWith("/v1/sys/internal/ui/mounts/", StringComparison.Ordinal))
        {
            var p = path["/v1/sys/internal/ui/mounts/".Length..];
            return p.StartsWith("secret/", StringComparison.Ordinal)
                ? Ok(new JsonObject { ["data"] = new JsonObject { ["path"] = "secret/", ["type"] = "kv", ["options"] = new JsonObject { ["version"] = "2" } } })
                : Ok(new JsonObject { ["data"] = new JsonObject { ["path"] = p.Split('/')[0] + "/", ["type"] = p.Split('/')[0], ["options"] = null } });
        }
        if (method == "GET" && path.StartsWith("/v1/database/creds/", StringComparison.Ordinal))
        {
            var role = path["/v1/database/creds/".Length..];
            var n = ++_counter;
            var id = $"database/creds/{role}/lease{n}";
            _leases[id] = new Lease { Id = id, Expiry = now.AddSeconds(Math.Min(DbTtl, DbMaxTtl)), MaxExpiry = now.AddSeconds(DbMaxTtl), Token = token! };
            return Ok(new JsonObject
            {
                ["request_id"] = $"req-{n}", ["lease_id"] = id, ["renewable"] = true, ["lease_duration"] = Math.Min(DbTtl, DbMaxTtl),
                ["data"] = new JsonObject { ["username"] = $"v-kubernet-{role}-user{n}", ["password"] = $"pw-{n}" },
            });
        }
        if (method == "GET" && path.StartsWith("/v1/secret/data/", StringComparison.Ordinal))
        {
            var key = path["/v1/secret/data/".Length..];
            if (!Kv.TryGetValue(key, out var data)) return new HttpResponseMessage(HttpStatusCode.NotFound) { Content = Json(new JsonObject { ["errors"] = new JsonArray() }) };
            return Ok(new JsonObject
            {
                ["request_id"] = $"req-{++_counter}", ["lease_id"] = "", ["renewable"] = false, ["lease_duration"] = 0,
                ["data"] = new JsonObject
                {
                    ["data"] = data.DeepClone(),
                    ["metadata"] = new JsonObject { ["created_time"] = "2026-11-22T00:00:00Z", ["deletion_time"] = "", ["destroyed"] = false, ["version"] = 1 },
                },
            });
        }
        return Error(HttpStatusCode.NotFound, $"fake vault: no route for {method} {path}");
    }

    public int ActiveLeases(DateTimeOffset now)
    {
        lock (_gate) return _leases.Values.Count(l => l.Expiry > now);
    }

    private static HttpResponseMessage Ok(JsonObject o) => new(HttpStatusCode.OK) { Content = Json(o) };

    private static HttpResponseMessage Error(HttpStatusCode code, string message) =>
        new(code) { Content = Json(new JsonObject { ["errors"] = new JsonArray(message) }) };

    private static StringContent Json(JsonObject o) => new(o.ToJsonString(), Encoding.UTF8, "application/json");
}
