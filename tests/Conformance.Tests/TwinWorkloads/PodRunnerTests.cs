using Conformance.Twin.Workloads.Kubelet;
using Conformance.Twin.Workloads.Programs;
using FluentAssertions;
using k8s.Models;
using Xunit;

namespace Conformance.Tests.TwinWorkloads;

/// <summary>The kubelet's pod lifecycle against an in-memory API: states, conditions, events, retries on pokes, deletion.</summary>
public sealed class PodRunnerTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "twin-podrunner-" + Guid.NewGuid().ToString("N")[..8]);

    private sealed class Program(Func<ContainerContext, Task<int>> run, Func<ContainerContext, CancellationToken, Task>? preStop = null) : IContainerProgram
    {
        public Task<int> RunAsync(ContainerContext context) => run(context);
        public Func<ContainerContext, CancellationToken, Task>? PreStop => preStop;
    }

    private static V1Pod Pod(string restartPolicy = "Never", V1Container? main = null, List<V1Volume>? volumes = null, long? grace = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "p1", NamespaceProperty = "ns", Uid = Guid.NewGuid().ToString() },
        Spec = new V1PodSpec
        {
            NodeName = "twin-node",
            RestartPolicy = restartPolicy,
            TerminationGracePeriodSeconds = grace,
            InitContainers = [new V1Container { Name = "init", Image = "busybox:1" }],
            Containers = [main ?? new V1Container { Name = "main", Image = "app:1" }],
            Volumes = volumes,
        },
    };

    private PodRunner Runner(V1Pod pod, FakeKube api, ContainerProgramRegistry programs) =>
        new(pod, api, programs, new ContainerLogStore(), new KubeletOptions(), Path.Combine(_root, pod.Metadata.Uid), "10.42.0.9");

    [Fact]
    public async Task A_missing_secret_in_env_waits_in_CreateContainerConfigError_until_the_secret_appears()
    {
        var api = new FakeKube();
        var programs = new ContainerProgramRegistry()
            .Register("init", (_, c) => c.Name == "init", new Program(_ => Task.FromResult(0)))
            .Register("main", (_, c) => c.Name == "main", new Program(ctx => Task.FromResult(ctx.Env["DB_PASSWORD"] == "pw" ? 0 : 3)));
        var main = new V1Container { Name = "main", Image = "app:1", Env = [new V1EnvVar { Name = "DB_PASSWORD", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = "db", Key = "password" } } }] };
        var runner = Runner(Pod(main: main), api, programs);
        runner.Start();

        var waiting = await api.WaitForStatusAsync(s => s.ContainerStatuses?[0].State.Waiting?.Reason == "CreateContainerConfigError", "CreateContainerConfigError");
        waiting.Phase.Should().Be("Pending");
        waiting.ContainerStatuses[0].State.Waiting.Message.Should().Be("secret \"db\" not found");
        waiting.InitContainerStatuses[0].State.Terminated.Reason.Should().Be("Completed");
        waiting.Conditions.Single(c => c.Type == "Initialized").Status.Should().Be("True");
        waiting.Conditions.Single(c => c.Type == "Ready").Reason.Should().Be("ContainersNotReady");
        api.Events.Should().Contain(e => e.FieldPath == "spec.containers{main}" && e.Event == KubeletEvent.Warning("Failed", "Error: secret \"db\" not found"));

        api.Secret("ns", "db", ("password", "pw"));
        runner.Poke();
        var done = await api.WaitForStatusAsync(s => s.Phase is "Succeeded" or "Failed", "a terminal phase");
        done.Phase.Should().Be("Succeeded", FakeKube.Describe(done));
        done.ContainerStatuses[0].State.Terminated.Should().Match<V1ContainerStateTerminated>(t => t.ExitCode == 0 && t.Reason == "Completed" && t.StartedAt != null && t.FinishedAt != null);
        done.Conditions.Select(c => c.Type).Should().Equal("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled");
        done.Conditions.Single(c => c.Type == "Ready").Reason.Should().Be("PodCompleted");
        api.Events.Select(e => e.Event.Reason).Should().Contain(["Pulled", "Created", "Started"]);
    }

    [Fact]
    public async Task A_missing_secret_volume_is_a_FailedMount_in_ContainerCreating_until_it_appears()
    {
        var api = new FakeKube();
        string? seen = null;
        var programs = new ContainerProgramRegistry()
            .Register("init", (_, c) => c.Name == "init", new Program(_ => Task.FromResult(0)))
            .Register("main", (_, c) => c.Name == "main", new Program(ctx => { seen = File.ReadAllText(ctx.Paths.ToHost("/etc/creds/token")); return Task.FromResult(0); }));
        var main = new V1Container { Name = "main", Image = "app:1", VolumeMounts = [new V1VolumeMount { Name = "creds", MountPath = "/etc/creds" }] };
        var volumes = new List<V1Volume> { new() { Name = "creds", Secret = new V1SecretVolumeSource { SecretName = "api", Items = [new V1KeyToPath { Key = "t", Path = "token" }] } } };
        var runner = Runner(Pod(main: main, volumes: volumes), api, programs);
        runner.Start();

        await api.WaitForStatusAsync(s => s.Phase == "Pending", "Pending");
        var evt = await api.WaitForEventAsync(e => e.Reason == "FailedMount", "FailedMount event");
        evt.Should().Be(KubeletEvent.Warning("FailedMount", "MountVolume.SetUp failed for volume \"creds\" : secret \"api\" not found"));
        var status = api.Statuses.Last();
        status.InitContainerStatuses[0].State.Waiting.Reason.Should().Be("PodInitializing");
        status.Conditions.Single(c => c.Type == "PodReadyToStartContainers").Status.Should().Be("False");

        api.Secret("ns", "api", ("t", "tok"));
        runner.Poke();
        var done = await api.WaitForStatusAsync(s => s.Phase is "Succeeded" or "Failed", "a terminal phase");
        done.Phase.Should().Be("Succeeded", FakeKube.Describe(done));
        seen.Should().Be("tok");
    }

    [Fact]
    public async Task A_failed_init_container_fails_a_Never_pod_and_leaves_the_main_container_waiting()
    {
        var api = new FakeKube();
        var programs = new ContainerProgramRegistry().Register("init", (_, c) => c.Name == "init", new Program(ctx => { ctx.Log.WriteLine("fatal: nope"); return Task.FromResult(128); }));
        Runner(Pod(), api, programs).Start();
        var done = await api.WaitForStatusAsync(s => s.Phase == "Failed", "Failed");
        done.InitContainerStatuses[0].State.Terminated.Should().Match<V1ContainerStateTerminated>(t => t.ExitCode == 128 && t.Reason == "Error");
        done.ContainerStatuses[0].State.Waiting.Reason.Should().Be("PodInitializing");
        done.Conditions.Single(c => c.Type == "Initialized").Message.Should().Be("containers with incomplete status: [init]");
    }

    [Fact]
    public async Task Deletion_runs_preStop_then_stops_the_container_and_deletes_the_pod()
    {
        var api = new FakeKube();
        var hookRan = false;
        var programs = new ContainerProgramRegistry()
            .Register("init", (_, c) => c.Name == "init", new Program(_ => Task.FromResult(0)))
            .Register("main", (_, c) => c.Name == "main", new Program(async ctx =>
            {
                try { await Task.Delay(Timeout.Infinite, ctx.Terminate); } catch (OperationCanceledException) { }
                return hookRan ? 0 : 9;
            }, (_, _) => { hookRan = true; return Task.CompletedTask; }));
        var pod = Pod(restartPolicy: "Always", grace: 5);
        var runner = Runner(pod, api, programs);
        runner.Start();
        await api.WaitForStatusAsync(s => s.Phase == "Running", "Running");

        pod.Metadata.DeletionTimestamp = DateTime.UtcNow;
        pod.Metadata.DeletionGracePeriodSeconds = 5;
        runner.Update(pod);
        await runner.Finished.WaitAsync(TimeSpan.FromSeconds(20), TestContext.Current.CancellationToken);

        hookRan.Should().BeTrue();
        api.Events.Should().Contain(e => e.Event == KubeletEvent.Normal("Killing", "Stopping container main"));
        api.Deletes.Should().Be(1);
        api.Statuses.Last().ContainerStatuses[0].State.Terminated.ExitCode.Should().Be(0);
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
