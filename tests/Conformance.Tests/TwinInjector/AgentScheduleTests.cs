using System.Text.Json.Nodes;
using Conformance.Tests.TwinInjector.Support;
using Conformance.Twin.Injector;
using Conformance.Twin.Injector.Agent;
using FluentAssertions;
using k8s.Models;
using Xunit;

namespace Conformance.Tests.TwinInjector;

/// <summary>
/// The agent's timings on a fake clock against a fake Vault that records every call (reference/vault.md §2):
/// renewal at once and then at 2/3 of the remaining lease plus a third of a 10–20% grace, a new read when max_ttl
/// stops the renewals, KV re-reads on the static render interval, revoke-self after the grace on deletion, and an
/// init container that does nothing once it has exited.
/// </summary>
public sealed class AgentScheduleTests
{
    private const string V = "vault.hashicorp.com/";
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static V1Pod InjectedPod(params (string Key, string Value)[] extra)
    {
        var a = new Dictionary<string, string> { [V + "agent-inject"] = "true", [V + "role"] = "app", [V + "agent-inject-secret-db"] = "database/creds/app" };
        foreach (var (k, v) in extra) a[V + k] = v;
        return PodFixtures.Inject(PodFixtures.AppPod(a));
    }

    [Fact]
    public async Task Sidecar_renews_at_two_thirds_and_refetches_before_max_ttl()
    {
        var clock = new ManualTimeProvider(T0);
        var vault = new FakeVault(clock) { DbTtl = 60, DbMaxTtl = 180, TokenTtl = 3600, ExpectedJwt = "sa-jwt" };
        using var pod = new AgentPodHarness(InjectedPod());
        var agent = new VaultAgentProgram(pod.Options(clock, vault));
        var run = agent.RunAsync(pod.ContainerContext("vault-agent", out var terminate));

        // two loops sleep at a time: the token's lifetime watcher and the database secret's
        await clock.RunUntilAsync(T0.AddSeconds(200), loops: 2);

        var reads = vault.CallsTo("GET", "/v1/database/creds/app");
        var renews = vault.CallsTo("PUT", "/v1/sys/leases/renew");
        reads.Should().HaveCount(2, "one read at start and one new read when max_ttl stops renewal (vault.md §2.1)");
        reads[0].At.Should().Be(0);
        var firstLease = Lease(renews[0]);
        var firstLeaseRenews = renews.Where(r => Lease(r) == firstLease).ToList();

        // renewed immediately after the read
        firstLeaseRenews[0].At.Should().Be(0);
        // then 2/3 of the lease just granted + grace/3, grace in [10%, 20%) of the 60s lease
        for (var i = 1; i < firstLeaseRenews.Count; i++)
        {
            var granted = Math.Min(60, 180 - firstLeaseRenews[i - 1].At);
            var gap = firstLeaseRenews[i].At - firstLeaseRenews[i - 1].At;
            gap.Should().BeInRange(granted * 2 / 3 + 60 * 0.1 / 3 - 0.01, granted * 2 / 3 + 60 * 0.2 / 3 + 0.01, $"renewal {i} follows vault.md §2.1");
        }
        firstLeaseRenews.Select(r => r.At).Should().HaveCount(5, "renewals at ~0, ~43, ~86, ~129 (capped) and ~166 (capped) as in vault.md §2.1's example");

        // the new read happens when the watcher gives up: before max_ttl, within the last 10–20% of the lease
        reads[1].At.Should().BeInRange(180 - 60 * 0.2 - 60 * 0.1, 180, "re-fetch near max_ttl");
        reads[1].At.Should().Be(firstLeaseRenews[^1].At, "the re-read follows the last capped renewal at once");
        // and the new lease is renewed at once too
        renews.Should().Contain(r => Lease(r) != firstLease && r.At == reads[1].At);

        // the file was re-rendered with the new credentials
        pod.ReadSecret("/vault/secrets/db").Should().Contain("username: v-kubernet-app-user").And.NotContain(UserOf(firstLease));
        pod.Events.Should().Contain(e => e.Kind == "renewer-done");

        // token: renewed once at login (renew-self), nothing else within 200s of a 1h token
        vault.CallsTo("PUT", "/v1/auth/token/renew-self").Select(c => c.At).Should().Equal(0);
        vault.CallsTo("PUT", "/v1/auth/kubernetes/login").Should().ContainSingle();

        await terminate.CancelAsync();
        (await run).Should().Be(0);
        vault.CallsTo("PUT", "/v1/auth/token/revoke-self").Should().BeEmpty("the agent itself revokes nothing on SIGTERM (vault.md §2.5)");
    }

