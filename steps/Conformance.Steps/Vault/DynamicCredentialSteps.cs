using System.Globalization;
using Conformance.Fixtures.Probe;
using Conformance.Runner;
using Conformance.Steps.Support;

namespace Conformance.Steps.Vault;

/// <summary>
/// Claims about the dynamic credentials a scenario's pod or job received: what the notebook saw (by fingerprint),
/// whether it could log in, and how their leases and Postgres users lived (renewed, re-fetched, revoked, expired).
/// </summary>
[Binding]
public sealed class DynamicCredentialSteps(ScenarioWorld world, VaultScenario vault, ProbePod pod)
{
    // ---------------------------------------------------------------- what the notebook saw

    [Then("the notebook saw export {string} in {string} equal to a username Vault issued for database role {string}")]
    public Task ThenThePodSawAUsername(string name, string path, string role) => SawIssuedUsername(pod.Report(1), name, path, role);

    [Then("the job's notebook saw export {string} in {string} equal to a username Vault issued for database role {string}")]
    public Task ThenTheJobSawAUsername(string name, string path, string role) => SawIssuedUsername(world.LastRun.RequireProbe(), name, path, role);

    [Then("the notebook saw DB_HOST, DB_PORT and DB_NAME in {string} pointing at this world's Postgres")]
    public void ThenThePodSawTheHost(string path)
    {
        var pg = world.World.Postgres ?? throw new StepFailedException("this world has no Postgres");
        ProbeExpectation.Empty
            .Export(path, "DB_HOST", Known(pg.InClusterHost, "Postgres host"))
            .Export(path, "DB_PORT", Known(pg.InClusterPort.ToString(CultureInfo.InvariantCulture), "Postgres port"))
            .Export(path, "DB_NAME", Known(pg.Database, "Postgres database"))
            .Verify(pod.Report(1), TestRun.Ledger.Fingerprint);
    }

    [Then("the notebook logged in to Postgres and read the granted table")]
    public void ThenThePodReadTheGrantedTable() => ProbeExpectation.Empty.PostgresLogsIn().Verify(pod.Report(1), TestRun.Ledger.Fingerprint);

    [Then("the job's notebook logged in to Postgres and read the granted table")]
    public void ThenTheJobReadTheGrantedTable() => ProbeExpectation.Empty.PostgresLogsIn().Verify(world.LastRun.RequireProbe(), TestRun.Ledger.Fingerprint);

    [Then("the notebook logged in to Postgres but was refused the restricted table")]
    public void ThenThePodWasRefused()
    {
        var report = pod.Report(1);
        ProbeExpectation.Empty.PostgresLogsIn(querySucceeds: false).Verify(report, TestRun.Ledger.Fingerprint);
        if (report.Postgres?.QuerySqlState != "42501")
        {
            throw new StepFailedException($"expected the read to be refused with SQLSTATE 42501 (insufficient_privilege), got {report.Postgres?.QuerySqlState ?? "none"}");
        }
    }

    [Then("the validation pod has the containers {names}")]
    public async Task ThenTheValidationPodHas(string[] containers)
    {
        var validation = await world.Jobs.GetValidationPodAsync(world.Namespace, world.LastRun.Name, world.Cancellation)
                         ?? throw new StepFailedException($"the validation pod of job {world.LastRun.Name} is gone");
        var names = (validation.Spec.InitContainers ?? []).Concat(validation.Spec.Containers).Select(c => c.Name).ToList();
        var status = validation.Metadata.Annotations is { } annotations && annotations.TryGetValue("vault.hashicorp.com/agent-inject-status", out var s) ? s : null;
        var missing = containers.Except(names).ToList();
        if (missing.Count > 0)
        {
            throw new StepFailedException(
                $"expected containers {string.Join(", ", containers)} in pod {validation.Metadata.Name}, but it has [{string.Join(", ", names)}] "
                + $"and agent-inject-status={status ?? "(absent)"}: nothing was injected");
        }
    }

    // ---------------------------------------------------------------- renewal (reference/vault.md §2.1)

