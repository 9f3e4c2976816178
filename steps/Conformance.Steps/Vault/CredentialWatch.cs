using System.Globalization;
using Conformance.Fixtures.Vault;
using Conformance.Fixtures.Waits;
using Conformance.Steps.Support;

namespace Conformance.Steps.Vault;

/// <summary>
/// Watches one scenario database role from outside the pod while the scenario runs: Vault's leases for it
/// (<c>LIST sys/leases/lookup/…</c> then <c>sys/leases/lookup</c>: expire_time, last_renewal) and the Postgres users made
/// from it (pg_roles: VALID UNTIL), polled a few times a second. Lease revocation is asynchronous in Vault
/// (reference/vault.md §2.5: RevokeByToken marks leases for the expiration manager), so every claim about leases and
/// users is a wait with a budget over this history, never a single look. Usernames appear only as fingerprints.
/// </summary>
public sealed class CredentialWatch : IAsyncDisposable
{
    private static readonly TimeSpan PollEvery = TimeSpan.FromMilliseconds(300);

    private readonly VaultScenario _scenario;
    private readonly DatabaseRoleInfo _role;
    private readonly Dictionary<string, LeaseHistory> _leases = new(StringComparer.Ordinal);
    private readonly Dictionary<string, UserHistory> _users = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private TaskCompletionSource _polled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string _lastError = "";

    public CredentialWatch(VaultScenario scenario, DatabaseRoleInfo role)
    {
        _scenario = scenario;
        _role = role;
        _loop = Task.Run(LoopAsync);
    }

    public DatabaseRoleInfo Role => _role;

    public IReadOnlyList<LeaseHistory> Leases
    {
        get { lock (_gate) return _leases.Values.OrderBy(l => l.FirstSeen).ToList(); }
    }

    public IReadOnlyList<UserHistory> Users
    {
        get { lock (_gate) return _users.Values.OrderBy(u => u.FirstSeen).ToList(); }
    }

    /// <summary>
    /// Waits (over fresh polls) until <paramref name="condition"/> holds for the history, or fails naming what was
    /// expected, the budget, and the history as last observed.
    /// </summary>
    public async Task<T> WaitAsync<T>(Func<CredentialWatch, T?> condition, string what, TimeSpan budget) where T : class
    {
        using var deadline = Deadline.After(budget, what, cancellationToken: _scenario.World.Cancellation);
        try
        {
            while (true)
            {
                var polled = _polled.Task;
                if (condition(this) is { } result)
                {
                    return result;
                }

                deadline.Observe(Describe());
                await polled.WaitAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException e) when (deadline.HasExpired)
        {
            throw deadline.Expired(e);
        }
    }

    /// <summary>The history as one line per lease and user: lease ids (not secret), user fingerprints, times relative to first sight.</summary>
    public string Describe()
    {
        lock (_gate)
        {
            var origin = _leases.Values.Select(l => l.FirstSeen).Concat(_users.Values.Select(u => u.FirstSeen)).DefaultIfEmpty(DateTimeOffset.UtcNow).Min();
            string T(DateTimeOffset? t) => t is { } v ? "+" + (v - origin).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + "s" : "-";
            var lines = new List<string> { $"role {_role.Alias} ({_role.VaultName}): {_leases.Count} lease(s), {_users.Count} user(s) seen" };
            lines.AddRange(_leases.Values.OrderBy(l => l.FirstSeen).Select(l =>
                $"  lease …{l.Id[^Math.Min(8, l.Id.Length)..]}: seen {T(l.FirstSeen)}, expire_time moved {l.ExpireMoves}x, "
                + $"last_renewal {(l.Renewed ? "set" : "never")}, gone {T(l.GoneAt)}"));
            lines.AddRange(_users.Values.OrderBy(u => u.FirstSeen).Select(u =>
                $"  user {TestRun.Ledger.Fingerprint.Of(u.Name)}: seen {T(u.FirstSeen)}, VALID UNTIL moved {u.ValidUntilMoves}x, dropped {T(u.GoneAt)}"));
            if (_lastError.Length > 0)
            {
                lines.Add("  last poll error: " + _lastError);
            }

            return string.Join("\n", lines);
        }
    }

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await PollOnceAsync();
                _lastError = "";
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // Keep watching: a failed poll (a timeout under load, a lease revoked mid-lookup) is reported, not fatal.
                // Npgsql and Vault errors name no credential; other messages are cut to their type.
                _lastError = e switch
                {
                    VaultException v => "VaultException: " + v.Message,
                    Npgsql.PostgresException p => "PostgresException SQLSTATE " + p.SqlState,
                    _ => e.GetType().Name,
                };
            }

