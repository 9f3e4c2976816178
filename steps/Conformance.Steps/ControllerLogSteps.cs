using Conformance.Fixtures.Secrets;
using Conformance.Runner;
using Conformance.Steps.Support;

namespace Conformance.Steps;

/// <summary>
/// Controller logs (operator, kubelet, ESO, injector, Vault, API server) for the scenario's time window, searched for
/// every secret value the run knows. On the twin they come from its log book; live worlds' controllers run as pods
/// whose logs the evidence bundle collects, so there the scenario is skipped with that reason.
/// </summary>
[Binding]
public sealed class ControllerLogSteps(ScenarioWorld world, ScenarioContext scenario)
{
    [Then("no canary appears in the controllers' logs since the scenario started")]
    public void ThenNoCanaryInControllerLogs()
    {
        var book = TestRun.TwinLogs;
        if (book is null)
        {
            scenario.Skip($"controller logs are read from the twin's log book; the {world.World.Environment} world's controller pods are covered by the run's leak scan of the evidence");
            return;
        }

        var lines = book.Lines(since: world.StartedAt);
        var text = string.Join("\n", lines.Select(l => $"{l.Time:O} [{l.Component}] {l.Text}"));
        var hits = new LeakScanner(TestRun.Ledger).ScanText(text, "twin controller logs");
        if (hits.Count > 0)
            throw new StepFailedException($"secret values in the controllers' logs ({lines.Count} lines since {world.StartedAt:O}):\n  " + string.Join("\n  ", hits));
        if (lines.Count == 0)
            throw new StepFailedException("the controllers logged nothing during the scenario: the log book is not wired, so this check proves nothing");
    }
}
