using System.Text.Json.Nodes;
using Conformance.Fixtures.Kube;
using Conformance.Fixtures.Probe;
using Conformance.Fixtures.Secrets;
using Conformance.Runner;
using Conformance.Steps.Support;
using k8s;
using k8s.Models;

namespace Conformance.Steps.Vault;

/// <summary>
/// The Tier 3 pod the harness makes itself, annotated as the injector needs (see <see cref="InjectedProbePod"/>):
/// shaping it, running it, deleting it, and what the injector made of it.
/// </summary>
[Binding]
public sealed class ProbePodSteps(ScenarioWorld world, VaultScenario vault, ProbePod pod, ScenarioContext scenario)
{
    private const string StatusAnnotation = "vault.hashicorp.com/agent-inject-status";

    [Given("the probe pod runs as ServiceAccount {string} with ADR-017's annotations for Vault role {string} and secret {string} from database role {string}")]
    public void GivenThePodAnnotations(string serviceAccount, string authRole, string secret, string databaseRole)
    {
        pod.ServiceAccount = serviceAccount;
        var postgres = world.World.Postgres ?? throw new StepFailedException("this world has no Postgres (tag the scenario @needs:vault-database)");
        foreach (var (key, value) in InjectedProbePod.Adr017Annotations(vault.AuthRoleName(authRole), secret, vault.CredsPath(databaseRole), postgres))
        {
            pod.Annotations[key] = value;
        }
    }

    [Given("the probe pod has the annotation {string} set to {string}")]
    public void GivenAnAnnotation(string key, string value) => pod.Annotations[key] = value;

    [Given("the probe pod has no annotation {string}")]
    public void GivenNoAnnotation(string key) => pod.Annotations.Remove(key);

    [Given("the probe reads the export file {string}")]
    public void GivenTheProbeReadsExports(string path) => pod.ProbeTweaks.Add(s => s.WithFile(path).WithExportFile(path));

    [Given("the probe logs in to Postgres with DB_USERNAME and DB_PASSWORD from {string} and reads the {word} table")]
    public void GivenTheProbeLogsIn(string path, string table) => pod.ProbeTweaks.Add(s => s.WithPostgres(vault.PostgresCheck(
        CredentialSource.FromExport(path, "DB_USERNAME"), CredentialSource.FromExport(path, "DB_PASSWORD"), table)));

    /// <summary>The notebook waits for the file itself (a poll with its own deadline), as a notebook reading a re-rendered file would.</summary>
    [Given("the probe waits for {string} to appear and reports again when it changes, waiting up to {int} seconds each time")]
    public void GivenTheProbeWatches(string path, int seconds) => pod.ProbeTweaks.Add(s => s.WithWatch(path, seconds));

    [When("the probe pod is created")]
    public async Task WhenThePodIsCreated()
    {
        var spec = pod.Spec(scenario.Title);
        var repository = await world.World.Notebooks.PublishAsync($"probe-{pod.Name}-{Kube.RandomSuffix(5)}",
            new Dictionary<string, byte[]> { [InjectedProbePod.NotebookPath] = ProbeNotebook.RenderUtf8(spec, TestRun.Ledger.Fingerprint) },
            world.Cancellation);
        var created = await world.Kube.CreateAsync(KubeResource.Pods, world.Namespace,
            InjectedProbePod.Build(pod.Name, pod.ServiceAccount, repository, world.World.ValidatorImage, pod.Annotations), world.Cancellation);
        pod.Created = KubernetesJson.Deserialize<V1Pod>(created);
        world.Timeline.Mark("pod", "created");
    }

    [When("the probe pod runs its notebook within {int} seconds")]
    public async Task WhenThePodRuns(int seconds)
    {
        await WhenThePodIsCreated();
        var budget = TimeSpan.FromSeconds(seconds);
        await world.Kube.WaitForAsync<V1Pod>(KubeResource.Pods, world.Namespace, pod.Name,
            p => Terminated(p, "validator") is not null || p?.Status?.Phase == "Failed",
            $"the validator container of pod {world.Namespace}/{pod.Name} to finish", budget, world.Cancellation);
        world.Timeline.Mark("pod", "notebook finished", budget: budget);
        var log = await world.Kube.GetPodLogAsync(world.Namespace, pod.Name, "validator", cancellationToken: world.Cancellation) ?? "";
        pod.Reports = ProbeResult.ParseAll(log);
        var lines = new Redactor(TestRun.Ledger).Redact(log).Split('\n');
        pod.ValidatorLogTail = "  " + string.Join("\n  ", lines.TakeLast(15));
    }

    [When("the probe pod is deleted and gone within {int} seconds")]
    public async Task WhenThePodIsDeleted(int seconds)
    {
        var budget = TimeSpan.FromSeconds(seconds);
        world.Timeline.Mark("pod", "deleted");
        await world.Kube.DeleteAsync(KubeResource.Pods, world.Namespace, pod.Name, world.Cancellation);
        await world.Kube.WaitForAsync(KubeResource.Pods, world.Namespace, pod.Name, p => p is null,
            $"pod {world.Namespace}/{pod.Name} to be gone (its preStop hooks run first)", budget, world.Cancellation);
        world.Timeline.Mark("pod", "gone", budget: budget);
    }