    [Fact]
    public async Task Kv_is_reread_on_the_static_render_interval()
    {
        var clock = new ManualTimeProvider(T0);
        var vault = new FakeVault(clock) { TokenTtl = 0 };
        vault.Kv["app"] = new JsonObject { ["api_key"] = "v1" };
        using var pod = new AgentPodHarness(InjectedPod(
            ("agent-inject-secret-db", ""),
            ("agent-inject-secret-config", "secret/data/app"),
            ("agent-inject-template-config", "{{ with secret \"secret/data/app\" }}{{ .Data.data.api_key }}{{ end }}"),
            ("template-static-secret-render-interval", "10s")));
        var run = new VaultAgentProgram(pod.Options(clock, vault)).RunAsync(pod.ContainerContext("vault-agent", out var terminate));

        await clock.RunUntilAsync(T0.AddSeconds(5), loops: 1);
        pod.ReadSecret("/vault/secrets/config").Should().Be("v1");
        vault.Kv["app"] = new JsonObject { ["api_key"] = "v2" };
        await clock.RunUntilAsync(T0.AddSeconds(60), loops: 1);

        var reads = vault.CallsTo("GET", "/v1/secret/data/app").Select(c => c.At).ToList();
        reads[0].Should().Be(0);
        // KV v2: interval × (0.9 ± 0.05) between reads (vault.md §2.3)
        for (var i = 1; i < reads.Count; i++) (reads[i] - reads[i - 1]).Should().BeInRange(8.5, 9.5);
        reads.Count.Should().BeInRange(6, 7);
        pod.ReadSecret("/vault/secrets/config").Should().Be("v2");
        vault.CallsTo("GET", "/v1/sys/internal/ui/mounts/secret/data/app").Should().ContainSingle("KV v2 detection happens once per dependency");
        vault.CallsTo("PUT", "/v1/sys/leases/renew").Should().BeEmpty("KV v2 has no lease");

        await terminate.CancelAsync();
        (await run).Should().Be(0);
    }

    [Fact]
    public async Task Init_container_fetches_renders_and_exits_leaving_its_lease()
    {
        var clock = new ManualTimeProvider(T0);
        var vault = new FakeVault(clock) { ExpectedJwt = "sa-jwt" };
        using var pod = new AgentPodHarness(InjectedPod());

        var code = await new VaultAgentProgram(pod.Options(clock, vault)).RunAsync(pod.ContainerContext("vault-agent-init", out _));

        code.Should().Be(0);
        vault.Calls.Select(c => $"{c.Method} {c.Path}").Should().Equal(
            "PUT /v1/auth/kubernetes/login",
            "GET /v1/sys/internal/ui/mounts/database/creds/app",
            "GET /v1/database/creds/app");
        pod.ReadSecret("/vault/secrets/db", "vault-agent-init").Should().Be("password: pw-2\nusername: v-kubernet-app-user2\n");
        File.ReadAllText(pod.HostPath("vault-agent-init", "/home/vault/.vault-token")).Should().Be("hvs.token1");
        vault.ActiveLeases(clock.GetUtcNow()).Should().Be(1, "the init container neither renews nor revokes its lease (vault.md §2.5)");
    }

    [Fact]
    public async Task Pre_populate_only_does_nothing_after_init()
    {
        var clock = new ManualTimeProvider(T0);
        var vault = new FakeVault(clock);
        var podSpec = InjectedPod(("agent-pre-populate-only", "true"), ("agent-revoke-on-shutdown", "true"));
        podSpec.Spec.Containers.Select(c => c.Name).Should().Equal("app");
        using var pod = new AgentPodHarness(podSpec);

        (await new VaultAgentProgram(pod.Options(clock, vault)).RunAsync(pod.ContainerContext("vault-agent-init", out _))).Should().Be(0);
        var afterInit = vault.Calls.Count;
        await clock.RunUntilAsync(T0.AddHours(2), loops: 0);

        vault.Calls.Should().HaveCount(afterInit, "no sidecar: no renewal, no re-fetch, no revocation (vault.md §1.2)");
        clock.ArmedCount.Should().Be(0);
    }

    [Fact]
    public async Task PreStop_waits_the_grace_then_revokes_the_sidecar_token()
    {
        var clock = new ManualTimeProvider(T0);
        var vault = new FakeVault(clock) { TokenTtl = 0 };
        using var pod = new AgentPodHarness(InjectedPod(("agent-revoke-on-shutdown", "true"), ("agent-revoke-grace", "5")));
        var agent = new VaultAgentProgram(pod.Options(clock, vault));
        var init = await agent.RunAsync(pod.ContainerContext("vault-agent-init", out _));
        var sidecar = pod.ContainerContext("vault-agent", out var terminate);
        var run = agent.RunAsync(sidecar);
        await clock.RunUntilAsync(T0.AddSeconds(30), loops: 1);
        vault.ActiveLeases(clock.GetUtcNow()).Should().Be(2, "init lease #1 and sidecar lease #2 (vault.md §2.5)");

        var deletedAt = clock.GetUtcNow();
        var preStop = agent.PreStopAsync(sidecar, CancellationToken.None);
        await clock.RunUntilAsync(deletedAt.AddSeconds(4.9), loops: 2);
        vault.CallsTo("PUT", "/v1/auth/token/revoke-self").Should().BeEmpty("the hook sleeps agent-revoke-grace first");
        await clock.RunUntilAsync(deletedAt.AddSeconds(5), () => preStop.IsCompleted ? 1 : 2, wake: preStop);
        await preStop;

        var revoke = vault.CallsTo("PUT", "/v1/auth/token/revoke-self").Should().ContainSingle().Subject;
        revoke.At.Should().Be((deletedAt - T0).TotalSeconds + 5);
        revoke.Token.Should().Be("hvs.token3", "the sidecar's own token from /home/vault/.vault-token, not the init container's");
        vault.ActiveLeases(clock.GetUtcNow()).Should().Be(1, "the init container's lease outlives the pod");
        init.Should().Be(0);
        await terminate.CancelAsync();
        (await run).Should().Be(0);
    }

