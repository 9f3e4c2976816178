using Conformance.Fixtures.Evidence;
using Conformance.Fixtures.Reporting;
using Conformance.Runner;

namespace Conformance.Steps.Support;

/// <summary>What happens around every scenario: capability checks before; timeline, evidence and namespace clean-up after.</summary>
[Binding]
public sealed class ScenarioHooks(ScenarioContext scenario, ScenarioWorld world)
{
    private const string NeedsPrefix = "@needs:";
    private const string StartedKey = "conformance.scenario-started";

    /// <summary>Remembers when the scenario began: controller logs and Vault audit entries are cut to its window.</summary>
    [BeforeScenario(Order = -1)]
    public void NoteStart() => scenario.Set(DateTimeOffset.UtcNow, StartedKey);

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

    /// <summary>
    /// A failed scenario's evidence folder (objects, events, pod and controller logs, conditions, Vault audit), written
    /// under the artifact folder before the namespace is deleted, and attached as `evidence` for the report's link.
    /// </summary>
    [AfterScenario(Order = 5)]
    public async Task CollectEvidenceAsync()
    {
        if (scenario.TestError is null || !world.HasNamespace || TestRun.ArtifactsDirectory is not { } artifacts)
        {
            return;
        }

        var info = scenario.ScenarioInfo;
        var relative = "evidence/" + ScenarioEvidence.FolderName(info.Uri, info.Line, info.Title + " " + world.Namespace);
        var started = scenario.TryGetValue<DateTimeOffset>(StartedKey, out var t) ? t : DateTimeOffset.UtcNow.AddMinutes(-5);
        using var budget = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await ScenarioEvidence.CollectAsync(world.Kube, world.Namespace,
                new EvidenceWriter(Path.Combine(artifacts, relative), new Fixtures.Secrets.Redactor(TestRun.Ledger)),
                world.World.Diagnostics, started, DateTimeOffset.UtcNow, info.Title, scenario.TestError.Message, budget.Token);
            scenario.Attach(ReportBuilder.EvidenceAttachment, "text/plain", relative);
        }
        catch (OperationCanceledException)
        {
            scenario.Attach(ReportBuilder.EvidenceAttachment, "text/plain", relative);
            Console.Error.WriteLine($"conformance: evidence for '{info.Title}' is incomplete: collecting it took over a minute");
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
            var kubeconfig = world.World.Kube.KubeconfigPath;
            var how = $"namespace {world.Namespace} kept (CONFORMANCE_KEEP={TestRun.Keep}); reach it with:\n" +
                      $"  export KUBECONFIG={kubeconfig}\n" +
                      $"  kubectl -n {world.Namespace} get all,secrets,events,notebookvalidationjobs\n" +
                      $"  kubectl delete namespace {world.Namespace}   # when done" +
                      (world.World.Environment == "twin" ? "\n  (the twin lives only as long as the test process: use --serve-twin for a lasting playground)" : "");
            scenario.Attach(ReportBuilder.KeptNamespaceAttachment, "text/plain", how);
            Console.Error.WriteLine($"conformance: {how}");
            return;
        }

        foreach (var ns in world.OtherNamespaces.Prepend(world.Namespace))
        {
            await world.Kube.DeleteNamespaceAsync(ns, TimeSpan.FromMinutes(2), CancellationToken.None);
        }
    }
}