    [When("a pod annotated for injection without a Vault role is created")]
    public async Task WhenAPodWithoutRoleIsCreated()
    {
        pod.Annotations.Remove("vault.hashicorp.com/role");
        try
        {
            await WhenThePodIsCreated();
        }
        catch (KubeApiException e)
        {
            scenario.Set(e, "refusal");
        }
    }

    [Then("the API server refused the pod with a message containing {string}")]
    public void ThenRefused(string expected)
    {
        if (!scenario.TryGetValue<KubeApiException>("refusal", out var refusal))
        {
            throw new StepFailedException(
                $"expected the pod CREATE to be refused, but the API server created {pod.Name} with containers {Containers(pod.Created)}");
        }

        if (!refusal.Message.Contains(expected, StringComparison.Ordinal))
        {
            throw new StepFailedException($"expected the refusal to contain \"{expected}\", but it was: {refusal.Message}");
        }
    }

    [Then("the injector added {names} to the probe pod")]
    public void ThenInjected(string[] containers)
    {
        var created = pod.Created ?? throw new StepFailedException("the probe pod was not created");
        var status = created.Metadata.Annotations is { } annotations && annotations.TryGetValue(StatusAnnotation, out var s) ? s : null;
        var missing = containers.Where(c => !AllContainers(created).Contains(c)).ToList();
        if (status != "injected" || missing.Count > 0)
        {
            throw new StepFailedException(
                $"expected {StatusAnnotation}=injected and containers {string.Join(", ", containers)}, but the pod has "
                + $"{StatusAnnotation}={status ?? "(absent)"} and containers {Containers(created)}");
        }
    }

    [Then("the probe pod has no container {string}")]
    public void ThenNoContainer(string container)
    {
        var created = pod.Created ?? throw new StepFailedException("the probe pod was not created");
        if (AllContainers(created).Contains(container))
        {
            throw new StepFailedException($"expected no container {container}, but the pod has {Containers(created)}");
        }
    }

    [Then("the probe pod succeeds within {int} seconds")]
    public Task ThenThePodSucceeds(int seconds) =>
        world.Kube.WaitForAsync<V1Pod>(KubeResource.Pods, world.Namespace, pod.Name, p => p?.Status?.Phase == "Succeeded",
            $"pod {world.Namespace}/{pod.Name} to reach phase Succeeded", TimeSpan.FromSeconds(seconds), world.Cancellation);

    [Then("the probe pod fails within {int} seconds because init container {string} exited with an error")]
    public async Task ThenThePodFails(int seconds, string container)
    {
        var failed = await world.Kube.WaitForAsync<V1Pod>(KubeResource.Pods, world.Namespace, pod.Name,
            p => p?.Status?.Phase == "Failed" || (Terminated(p, container)?.ExitCode ?? 0) != 0,
            $"pod {world.Namespace}/{pod.Name} to fail in init container {container}", TimeSpan.FromSeconds(seconds), world.Cancellation);
        var state = Terminated(failed, container);
        if (state is null || state.ExitCode == 0)
        {
            throw new StepFailedException($"expected init container {container} to exit with an error, but its state is {StateOf(failed, container)}");
        }
    }

    [Then("the log of container {string} of the probe pod contains {string}")]
    public async Task ThenTheLogContains(string container, string expected)
    {
        var log = await world.Kube.GetPodLogAsync(world.Namespace, pod.Name, container, cancellationToken: world.Cancellation) ?? "";
        if (!log.Contains(expected, StringComparison.Ordinal))
        {
            var tail = new Redactor(TestRun.Ledger).Redact(log).Split('\n').TakeLast(10);
            throw new StepFailedException($"expected the {container} log to contain \"{expected}\"; its last lines:\n  " + string.Join("\n  ", tail));
        }
    }

    [Then("the validator container never started")]
    public async Task ThenTheValidatorNeverStarted()
    {
        var current = await world.Kube.GetAsync<V1Pod>(KubeResource.Pods, world.Namespace, pod.Name, world.Cancellation);
        var state = current?.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == "validator")?.State;
        if (state?.Running is not null || state?.Terminated is not null)
        {
            throw new StepFailedException($"expected the validator (the notebook) never to start without credentials, but its state is {StateOf(current, "validator")}");
        }
    }

    internal static V1ContainerStateTerminated? Terminated(V1Pod? p, string container) =>
        p?.Status?.ContainerStatuses?.Concat(p.Status.InitContainerStatuses ?? []).FirstOrDefault(c => c.Name == container)?.State?.Terminated
        ?? p?.Status?.InitContainerStatuses?.FirstOrDefault(c => c.Name == container)?.State?.Terminated;

    private static string StateOf(V1Pod? p, string container)
    {
        var status = p?.Status?.ContainerStatuses?.Concat(p.Status.InitContainerStatuses ?? []).FirstOrDefault(c => c.Name == container);
        return status?.State is not { } s ? "unknown (no status)"
            : s.Terminated is { } t ? $"terminated (exit {t.ExitCode}, {t.Reason})"
            : s.Running is not null ? "running"
            : $"waiting ({s.Waiting?.Reason})";
    }

    private static HashSet<string> AllContainers(V1Pod p) =>
        (p.Spec.InitContainers ?? []).Concat(p.Spec.Containers ?? []).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);

    private static string Containers(V1Pod? p) => p is null
        ? "(no pod)"
        : $"init [{string.Join(", ", (p.Spec.InitContainers ?? []).Select(c => c.Name))}], main [{string.Join(", ", p.Spec.Containers.Select(c => c.Name))}]";
}
