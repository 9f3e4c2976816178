using Conformance.Runner.Results;

namespace Conformance.Runner;

/// <summary>Something that wants the run's results: a report writer, the leak scan.</summary>
public interface IRunListener
{
    /// <summary>Called once per scenario as soon as its result is final.</summary>
    ValueTask OnScenarioFinishedAsync(ScenarioResult scenario) => ValueTask.CompletedTask;

    /// <summary>Called once at the end of the run, after the runner wrote its own files into <paramref name="artifactsDirectory"/>.</summary>
    ValueTask OnRunFinishedAsync(RunResults results, string? artifactsDirectory);
}

/// <summary>The test run: results, artifact folder and listeners. Injectable into [BeforeTestRun]/[AfterTestRun] hooks.</summary>
public sealed class TestRunContext : ContextBag
{
    private readonly List<IRunListener> _listeners = [];

    internal TestRunContext(RunResults results, RunnerOptions options)
    {
        Results = results;
        Options = options;
    }

    public RunResults Results { get; }
    public RunnerOptions Options { get; }
    public string? ArtifactsDirectory => Options.ArtifactsDirectory;

    public void AddListener(IRunListener listener)
    {
        lock (_listeners) _listeners.Add(listener);
    }

    internal IReadOnlyList<IRunListener> Listeners
    {
        get { lock (_listeners) return [.. _listeners]; }
    }
}