    [Then("within {int} seconds a lease of database role {string} is renewed, its expire_time moving later at least {int} times")]
    public async Task ThenALeaseIsRenewed(int seconds, string role, int moves)
    {
        var watch = vault.Watch(role);
        var lease = await watch.WaitAsync(w => w.Leases.FirstOrDefault(l => l.Renewed && l.ExpireMoves >= moves),
            $"a lease of {role} renewed with expire_time moving later {moves} times", TimeSpan.FromSeconds(seconds));
        world.Timeline.Mark("lease " + role, $"renewed {lease.ExpireMoves}x", budget: TimeSpan.FromSeconds(seconds));
    }

    [Then("within {int} seconds the VALID UNTIL of a Postgres user from database role {string} moves later")]
    public async Task ThenValidUntilMoves(int seconds, string role)
    {
        await vault.Watch(role).WaitAsync(w => w.Users.FirstOrDefault(u => u.ValidUntilMoves >= 1),
            $"VALID UNTIL of a Postgres user from {role} to move later", TimeSpan.FromSeconds(seconds));
        world.Timeline.Mark("postgres " + role, "VALID UNTIL moved", budget: TimeSpan.FromSeconds(seconds));
    }

    // ---------------------------------------------------------------- re-fetch near max_ttl (reference/vault.md §2.1)

    [Then("the notebook saw {string} re-rendered with a new DB_USERNAME that Vault issued for database role {string}, and logged in with it")]
    public async Task ThenReRendered(string path, string role)
    {
        var first = pod.Report(1);
        var second = pod.Report(2);
        if (second.WatchSatisfied != true)
        {
            throw new StepFailedException(
                $"the notebook waited {second.WatchWaitedSeconds?.ToString(CultureInfo.InvariantCulture) ?? "?"} s and {path} did not change\n"
                + vault.Watch(role).Describe());
        }

        var before = first.Export(path, "DB_USERNAME").Fingerprint;
        var after = second.Export(path, "DB_USERNAME").Fingerprint;
        if (after is null || after == before)
        {
            throw new StepFailedException($"expected {path} to hold a new DB_USERNAME after it changed, but it went from {before ?? "absent"} to {after ?? "absent"}");
        }

        await SawIssuedUsername(second, "DB_USERNAME", path, role);
        ProbeExpectation.Empty.PostgresLogsIn().Verify(second, TestRun.Ledger.Fingerprint);
        world.Timeline.Mark("pod", "re-rendered file seen", at: DateTimeOffset.UtcNow);
    }

    /// <summary>
    /// Compares Vault's own issue times. The watch may see the second lease a poll or two after its Postgres user (Vault
    /// creates the user, then registers the lease), so it is given a few seconds to catch up: that wait is the
    /// harness's, not a budget for the system, whose deadline is the first lease's max_ttl.
    /// </summary>
    [Then("Vault issued the second username for database role {string} before the first lease reached its max_ttl")]
    public async Task ThenIssuedBeforeMaxTtl(string role)
    {
        var watch = vault.Watch(role);
        var leases = await watch.WaitAsync(w => w.Leases.Count >= 2 ? w.Leases : null,
            $"the watch to see a second lease of {role} (the notebook already read the second username)", TimeSpan.FromSeconds(10));

        DateTimeOffset Issued(LeaseHistory lease) => lease.IssueTime ?? lease.FirstSeen;
        var limit = Issued(leases[0]) + watch.Role.MaxTtl;
        if (Issued(leases[1]) > limit)
        {
            throw new StepFailedException($"the second lease was issued {(Issued(leases[1]) - limit).TotalSeconds:0.0} s after the first one's max_ttl\n" + watch.Describe());
        }
    }

    [Then("within {int} seconds the first Postgres user from database role {string} is dropped")]
    public async Task ThenFirstUserDropped(int seconds, string role)
    {
        await vault.Watch(role).WaitAsync(w => w.Users.Count > 0 && w.Users[0].GoneAt is not null ? w.Users[0] : null,
            $"the first Postgres user from {role} to be dropped (its lease expired at max_ttl)", TimeSpan.FromSeconds(seconds));
    }

    // ---------------------------------------------------------------- revocation and expiry (reference/vault.md §2.5)

    [When("the sidecar has renewed its lease of database role {string} within {int} seconds")]
    public Task WhenTheSidecarRenewed(string role, int seconds) =>
        vault.Watch(role).WaitAsync(w => w.Leases.FirstOrDefault(l => l.Renewed),
            $"the sidecar to renew its lease of {role} (the first renewal follows the read at once)", TimeSpan.FromSeconds(seconds));

