using System.Text.Json;
using Conformance.Fixtures.Jobs;
using Conformance.Fixtures.Kube;
using Conformance.Fixtures.Secrets;
using Conformance.Runner;
using Conformance.Steps.Support;

namespace Conformance.Steps;

/// <summary>What must never happen: a secret value the run knows showing up where only references belong.</summary>
[Binding]
public sealed class LeakSteps(ScenarioWorld world)
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

    private static void AssertClean(string text, string where)
    {
        var hits = new LeakScanner(TestRun.Ledger).ScanText(text, where);
        if (hits.Count > 0)
        {
            throw new StepFailedException($"secret values found in {where}:\n  " + string.Join("\n  ", hits));
        }
    }
}
