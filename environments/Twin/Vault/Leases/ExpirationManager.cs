using System.Text.Json.Nodes;
using System.Threading.Channels;
using Conformance.Twin.Vault.Http;
using Conformance.Twin.Vault.Mounts;
using Conformance.Twin.Vault.Tokens;

namespace Conformance.Twin.Vault.Leases;

/// <summary>
/// vault/expiration.go: holds leases, renews them through their backend with TTL capping, revokes them on expiry
/// (a TimeProvider timer per lease) and revokes a token's leases lazily, on a background queue, as RevokeByToken does
/// (reference/vault.md §2.5: the revoke returns at once, the leases go shortly after).
/// </summary>
internal sealed class ExpirationManager : IAsyncDisposable
{
    private readonly VaultCore _core;
    private readonly Dictionary<string, Lease> _leases = new(StringComparer.Ordinal);
    private readonly Channel<string> _queue = Channel.CreateUnbounded<string>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _worker;
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);

    public ExpirationManager(VaultCore core)
    {
        _core = core;
        _worker = Task.Run(WorkAsync);
    }

    private readonly List<string> _errors = [];

    /// <summary>Revocation failures the worker saw (for diagnostics; the lease stays and is retried).</summary>
    public IReadOnlyList<string> Errors { get { lock (_errors) return _errors.ToList(); } }

    public IEnumerable<Lease> All => _leases.Values;

    public Lease? Get(string id) => _leases.GetValueOrDefault(id);

    public Lease Register(string path, MountEntry mount, SecretLease secret, TokenEntry? token, TimeSpan ttl, DateTimeOffset now)
    {
        var lease = new Lease
        {
            Id = path.TrimEnd('/') + "/" + Ids.Random(24),
            Path = path,
            MountPath = mount.Path,
            IssueTime = now,
            ExpireTime = now + ttl,
            Renewable = secret.Renewable,
            Ttl = secret.Ttl,
            MaxTtl = secret.MaxTtl,
            TokenId = token?.Id,
            Internal = secret.Internal,
        };
        Track(lease);
        return lease;
    }

    /// <summary>Tokens with a TTL get a lease "&lt;path&gt;/&lt;salted id&gt;" (expiration.go RegisterAuth).</summary>
    public Lease RegisterAuth(TokenEntry token, string mountPath)
    {
        var lease = new Lease
        {
            Id = token.Path.TrimEnd('/') + "/" + _core.SaltedId(token.Id),
            Path = token.Path,
            MountPath = mountPath,
            IssueTime = token.CreationTime,
            ExpireTime = token.ExpireTime ?? token.CreationTime,
            Renewable = token.Renewable,
            Ttl = token.Ttl,
            MaxTtl = token.MaxTtl,
            TokenId = token.Id,
            IsAuth = true,
        };
        token.LeaseId = lease.Id;
        Track(lease);
        return lease;
    }

    private void Track(Lease lease)
    {
        _leases[lease.Id] = lease;
        Schedule(lease);
    }

    private void Schedule(Lease lease)
    {
        lease.Timer?.Dispose();
        var due = lease.ExpireTime - _core.Now;
        if (due < TimeSpan.Zero) due = TimeSpan.Zero;
        var id = lease.Id;
        lease.Timer = _core.Time.CreateTimer(_ => _queue.Writer.TryWrite(id), null, due, Timeout.InfiniteTimeSpan);
    }

    /// <summary>sys/leases/renew for a secret lease (expiration.go Renew). Caller holds the core lock.</summary>
    public async Task<VaultResponse> RenewAsync(string leaseId, TimeSpan increment, CancellationToken ct)
    {
        var lease = _leases.GetValueOrDefault(leaseId) ?? throw VaultException.BadRequest("lease not found");
        if (lease.Revoking || lease.ExpireTime <= _core.Now) throw VaultException.BadRequest("lease expired");
        if (lease.IsAuth) return await _core.Tokens.RenewAsync(_core.Tokens.Get(lease.TokenId!) ?? throw VaultException.BadRequest("lease not found"), increment, ct);
        if (!lease.Renewable) throw VaultException.BadRequest("lease is not renewable");
        var mount = _core.Mounts.Get(lease.MountPath) ?? throw VaultException.BadRequest("lease not found");
        var (ttl, max) = await mount.Backend.RenewAsync(lease, ct);
        var r = TtlCalculator.Calculate(increment, ttl, max, TimeSpan.Zero, _core.MountDefaultTtl(mount), _core.MountMaxTtl(mount),
            lease.IssueTime, _core.Now, _core.Faults.Contains(TwinVaultFaults.IgnoresMaxTtl));
        await mount.Backend.OnRenewedAsync(lease, r.Ttl, ct);
        lease.LastRenewal = _core.Now;
        lease.ExpireTime = _core.Now + r.Ttl;
        Schedule(lease);
        var resp = new VaultResponse { LeaseId = lease.Id, Renewable = lease.Renewable, LeaseDuration = (long)r.Ttl.TotalSeconds };
        resp.Warnings.AddRange(r.Warnings);
        return resp;
    }

    public void ExtendAuthLease(TokenEntry token)
    {
        if (token.LeaseId is null || !_leases.TryGetValue(token.LeaseId, out var lease)) return;
        lease.ExpireTime = token.ExpireTime ?? lease.ExpireTime;
        lease.LastRenewal = token.LastRenewal;
        Schedule(lease);
    }

    /// <summary>Revokes now through the backend (sys/leases/revoke with sync). Caller holds the core lock.</summary>
    public async Task RevokeAsync(Lease lease, bool force, CancellationToken ct)
    {
        if (lease.IsAuth)
        {
            // token expiry or revocation through its lease: the whole tree goes, and their leases lazily
            var token = _core.Tokens.GetUnrevoked(lease.TokenId!);
            Forget(lease);
            if (token is not null) _core.Tokens.RevokeTree(token);
            return;
        }
        var mount = _core.Mounts.Get(lease.MountPath);
        try
        {
            if (mount is not null) await mount.Backend.RevokeAsync(lease, ct);
        }
        catch (Exception e) when (force && e is not OperationCanceledException)
        {
            // revoke-force: backend errors are ignored (api-docs/system/leases.mdx)
        }
        Forget(lease);
    }

    public void Forget(Lease lease)
    {
        lease.Timer?.Dispose();
        _leases.Remove(lease.Id);
        _failures.Remove(lease.Id);
    }

    public async Task RevokePrefixAsync(string prefix, bool force, CancellationToken ct)
    {
        foreach (var lease in _leases.Values.Where(l => l.Id.StartsWith(prefix, StringComparison.Ordinal)).ToList())
            await RevokeAsync(lease, force, ct);
    }

    /// <summary>expiration.go RevokeByToken: marks the token's leases and hands them to the background queue.</summary>
    public void RevokeByTokenLazily(string tokenId)
    {
        foreach (var lease in _leases.Values.Where(l => !l.IsAuth && l.TokenId == tokenId).ToList())
        {
            lease.Revoking = true;
            _queue.Writer.TryWrite(lease.Id);
        }
    }

    private readonly Dictionary<string, TaskCompletionSource> _drains = new(StringComparer.Ordinal);

    /// <summary>Completes once every revocation queued before the call has been attempted (FIFO, one worker).</summary>
    public Task DrainAsync()
    {
        var marker = "\0drain/" + Guid.NewGuid();
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_drains) _drains[marker] = tcs;
        _queue.Writer.TryWrite(marker);
        return tcs.Task;
    }

    public void RevokeByLeaseLazily(Lease lease) => _queue.Writer.TryWrite(lease.Id);

    /// <summary>LIST sys/leases/lookup/&lt;prefix&gt;: one directory level of lease ids below the prefix.</summary>
    public IEnumerable<string> ListLevel(string prefix) =>
        _leases.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal))
            .Select(k => k[prefix.Length..])
            .Select(rest => rest.Contains('/') ? rest[..(rest.IndexOf('/') + 1)] : rest)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal);

    public JsonObject Describe(Lease lease) => new()
    {
        ["expire_time"] = Json.Time(lease.ExpireTime),
        ["id"] = lease.Id,
        ["issue_time"] = Json.Time(lease.IssueTime),
        ["last_renewal"] = lease.LastRenewal is { } lr ? Json.Time(lr) : null,
        ["renewable"] = lease.Renewable,
        ["ttl"] = Math.Max(0, (long)Math.Round((lease.ExpireTime - _core.Now).TotalSeconds)),
    };

    private async Task WorkAsync()
    {
        try
        {
            await foreach (var id in _queue.Reader.ReadAllAsync(_stop.Token))
            {
                if (id.StartsWith("\0drain/", StringComparison.Ordinal))
                {
                    TaskCompletionSource? done;
                    lock (_drains) _drains.Remove(id, out done);
                    done?.TrySetResult();
                    continue;
                }
                await _core.Lock.WaitAsync(_stop.Token);
                try
                {
                    if (!_leases.TryGetValue(id, out var lease)) continue;
                    if (!lease.Revoking && lease.ExpireTime > _core.Now)
                    {
                        // Renewed since the timer fired, or the timer fired a little early (timers run on the monotonic
                        // clock, Now is wall time): arm it again for the current expiry, or the lease would never go.
                        Schedule(lease);
                        continue;
                    }
                    try
                    {
                        await RevokeAsync(lease, force: false, _stop.Token);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        // expiration.go: failed revocations are retried with backoff (6 attempts).
                        var n = _failures[id] = _failures.GetValueOrDefault(id) + 1;
                        lock (_errors) _errors.Add($"revoking {id} failed (attempt {n}): {e.Message}");
                        if (n < 6) lease.Timer = _core.Time.CreateTimer(_ => _queue.Writer.TryWrite(id), null, TimeSpan.FromSeconds(n), Timeout.InfiniteTimeSpan);
                    }
                }
                finally
                {
                    _core.Lock.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stop.CancelAsync();
        try { await _worker; } catch (OperationCanceledException) { }
        foreach (var l in _leases.Values) l.Timer?.Dispose();
        _stop.Dispose();
    }
}
