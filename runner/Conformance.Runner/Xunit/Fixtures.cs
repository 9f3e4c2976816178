using System.Reflection;
using Xunit;

namespace Conformance.Runner.Xunit;

/// <summary>
/// Base of the generated assembly fixture: at the end of the test run it records the scenarios xunit skipped without
/// running (@ignore/@wip), runs [AfterTestRun] hooks, writes results into the artifact folder and calls listeners.
/// [BeforeTestRun] hooks run here too, before the first test.
/// </summary>
public abstract class TestRunFixture(Assembly assembly) : IAsyncLifetime
{
    public GherkinHost Host { get; } = GherkinHost.For(assembly);

    public async ValueTask InitializeAsync()
    {
        try
        {
            await Host.Runner.StartTestRunAsync().ConfigureAwait(false);
        }
        catch (Bindings.BindingException)
        {
            // Reported by every scenario; the fixture must not hide the tests.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!Host.RunnerCreated) return;
        FeatureRunner runner;
        try { runner = Host.Runner; }
        catch (Bindings.BindingException) { return; }
        foreach (var feature in Host.Features)
        {
            runner.Results.AddFeature(feature);
            foreach (var pickle in feature.Pickles.Where(p => runner.IsSelected(p) && !runner.Results.Contains(p.Id)))
                if (FeatureRunner.IgnoreReason(pickle) is { } reason) runner.RecordSkipped(feature, pickle, reason);
        }
        var results = await runner.EndTestRunAsync().ConfigureAwait(false);
        if (runner.Options.ArtifactsDirectory is { } dir)
            Console.WriteLine($"Conformance runner: {results.Summary.Total} scenario(s); results in {dir}");
        GC.SuppressFinalize(this);
    }
}

/// <summary>Base of each generated feature class's fixture: runs the feature's [AfterFeature] hooks after its last scenario.</summary>
public abstract class FeatureFixture(Assembly assembly, string uri) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        var host = GherkinHost.For(assembly);
        if (host.RunnerCreated)
        {
            try { await host.Runner.EndFeatureAsync(uri).ConfigureAwait(false); }
            catch (Bindings.BindingException) { }
        }
        GC.SuppressFinalize(this);
    }
}
