using Conformance.Fixtures.Reporting;
using Conformance.Runner;

namespace Conformance.Steps.Support;

/// <summary>What happens around every scenario: capability checks before, namespace clean-up after.</summary>
[Binding]
public sealed class ScenarioHooks(ScenarioContext scenario, ScenarioWorld world)
{
    private const string NeedsPrefix = "@needs:";

    /// <summary>`@needs:&lt;capability&gt;` skips the scenario, with the world's reason, where the world lacks it.</summary>
    [BeforeScenario(Order = 0)]
    public void SkipWhatTheWorldCannotDo()
    {
        foreach (var tag in scenario.Tags.Where(t => t.StartsWith(NeedsPrefix, StringComparison.Ordinal)))
        {
            var capability = tag[NeedsPrefix.Length..];
            if (!world.World.Capabilities.Supports(capability))
            {
                scenario.Skip($"needs {capability}: {world.World.Capabilities.WhyNot(capability)}");
            }
        }
    }

    /// <summary>Attaches the scenario's timeline (labels and times only) so the report can draw it.</summary>
    [AfterScenario(Order = 0)]
    public void AttachTimeline()
    {
        if (!world.Timeline.IsEmpty)
        {
            scenario.Attach(Timeline.AttachmentName, "application/json", world.Timeline.ToJson());
        }
    }

    /// <summary>Deletes the scenario's namespace (and so everything in it) unless CONFORMANCE_KEEP says otherwise.</summary>
    [AfterScenario]
    public async Task DeleteNamespaceAsync()
    {
        if (!world.HasNamespace)
        {
            return;
        }

        var failed = scenario.TestError is not null;
        if (TestRun.Keep == "always" || (TestRun.Keep == "on-failure" && failed))
        {
            scenario.Attach("kept-namespace", "text/plain",
                $"namespace {world.Namespace} kept (CONFORMANCE_KEEP={TestRun.Keep}); kubeconfig: {world.World.Kube.KubeconfigPath}");
            return;
        }

        foreach (var ns in world.OtherNamespaces.Prepend(world.Namespace))
        {
            await world.Kube.DeleteNamespaceAsync(ns, TimeSpan.FromMinutes(2), CancellationToken.None);
        }
    }
}
