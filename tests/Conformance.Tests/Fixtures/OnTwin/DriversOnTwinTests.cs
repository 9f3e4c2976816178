using System.Text.Json.Nodes;
using Conformance.Fixtures.Evidence;
using Conformance.Fixtures.Jobs;
using Conformance.Fixtures.Kube;
using Conformance.Fixtures.Probe;
using Conformance.Fixtures.Secrets;
using Conformance.Fixtures.Vault;
using Conformance.Tests.Fixtures.Support;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Fixtures.OnTwin;

/// <summary>The harness's drivers end to end against the twin (its API server, operator, kubelet, git server and Vault).</summary>
public sealed class DriversOnTwinTests(TwinWorldFixture twin) : IClassFixture<TwinWorldFixture>
{
    private static readonly TimeSpan JobBudget = TimeSpan.FromSeconds(120);
    private CancellationToken Ct => TestContext.Current.CancellationToken;
    private Conformance.Fixtures.Kube.Kube Kube => twin.Kube;

    [Fact]
    public async Task Namespaces_secrets_and_waits_work_against_the_twin_API_server()
    {
        var ns = await Kube.CreateNamespaceAsync("drivers", "Namespaces secrets and waits", Ct);
        var canary = twin.Secrets.Canaries.Next("kube-secret");
        await Kube.CreateSecretAsync(ns, "db", new Dictionary<string, SecretValue> { ["password"] = canary }, cancellationToken: Ct);

        var data = await Kube.GetSecretDataAsync(ns, "db", Ct);
        data!["password"].Reveal().Should().Be(canary.Reveal());
        (await Kube.RunNamespacesAsync(Ct)).Should().Contain(ns);

        var waiting = Kube.WaitForAsync(KubeResource.ConfigMaps, ns, "cfg", o => (string?)o?["data"]?["k"] == "v2", "ConfigMap cfg to hold k=v2",
            TimeSpan.FromSeconds(30), Ct);
        await Kube.ApplyConfigMapAsync(ns, "cfg", new Dictionary<string, string> { ["k"] = "v1" }, Ct);
        await Kube.PatchAsync(KubeResource.ConfigMaps, ns, "cfg", JsonNode.Parse("""{"data":{"k":"v2"}}""")!, cancellationToken: Ct);
        (await waiting)!["data"]!["k"]!.GetValue<string>().Should().Be("v2");

        var timeout = await FluentActions.Awaiting(() => Kube.WaitForAsync(KubeResource.Secrets, ns, "db", o => o?["data"]?["user"] is not null,
            "Secret db to gain key user", TimeSpan.FromSeconds(1), Ct)).Should().ThrowAsync<Conformance.Fixtures.Waits.DeadlineExceededException>();
        timeout.Which.Message.Should().Contain(canary.Fingerprint).And.NotContain(canary.Reveal());

        await Kube.DeleteNamespaceAsync(ns, TimeSpan.FromSeconds(60), Ct);
        (await Kube.GetAsync(KubeResource.Namespaces, null, ns, Ct)).Should().BeNull();
    }