    [Then("within {int} seconds the renewed lease of database role {string} is gone and one of its Postgres users dropped")]
    public Task ThenTheRenewedLeaseIsGone(int seconds, string role) =>
        vault.Watch(role).WaitAsync(w =>
                w.Leases.Where(l => l.Renewed).ToList() is { Count: > 0 } renewed && renewed.All(l => l.GoneAt is not null)
                && w.Users.Any(u => u.GoneAt is not null) ? renewed : null,
            $"the sidecar's (renewed) lease of {role} to be revoked and its user dropped", TimeSpan.FromSeconds(seconds));

    [Then("the lease the init container took for database role {string} is still there, never renewed, with its Postgres user")]
    public void ThenTheInitLeaseRemains(string role)
    {
        var watch = vault.Watch(role);
        var init = watch.Leases.Where(l => !l.Renewed).ToList();
        if (init.Count != 1 || init[0].GoneAt is not null || watch.Users.Count(u => u.GoneAt is null) < 1)
        {
            throw new StepFailedException("expected exactly one never-renewed lease (the init container's) still alive, with its user\n" + watch.Describe());
        }
    }

    [Then("every lease of database role {string} is still there once the pod is gone, with its Postgres user")]
    public void ThenEveryLeaseRemains(string role)
    {
        var watch = vault.Watch(role);
        var leases = watch.Leases;
        if (leases.Count == 0 || leases.Any(l => l.GoneAt is not null) || watch.Users.Any(u => u.GoneAt is not null))
        {
            throw new StepFailedException("expected every lease and user of " + role + " to outlive the pod (nothing revokes them)\n" + watch.Describe());
        }
    }

    [Then("the lease of database role {string} was never renewed and is gone within {int} seconds, at its default_ttl")]
    public async Task ThenExpiredUnrenewed(string role, int seconds)
    {
        var watch = vault.Watch(role);
        var lease = await watch.WaitAsync(w => w.Leases.FirstOrDefault(l => l.GoneAt is not null),
            $"the lease of {role} to expire", TimeSpan.FromSeconds(seconds));
        var lived = lease.GoneAt!.Value - lease.FirstSeen;
        if (lease.Renewed || watch.Leases.Count != 1 || lived < watch.Role.DefaultTtl - TimeSpan.FromSeconds(1.5))
        {
            throw new StepFailedException(
                $"expected one lease, never renewed, living about its default_ttl ({watch.Role.DefaultTtl.TotalSeconds} s); it lived {lived.TotalSeconds:0.0} s\n" + watch.Describe());
        }
    }

    [Then("no lease of database role {string} exists")]
    public async Task ThenNoLease(string role)
    {
        var leases = await vault.LeasesAsync(role);
        if (leases.Count > 0 || vault.Watch(role).Leases.Count > 0)
        {
            throw new StepFailedException($"expected no credentials issued for {role}, but Vault holds {leases.Count} lease(s)\n" + vault.Watch(role).Describe());
        }
    }

    // A username the probe fingerprinted must be one of the users the scenario's role made (seen in pg_roles).
    private async Task SawIssuedUsername(ProbeResult report, string name, string path, string role)
    {
        var seen = report.Export(path, name);
        if (!seen.Present)
        {
            throw new StepFailedException($"export {name} in {path}: the notebook did not see it ({seen.Error ?? (report.ExportFilePresent(path) ? "not in the file" : "no such file")})");
        }

        var watch = vault.Watch(role);
        var user = await watch.WaitAsync(w => w.Users.FirstOrDefault(u => TestRun.Ledger.Fingerprint.Of(u.Name) == seen.Fingerprint),
            $"a Postgres user from {role} with fingerprint {seen.Fingerprint}", TimeSpan.FromSeconds(3));
        world.Timeline.Mark("pod", "saw issued username " + TestRun.Ledger.Fingerprint.Of(user.Name));
    }

    private static Fixtures.Secrets.SecretValue Known(string value, string label) =>
        new(value, label, Fixtures.Secrets.SecretKind.Other, TestRun.Ledger.Fingerprint.Of(value));
}
