using System.Text.Json.Nodes;
using Conformance.Fixtures.Jobs;
using Conformance.Fixtures.Kube;
using Conformance.Fixtures.Probe;
using Conformance.Runner;
using Conformance.Steps.Support;
using k8s.Models;

namespace Conformance.Steps;

/// <summary>
/// A job observed while it runs: started, held by the probe until the harness says go, changed under it, finished.
/// The guide's rotation procedure (secret-management-guide.md §Rotating Admin Token) is told with these steps.
/// </summary>
[Binding]
public sealed class JobLifecycleSteps(ScenarioWorld world, ScenarioContext scenario)
{
    private static readonly KubeResource Roles = new("rbac.authorization.k8s.io", "v1", "roles", "Role", true);
    private static readonly KubeResource RoleBindings = new("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", true);

    private string? _goSignal;

    [Given("the notebook job holds until the harness says go")]
    public async Task GivenTheJobHolds()
    {
        // The probe reads the go ConfigMap with the pod's own token: grant exactly `get` on that one object.
        _goSignal = "go-" + Kube.RandomSuffix(6);
        var serviceAccount = world.Job.Apply(NotebookJob.Default("x", "https://x", "main", "x.ipynb")).ServiceAccountName ?? "default";
        await world.Kube.CreateAsync(Roles, world.Namespace, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = _goSignal },
            ["rules"] = new JsonArray(new JsonObject
            {
                ["apiGroups"] = new JsonArray(""), ["resources"] = new JsonArray("configmaps"),
                ["resourceNames"] = new JsonArray(_goSignal), ["verbs"] = new JsonArray("get"),
            }),
        }, world.Cancellation);
        await world.Kube.CreateAsync(RoleBindings, world.Namespace, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = _goSignal },
            ["roleRef"] = new JsonObject { ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "Role", ["name"] = _goSignal },
            ["subjects"] = new JsonArray(new JsonObject { ["kind"] = "ServiceAccount", ["name"] = serviceAccount, ["namespace"] = world.Namespace }),
        }, world.Cancellation);
        var api = (world.World.Kube.AddressFromVault ?? new Uri("https://kubernetes.default.svc")).ToString().TrimEnd('/');
        world.Job.TweakNextProbe(p => p.HoldingUntil(new ProbeHold(_goSignal, api, TimeoutSeconds: 90)));
    }

    [When("the notebook job starts")]
    public async Task WhenTheJobStarts()
    {
        var job = await NotebookJobSteps.PrepareAsync(world, scenario);
        await world.Jobs.CreateAsync(world.Namespace, job, world.Cancellation);
        world.CurrentJob = job.Name;
        world.Timeline.Mark("job", "created");
    }

    [When("the notebook is running within {int} seconds")]
    public async Task WhenTheNotebookIsRunning(int seconds)
    {
        var pod = NotebookJobs.ValidationPodName(world.CurrentJob);
        await world.Kube.WaitForAsync<V1Pod>(KubeResource.Pods, world.Namespace, pod,
            p => p?.Status?.ContainerStatuses?.Any(c => c.Name == NotebookJobs.ValidatorContainer && c.State?.Running is not null) == true,
            $"container {NotebookJobs.ValidatorContainer} of pod {world.Namespace}/{pod} to be running", TimeSpan.FromSeconds(seconds), world.Cancellation);
        world.Timeline.Mark("job", "notebook running", budget: TimeSpan.FromSeconds(seconds));
    }

    [When("Secret {string} key {string} is rotated to a new generated canary")]
    public async Task WhenTheSecretIsRotated(string secret, string key)
    {
        world.RotateCanary(secret, key);
        await world.Kube.ApplySecretAsync(world.Namespace, secret, world.CanariesOf(secret), cancellationToken: world.Cancellation);
        world.Timeline.Mark("secret", "rotated");
    }

    [When("the harness tells the notebook to go")]
    public async Task WhenTheHarnessSaysGo()
    {
        var signal = _goSignal ?? throw new InvalidOperationException("no job holds in this scenario: add 'Given the notebook job holds until the harness says go'");
        await world.Kube.CreateConfigMapAsync(world.Namespace, signal, new Dictionary<string, string> { ["go"] = "now" }, world.Cancellation);
        world.Timeline.Mark("job", "told to go");
    }

    [When("the notebook job finishes")]
    public async Task WhenTheJobFinishes()
    {
        world.Record(await world.Jobs.CollectAsync(world.Namespace, world.CurrentJob, NotebookJobSteps.Deadline, world.Cancellation));
        world.Timeline.Mark("job", "finished");
    }

    [Then("the notebook saw env {string} equal to the previous value of Secret {string} key {string}")]
    public void ThenTheNotebookSawThePreviousValue(string env, string secret, string key) =>
        ProbeExpectation.Empty.Env(env, world.PreviousCanary(secret, key)).Verify(world.LastRun.RequireProbe(), TestRun.Ledger.Fingerprint);
}
