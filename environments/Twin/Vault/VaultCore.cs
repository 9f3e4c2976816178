using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Conformance.Twin.Vault.Acl;
using Conformance.Twin.Vault.Audit;
using Conformance.Twin.Vault.Http;
using Conformance.Twin.Vault.Leases;
using Conformance.Twin.Vault.Mounts;
using Conformance.Twin.Vault.Tokens;
using Microsoft.AspNetCore.Http;

namespace Conformance.Twin.Vault;

/// <summary>
/// The twin's Vault core (vault/request_handling.go): route to a mount, authenticate the token, decide create vs update,
/// check the ACL, audit, run the backend, register leases and tokens, render Vault's JSON. One lock serialises requests
/// and the expiration manager, which keeps the state model simple and deterministic.
/// </summary>
internal sealed class VaultCore : IAsyncDisposable
{
    public const string Version = "1.15.6";
    // Vault: system default and max lease TTL are 768h (reference/vault.md §3.1).
    public static readonly TimeSpan SystemTtl = TimeSpan.FromHours(768);

    private readonly byte[] _tokenSalt = RandomNumberGenerator.GetBytes(32);
    private readonly List<string> _violations = [];

    public VaultCore(TwinVaultOptions options)
    {
        Options = options;
        Time = options.TimeProvider;
        Faults = options.Faults.ToHashSet(StringComparer.Ordinal);
        var unknown = Faults.Except(TwinVaultFaults.All).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"Unknown twin Vault fault(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", TwinVaultFaults.All)}.", nameof(options));
        Tokens = new TokenStore(this);
        Expiration = new ExpirationManager(this);
        Audit = new AuditBroker(Time)
        {
            OmitsReads = Faults.Contains(TwinVaultFaults.AuditOmitsReads), LosesIdentity = Faults.Contains(TwinVaultFaults.AuditLosesIdentity),
        };
        Policies["default"] = Policy.Parse("default", BuiltinPolicies.Default);
        Policies["root"] = new Policy { Name = "root", Raw = "", Rules = [] };
    }

    public TwinVaultOptions Options { get; }
    public TimeProvider Time { get; }
    public DateTimeOffset Now => Time.GetUtcNow();
    public HashSet<string> Faults { get; }
    public SemaphoreSlim Lock { get; } = new(1, 1);
    public MountTable Mounts { get; } = new();
    public TokenStore Tokens { get; }
    public ExpirationManager Expiration { get; }
    public AuditBroker Audit { get; }
    public OpenApiGuard Guard { get; } = new();
    public Dictionary<string, Policy> Policies { get; } = new(StringComparer.Ordinal);
    public TokenEntry Root { get; set; } = null!;

    public IReadOnlyList<string> FidelityViolations { get { lock (_violations) return _violations.ToList(); } }

    public TimeSpan MountDefaultTtl(MountEntry m) => m.DefaultLeaseTtl > TimeSpan.Zero ? m.DefaultLeaseTtl : SystemTtl;
    public TimeSpan MountMaxTtl(MountEntry m) => m.MaxLeaseTtl > TimeSpan.Zero ? m.MaxLeaseTtl : SystemTtl;

    public string SaltedId(string id) => "h" + Convert.ToHexStringLower(HMACSHA256.HashData(_tokenSalt, Encoding.UTF8.GetBytes(id)));

    public AclEvaluator AclFor(TokenEntry te) =>
        new(te.Policies.Select(p => Policies.GetValueOrDefault(p)).OfType<Policy>());

    public async Task HandleHttpAsync(HttpContext ctx)
    {
        var ct = ctx.RequestAborted;
        var raw = ctx.Request.Path.Value ?? "/";
        if (!raw.StartsWith("/v1/", StringComparison.Ordinal))
        {
            Violation($"{ctx.Request.Method} {raw}: not under /v1/");
            await WriteAsync(ctx, 404, new JsonObject { ["errors"] = new JsonArray() });
            return;
        }
        var path = raw["/v1/".Length..];
        var query = ctx.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
        var method = ctx.Request.Method.ToUpperInvariant();
        VaultOperation op;
        switch (method)
        {
            case "GET" when query.GetValueOrDefault("list") is "true" or "1":
            case "LIST": op = VaultOperation.List; break;
            case "GET" or "HEAD": op = VaultOperation.Read; break;   // http/sys_health.go also answers HEAD
            case "POST" or "PUT": op = VaultOperation.Update; break;
            case "DELETE": op = VaultOperation.Delete; break;
            default:
                Violation($"{method} {path}: method not used by Vault");
                await WriteAsync(ctx, 405, Errors(new VaultException(405, "unsupported operation")));
                return;
        }
        if (op == VaultOperation.List && !path.EndsWith('/')) path += "/";   // Vault: LIST paths end in "/"

        string body;
        using (var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8)) body = await reader.ReadToEndAsync(ct);
        JsonObject data;
        try
        {
            data = Json.Parse(body);
        }
        catch (VaultException e)
        {
            await WriteAsync(ctx, e.Status, Errors(e));
            return;
        }
        if (op is VaultOperation.Read or VaultOperation.List)
            foreach (var (k, v) in query) if (k != "list" && !data.ContainsKey(k)) data[k] = v;

        var token = ctx.Request.Headers["X-Vault-Token"].ToString();
        if (token.Length == 0 && ctx.Request.Headers.Authorization.ToString() is { } authz && authz.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            token = authz["Bearer ".Length..].Trim();

        var req = new VaultRequest
        {
            Id = Ids.Uuid(), Path = path, Operation = op, Data = data, Query = query,
            ClientToken = token.Length == 0 ? null : token,
            RemoteAddress = ctx.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1", RemotePort = ctx.Connection.RemotePort,
        };

        await Lock.WaitAsync(ct);
        int status; JsonObject? json;
        try
        {
            (status, json) = await ProcessAsync(req, ct);
        }
        finally
        {
            Lock.Release();
        }
        await WriteAsync(ctx, status, json);
    }

    private async Task<(int, JsonObject?)> ProcessAsync(VaultRequest req, CancellationToken ct)
    {
        var audited = false;
        try
        {
            var mount = Mounts.Match(req.Path);
            var match = Guard.Find(req.Path, req.Operation, mount);
            if (match is null)
            {
                Violation($"{req.OperationName} {req.Path}: no path template in openapi.json matches");
                throw new VaultException(404, mount is null ? $"no handler for route \"{req.Path}\". route entry not found." : "unsupported path");
            }
            if (!match.OperationAllowed)
            {
                Violation($"{req.OperationName} {req.Path}: template {match.Template.Path} offers only {string.Join(",", match.Template.Operations)}");
                throw new VaultException(405, "unsupported operation");
            }
            if (mount is null) throw new VaultException(404, $"no handler for route \"{req.Path}\". route entry not found.");
            req.Mount = mount;
            req.RelativePath = req.Path.Length >= mount.Path.Length ? req.Path[mount.Path.Length..] : "";

            var te = Tokens.Get(req.ClientToken);
            req.Token = te;
            if (!match.Template.Unauthenticated)
            {
                if (te is null)
                {
                    // Vault: a missing token is "permission denied"; an unknown or expired one adds "invalid token".
                    throw req.ClientToken is null
                        ? VaultException.PermissionDenied()
                        : new VaultException(403, ["permission denied", "invalid token"], logical: false);
                }
                if (req.Operation == VaultOperation.Update && match.Template.CreateSupported && !mount.Backend.Exists(req))
                    req.Operation = VaultOperation.Create;   // request_handling.go: ExistenceCheck turns a write into create
                // The denial is audited with the multierror text, as in Vault's logs ("1 error occurred:\n\t* permission denied\n\n").
                var acl = AclFor(te);
                if (!acl.Allows(req.Path, req.Operation, match.Template.Sudo) && !ReadsByMountFault(acl, req, match.Template.Sudo))
                    throw VaultException.PermissionDenied();
            }
            // http/sys_health.go answers sys/health outside the logical request path, so it is never audited.
            audited = req.Path == "sys/health";
            if (!audited) Audit.LogRequest(req, null);
            audited = true;

            // token_store.go UseToken: a token with num_uses is revoked once its last use is spent.
            var lastUse = false;
            if (req.Token is { NumUses: > 0 } limited && !match.Template.Unauthenticated)
            {
                limited.NumUses--;
                lastUse = limited.NumUses == 0;
            }
            var resp = await mount.Backend.HandleAsync(req, ct);
            // backend.go adds this warning only to a non-nil response: a write answered 204 (aws/roles, sys/policy)
            // drops it silently in Vault 1.15 (hashicorp/vault#15837 and #21946, both closed unmerged).
            if (req.Operation is VaultOperation.Create or VaultOperation.Update && (!resp.IsEmpty || resp.Auth is not null)
                && OpenApiGuard.Unrecognised(match.Template, req.Data.Select(kv => kv.Key)) is { Count: > 0 } ignored)
                resp.Warnings.Add($"Endpoint ignored these unrecognized parameters: [{string.Join(' ', ignored)}]");
            if (lastUse && !req.Token!.Revoked) Tokens.RevokeTree(req.Token);
            var json = Render(req, resp);
            if (req.Path != "sys/health") Audit.LogResponse(req, json, resp.Status, null);
            return (json is null ? 204 : resp.Status, json);
        }
        catch (VaultException e)
        {
            if (!audited) Audit.LogRequest(req, e.Errors.FirstOrDefault());
            var body = Errors(e);
            Audit.LogResponse(req, null, e.Status, e.Errors.FirstOrDefault());
            return (e.Status, body);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            var ve = new VaultException(500, e.Message);
            if (!audited) Audit.LogRequest(req, ve.Errors[0]);
            Audit.LogResponse(req, null, 500, ve.Errors[0]);
            return (500, Errors(ve));
        }
    }

    // Fault vault-acl-reads-whole-mount: a read passes when the token may read anything in the path's mount.
    private bool ReadsByMountFault(AclEvaluator acl, VaultRequest req, bool needsSudo) =>
        Faults.Contains(TwinVaultFaults.AclReadsWholeMount) && req.Operation == VaultOperation.Read && !needsSudo
        && acl.ReadsSomewhereUnder(req.Mount!.Path);

    private JsonObject? Render(VaultRequest req, VaultResponse resp)
    {
        if (resp.RawBody is not null) return resp.RawBody as JsonObject;
        var mount = req.Mount!;
        var leaseId = resp.LeaseId ?? "";
        var renewable = resp.Renewable ?? false;
        var leaseDuration = resp.LeaseDuration ?? 0;
        if (resp.Secret is { } secret)
        {
            var now = Now;
            var r = TtlCalculator.Calculate(TimeSpan.Zero, secret.Ttl, secret.MaxTtl, TimeSpan.Zero, MountDefaultTtl(mount), MountMaxTtl(mount), now, now,
                Faults.Contains(TwinVaultFaults.IgnoresMaxTtl));
            var lease = Expiration.Register(req.Path, mount, secret, req.Token, r.Ttl, now);
            leaseId = lease.Id; renewable = secret.Renewable; leaseDuration = (long)r.Ttl.TotalSeconds;
            resp.Warnings.AddRange(r.Warnings);
        }
        JsonObject? auth = null;
        if (resp.Auth is { } a)
        {
            var te = a.Issued ?? Tokens.Issue(a, req.Path, mount, resp.Warnings);
            var ttl = a.Issued is not null ? a.Ttl : te.Ttl;
            auth = new JsonObject
            {
                ["client_token"] = te.Id,
                ["accessor"] = te.Accessor,
                ["policies"] = Json.Array(te.Policies),
                ["token_policies"] = Json.Array(te.Policies),
                ["metadata"] = te.Metadata.Count == 0 ? null : Json.MapOrNull(te.Metadata),
                ["lease_duration"] = (long)ttl.TotalSeconds,
                ["renewable"] = te.Renewable,
                ["entity_id"] = te.EntityId,
                ["token_type"] = "service",
                ["orphan"] = te.Orphan,
                ["mfa_requirement"] = null,
                ["num_uses"] = te.NumUses,
            };
        }
        if (resp.IsEmpty && auth is null) return null;
        return new JsonObject
        {
            ["request_id"] = req.Id,
            ["lease_id"] = leaseId,
            ["renewable"] = renewable,
            ["lease_duration"] = leaseDuration,
            ["data"] = resp.Data,
            ["wrap_info"] = null,
            ["warnings"] = resp.Warnings.Count == 0 ? null : Json.Array(resp.Warnings),
            ["auth"] = auth,
            ["mount_type"] = mount.Type == "system" ? "system" : mount.Type,
        };
    }

    private static JsonObject Errors(VaultException e) => new() { ["errors"] = Json.Array(e.Errors) };

    private void Violation(string what)
    {
        lock (_violations) _violations.Add(what);
    }

    private static async Task WriteAsync(HttpContext ctx, int status, JsonObject? body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.Headers.CacheControl = "no-store";
        if (body is null) return;
        ctx.Response.ContentType = "application/json";
        await ctx.Response.WriteAsync(body.ToJsonString() + "\n", ctx.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await Expiration.DisposeAsync();
        Lock.Dispose();
    }
}