            Interlocked.Exchange(ref _polled, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            try
            {
                await Task.Delay(PollEvery, _stop.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private async Task PollOnceAsync()
    {
        var now = DateTimeOffset.UtcNow;
        var ids = await _scenario.Vault.ListLeasesAsync(_scenario.CredsPath(_role.Alias), _stop.Token);
        var lookups = new List<LeaseInfo>();
        foreach (var id in ids)
        {
            try
            {
                lookups.Add(await _scenario.Vault.LookupLeaseAsync(id, _stop.Token));
            }
            catch (VaultException e) when (e.Status == System.Net.HttpStatusCode.BadRequest || e.IsNotFound)
            {
                // revoked between the LIST and the lookup ("invalid lease"): gone, seen on the next LIST
            }
        }

        var users = await _scenario.UsersAsync(_role.Alias);
        lock (_gate)
        {
            foreach (var lease in lookups)
            {
                if (!_leases.TryGetValue(lease.Id, out var history))
                {
                    _leases[lease.Id] = history = new LeaseHistory(lease.Id, now);
                    _scenario.World.Timeline.Mark("lease " + _role.Alias, "issued …" + lease.Id[^Math.Min(6, lease.Id.Length)..], now);
                }

                history.Observe(lease);
            }

            foreach (var gone in _leases.Values.Where(l => l.GoneAt is null && !ids.Contains(l.Id)))
            {
                gone.GoneAt = now;
                _scenario.World.Timeline.Mark("lease " + _role.Alias, "gone …" + gone.Id[^Math.Min(6, gone.Id.Length)..], now);
            }

            foreach (var user in users)
            {
                if (!_users.TryGetValue(user.Name, out var history))
                {
                    _users[user.Name] = history = new UserHistory(user.Name, now);
                }

                history.Observe(user.ValidUntil);
            }

            foreach (var dropped in _users.Values.Where(u => u.GoneAt is null && users.All(x => x.Name != u.Name)))
            {
                dropped.GoneAt = now;
                _scenario.World.Timeline.Mark("postgres " + _role.Alias, "user dropped", now);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}

/// <summary>What was seen of one lease: when, how its expire_time moved, whether it was ever renewed, when it went.</summary>
public sealed class LeaseHistory(string id, DateTimeOffset firstSeen)
{
    private DateTimeOffset? _lastExpire;

    public string Id { get; } = id;
    public DateTimeOffset FirstSeen { get; } = firstSeen;
    public DateTimeOffset? GoneAt { get; set; }
    public bool Renewed { get; private set; }
    public int ExpireMoves { get; private set; }
    public DateTimeOffset? FirstExpire { get; private set; }
    /// <summary>Vault's issue_time: when the lease was made, however late the watch first saw it.</summary>
    public DateTimeOffset? IssueTime { get; private set; }

    internal void Observe(LeaseInfo info)
    {
        IssueTime ??= info.IssueTime;
        Renewed |= info.LastRenewal is not null;
        FirstExpire ??= info.ExpireTime;
        if (info.ExpireTime is { } expire)
        {
            if (_lastExpire is { } last && expire > last)
            {
                ExpireMoves++;
            }

            _lastExpire = expire;
        }
    }
}

/// <summary>What was seen of one Postgres user: when, how its VALID UNTIL moved, when it was dropped.</summary>
public sealed class UserHistory(string name, DateTimeOffset firstSeen)
{
    private DateTimeOffset? _lastValidUntil;

    /// <summary>The username: a credential, registered in the ledger; print only its fingerprint.</summary>
    public string Name { get; } = name;
    public DateTimeOffset FirstSeen { get; } = firstSeen;
    public DateTimeOffset? GoneAt { get; set; }
    public int ValidUntilMoves { get; private set; }

    internal void Observe(DateTimeOffset? validUntil)
    {
        if (validUntil is { } v)
        {
            if (_lastValidUntil is { } last && v > last)
            {
                ValidUntilMoves++;
            }

            _lastValidUntil = v;
        }
    }
}
