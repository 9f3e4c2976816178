using System.Text.Json;
using Conformance.Fixtures.Evidence;
using Conformance.Fixtures.Jobs;
using Conformance.Fixtures.Kube;
using Conformance.Fixtures.Secrets;
using Conformance.Runner;
using Conformance.Steps.Support;

namespace Conformance.Steps;

/// <summary>What must never happen: a secret value the run knows showing up where only references belong.</summary>
[Binding]
public sealed class LeakSteps(ScenarioWorld world, ScenarioContext scenario)
{
    [Then("no canary appears in the job's status")]
    public async Task ThenNotInTheJobStatus()
    {
        var job = await world.Kube.GetAsync(KubeResource.NotebookValidationJobs, world.Namespace, world.LastRun.Name, world.Cancellation);
        AssertClean(job?["status"]?.ToJsonString() ?? "", $"NotebookValidationJob {world.Namespace}/{world.LastRun.Name} status");
    }

    [Then("no canary appears in the namespace's events")]
    public async Task ThenNotInEvents()
    {
        var events = await world.Kube.EventsInAsync(world.Namespace, world.Cancellation);
        AssertClean(string.Join("\n", events.Select(e => e.ToString())), $"events in namespace {world.Namespace}");
    }

    [Then("no canary appears in the validation pod's spec")]
    public async Task ThenNotInThePodSpec()
    {
        var pod = world.ObservedValidationPod ?? await world.Jobs.GetValidationPodAsync(world.Namespace, world.CurrentJob, world.Cancellation)
                  ?? throw new StepFailedException($"the validation pod {NotebookJobs.ValidationPodName(world.CurrentJob)} is gone");
        AssertClean(JsonSerializer.Serialize(pod.Spec), $"pod {world.Namespace}/{pod.Metadata.Name} spec");
    }

    [Then("no canary appears in the controller logs")]
    public async Task ThenNotInControllerLogs()
    {
        if (world.World.Diagnostics is not { } diagnostics)
        {
            scenario.Skip($"the {world.World.Environment} world does not expose its controllers' logs, so they cannot be checked");
            return;
        }

        var lines = (await diagnostics.AllLogsAsync(world.StartedAt, DateTimeOffset.UtcNow, world.Cancellation))
            .Select(l => $"[{l.Component}] {l.Line}").ToList();

        // A check over an empty log proves nothing: the controllers always log the scenario's reconciles.
        if (lines.Count == 0)
        {
            throw new StepFailedException($"the controllers logged nothing since {world.StartedAt:O}: their logs are not wired, so this check proves nothing");
        }

        AssertClean(string.Join("\n", lines), $"the controllers' logs since the scenario started ({lines.Count} lines)");
    }

    private static void AssertClean(string text, string where)
    {
        var hits = new LeakScanner(TestRun.Ledger).ScanText(text, where);
        if (hits.Count > 0)
        {
            throw new StepFailedException($"secret values found in {where}:\n  " + string.Join("\n  ", hits));
        }
    }
}
