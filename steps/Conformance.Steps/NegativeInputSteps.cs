using Conformance.Fixtures.Jobs;
using Conformance.Fixtures.Kube;
using Conformance.Runner;
using Conformance.Steps.Support;

namespace Conformance.Steps;

/// <summary>Bad input a job can be given: a missing service account, a restricted namespace, a failing notebook.</summary>
[Binding]
public sealed class NegativeInputSteps(ScenarioWorld world)
{
    [Given("the namespace enforces Pod Security {string}")]
    public async Task GivenARestrictedNamespace(string level)
    {
        await world.Kube.PatchAsync(KubeResource.Namespaces, null, world.Namespace,
            new System.Text.Json.Nodes.JsonObject
            {
                ["metadata"] = new System.Text.Json.Nodes.JsonObject
                {
                    ["labels"] = new System.Text.Json.Nodes.JsonObject { ["pod-security.kubernetes.io/enforce"] = level },
                },
            }, PatchKind.Merge, cancellationToken: world.Cancellation);
    }

    [Given("the notebook job runs as service account {string}")]
    public void GivenTheServiceAccount(string name) => world.Job.Tweak(j => j.WithServiceAccount(name));

    [Given("a service account {string} with no RBAC permissions")]
    public Task GivenAServiceAccount(string name) => world.Kube.CreateServiceAccountAsync(world.Namespace, name, cancellationToken: world.Cancellation);

    [Given("the notebook's last cell raises an error")]
    public void GivenAFailingCell() => world.Job.TweakProbe(p => p.ExpectingFailure("the scenario's deliberate failure"));

    [Given("a Secret {string} in another namespace holding generated canaries under {names}")]
    public async Task GivenASecretElsewhere(string name, string[] keys)
    {
        var other = await world.CreateOtherNamespaceAsync();
        await world.Kube.CreateSecretAsync(other, name, world.NewCanaries(name, keys), cancellationToken: world.Cancellation);
    }

    [Then("the job's message contains {string} or {string}")]
    public void ThenTheMessageContainsEither(string one, string other)
    {
        var message = world.LastRun.Status.Message ?? "";
        if (!message.Contains(one, StringComparison.Ordinal) && !message.Contains(other, StringComparison.Ordinal))
            throw new StepFailedException($"expected status.message to contain \"{one}\" or \"{other}\", but it is \"{message}\"");
    }

    /// <summary>reference/operator.md §2.6: MaxRetries = 3; the count may jump past it by one while a pod terminates.</summary>
    [Then("the job gave up within the retry budget of {int} retries")]
    public void ThenWithinTheRetryBudget(int retries)
    {
        var status = world.LastRun.Status;
        if (status.RetryCount > retries + 1)
            throw new StepFailedException($"expected at most {retries} retries (one more is tolerated, operator.md §2.6), but {status.Summary}");
    }

    [Then("the job failed without retrying")]
    public void ThenNoRetries()
    {
        var status = world.LastRun.Status;
        if (status.Phase != NotebookJobStatus.Failed || status.RetryCount != 0)
            throw new StepFailedException($"expected the job to fail at once, with no retries, but {status.Summary}");
    }

    [Then("the job's status holds no cell results")]
    public void ThenNoResults()
    {
        // operator.md §2.4: results are parsed only from a Succeeded pod
        if (world.LastRun.Status.Results.Count > 0)
            throw new StepFailedException($"expected no status.results for a failed notebook, but found {world.LastRun.Status.Results.Count}");
    }
}