    [Fact]
    public async Task Without_revoke_on_shutdown_the_preStop_hook_does_nothing()
    {
        var clock = new ManualTimeProvider(T0);
        var vault = new FakeVault(clock) { TokenTtl = 0 };
        using var pod = new AgentPodHarness(InjectedPod());
        var agent = new VaultAgentProgram(pod.Options(clock, vault));
        var sidecar = pod.ContainerContext("vault-agent", out var terminate);
        var run = agent.RunAsync(sidecar);
        await clock.RunUntilAsync(T0.AddSeconds(1), loops: 1);

        await agent.PreStopAsync(sidecar, CancellationToken.None);
        await terminate.CancelAsync();
        (await run).Should().Be(0);
        vault.CallsTo("PUT", "/v1/auth/token/revoke-self").Should().BeEmpty();
    }

    [Theory]
    [InlineData(TwinFaults.AgentNeverRenews)]
    [InlineData(TwinFaults.AgentNeverRefetchesAtMaxTtl)]
    [InlineData(TwinFaults.AgentRendersStaleTemplate)]
    [InlineData(TwinFaults.AgentSkipsRevokeOnShutdown)]
    public async Task Each_agent_fault_breaks_its_behaviour(string fault)
    {
        var clock = new ManualTimeProvider(T0);
        var vault = new FakeVault(clock) { DbTtl = 60, DbMaxTtl = 180, TokenTtl = 0 };
        using var pod = new AgentPodHarness(InjectedPod(("agent-revoke-on-shutdown", "true"), ("agent-revoke-grace", "1")));
        var agent = new VaultAgentProgram(pod.Options(clock, vault, faults: fault));
        var sidecar = pod.ContainerContext("vault-agent", out var terminate);
        var run = agent.RunAsync(sidecar);
        // with agent-never-refetches-at-max-ttl the secret's loop stops sleeping on the clock once it has given up
        Func<int> loops = () => fault == TwinFaults.AgentNeverRefetchesAtMaxTtl && Stopped(pod) ? 0 : 1;
        await clock.RunUntilAsync(T0.AddSeconds(1), loops: 1);
        var firstFile = pod.ReadSecret("/vault/secrets/db");
        await clock.RunUntilAsync(T0.AddSeconds(200), loops: loops);

        switch (fault)
        {
            case TwinFaults.AgentNeverRenews:
                vault.CallsTo("PUT", "/v1/sys/leases/renew").Should().BeEmpty();
                break;
            case TwinFaults.AgentNeverRefetchesAtMaxTtl:
                vault.CallsTo("GET", "/v1/database/creds/app").Should().ContainSingle();
                vault.CallsTo("PUT", "/v1/sys/leases/renew").Should().NotBeEmpty();
                break;
            case TwinFaults.AgentRendersStaleTemplate:
                vault.CallsTo("GET", "/v1/database/creds/app").Should().HaveCount(2);
                pod.ReadSecret("/vault/secrets/db").Should().Be(firstFile);
                break;
            case TwinFaults.AgentSkipsRevokeOnShutdown:
                var preStop = agent.PreStopAsync(sidecar, CancellationToken.None);
                await clock.RunForAsync(TimeSpan.FromSeconds(5), loops: 1);
                await preStop;
                vault.CallsTo("PUT", "/v1/auth/token/revoke-self").Should().BeEmpty();
                break;
        }
        await terminate.CancelAsync();
        (await run).Should().Be(0);
    }

    private static bool Stopped(AgentPodHarness pod)
    {
        lock (pod.Events) return pod.Events.Any(e => e.Kind == "fault");
    }

    private static string Lease(FakeVault.VaultCall renew) => JsonNode.Parse(renew.Body)!["lease_id"]!.GetValue<string>();

    private static string UserOf(string leaseId) => "user" + leaseId[(leaseId.LastIndexOf("lease", StringComparison.Ordinal) + 5)..] + "\n";
}