    [Fact]
    public async Task A_probe_job_proves_by_fingerprint_what_the_notebook_saw()
    {
        Assert.SkipWhen(ProcessRunner.Which("python3") is null, "python3 is not installed on this machine");
        var ns = await Kube.CreateNamespaceAsync("probe", cancellationToken: Ct);
        var password = twin.Secrets.Canaries.Next("db-password");
        await Kube.CreateSecretAsync(ns, "db", new Dictionary<string, SecretValue> { ["password"] = password }, cancellationToken: Ct);
        var jobs = new NotebookJobs(Kube);
        var spec = ProbeSpec.For("probe-env").WithEnv("DB_PASSWORD", "PLAIN", "HOME", "VALIDATION_LEVEL");
        var job = (await jobs.PublishProbeAsync(twin.World.Notebooks, "probe", spec, Ct))
            .WithEnvFromSecretKey("DB_PASSWORD", "db", "password")
            .WithEnvValue("PLAIN", "plain-value");

        var run = await jobs.RunAsync(ns, job, JobBudget, Ct);
        run.Succeeded.Should().BeTrue(run.Status.Summary);
        ProbeExpectation.Empty
            .Env("DB_PASSWORD", password)
            .Env("PLAIN", "plain-value")
            .EnvAbsent("VALIDATION_LEVEL") // upstream v1.0.8: user env replaces the built-in env (operator.md §2.2)
            .Verify(run.RequireProbe(), twin.Secrets.Fingerprint);
        // HOME is then the image's own (/home/jovyan for quay.io/jupyter images), not the operator's /workspace.
        run.RequireProbe().Env("HOME").Fingerprint.Should().NotBe(twin.Secrets.Fingerprint.Of("/workspace"));
        run.Events.Should().Contain(e => e.Reason == "ValidationSucceeded");

        // Nothing the job left behind carries the value; the evidence collector writes it all masked.
        var dir = Directory.CreateTempSubdirectory("evidence-").FullName;
        try
        {
            var files = await NamespaceEvidence.CollectAsync(Kube, ns, new EvidenceWriter(dir, twin.Secrets.Redactor), Ct);
            files.Should().Contain(f => f.EndsWith("logs/probe-validation/validator.log", StringComparison.Ordinal));
            files.Should().Contain(f => f.EndsWith("objects/secrets/db.yaml", StringComparison.Ordinal));
            File.ReadAllText(files.Single(f => f.EndsWith("objects/secrets/db.yaml", StringComparison.Ordinal))).Should().Contain(password.Fingerprint);
            twin.Secrets.Scanner.ScanDirectory(dir).Should().BeEmpty();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
        twin.Secrets.Scanner.ScanText(run.ValidatorLog ?? "", "validator log").Should().BeEmpty();
    }

    [Fact]
    public async Task A_job_with_a_missing_secret_fails_naming_it()
    {
        Assert.SkipWhen(ProcessRunner.Which("python3") is null, "python3 is not installed on this machine");
        var ns = await Kube.CreateNamespaceAsync("missing", cancellationToken: Ct);
        var jobs = new NotebookJobs(Kube);
        var job = (await jobs.PublishProbeAsync(twin.World.Notebooks, "missing", ProbeSpec.For("missing").WithEnv("DB_PASSWORD"), Ct))
            .WithEnvFromSecretKey("DB_PASSWORD", "nope", "password");

        var run = await jobs.RunAsync(ns, job, JobBudget, Ct);
        run.Status.Phase.Should().Be(NotebookJobStatus.Failed);
        run.Status.Message.Should().Contain("secret \"nope\" not found");
        run.Probe.Should().BeNull("the validator never ran");
    }

    [Fact]
    public async Task The_Vault_client_speaks_to_the_twin_Vault()
    {
        var vault = twin.World.Vault!;
        using var client = new VaultClient(vault.Address, vault.RootToken, twin.Secrets.Ledger);
        var path = "drivers/" + Guid.NewGuid().ToString("N")[..8];
        var value = twin.Secrets.Canaries.Next("kv-value");

        (await client.HealthAsync(Ct)).StatusCode.Should().Be(200);
        var v1 = await client.KvPutAsync(path, new Dictionary<string, string> { ["password"] = value.Reveal() }, cas: 0, cancellationToken: Ct);
        v1.Version.Should().Be(1);
        (await client.KvGetAsync(path, cancellationToken: Ct))!.Data["password"].Should().Be(value.Reveal());
        var stale = await FluentActions.Awaiting(() => client.KvPutAsync(path, new Dictionary<string, string> { ["password"] = "x" }, cas: 0, cancellationToken: Ct))
            .Should().ThrowAsync<VaultException>();
        stale.Which.Status.Should().Be(System.Net.HttpStatusCode.BadRequest);
        (await client.KvListAsync("drivers", cancellationToken: Ct)).Should().Contain(path.Split('/')[1]);

        var child = await client.CreateTokenAsync(["default"], TimeSpan.FromMinutes(5), cancellationToken: Ct);
        using var childClient = client.WithToken(child.ClientToken);
        (await childClient.LookupSelfAsync(Ct)).DataString("accessor").Should().Be(child.Accessor);
        await client.RevokeTokenAsync(child.ClientToken, Ct);
        await FluentActions.Awaiting(() => childClient.LookupSelfAsync(Ct)).Should().ThrowAsync<VaultException>();
    }

    [Fact]
    public async Task The_twin_Vault_is_configured_like_a_live_world_so_a_service_account_logs_in()
    {
        // VaultConfiguration (the live world's calls) ran at start: Kubernetes auth against the twin API server.
        var vault = twin.World.Vault!;
        using var client = new VaultClient(vault.Address, vault.RootToken, twin.Secrets.Ledger);
        var ns = await Kube.CreateNamespaceAsync("vault-login", cancellationToken: Ct);
        await Kube.CreateServiceAccountAsync(ns, "notebook", cancellationToken: Ct);
        var role = "drivers-" + ns;
        await client.WriteKubernetesRoleAsync(role,
            new KubernetesAuthRole(["notebook"], [ns], ["conformance-kv-read"], TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10)),
            cancellationToken: Ct);
        var jwt = await Kube.RequestServiceAccountTokenAsync(ns, "notebook", cancellationToken: Ct);

        var login = await client.KubernetesLoginAsync(role, jwt, cancellationToken: Ct);

        login.Policies.Should().Contain("conformance-kv-read");
        login.Metadata["service_account_namespace"].Should().Be(ns);
        var other = await Kube.RequestServiceAccountTokenAsync(ns, "default", cancellationToken: Ct);
        await FluentActions.Awaiting(() => client.KubernetesLoginAsync(role, other, cancellationToken: Ct))
            .Should().ThrowAsync<VaultException>("the role is bound to 'notebook' only");
    }

    [Fact]
    public void World_endpoints_never_print_their_credentials()
    {
        var world = twin.World;
        world.ToString().Should().NotContain(world.Vault!.RootToken);
        if (world.Aws is { } aws)
            world.ToString().Should().NotContain(aws.SecretAccessKey);
    }
}
