using Conformance.Runner;

namespace Conformance.Tests.Runner.Bindings;

/// <summary>A POCO shared by every binding class of one scenario, disposed asynchronously at its end.</summary>
public sealed class SharedThing(TestRunContext run, DisposableHelper helper) : IAsyncDisposable
{
    public Guid Id { get; } = Guid.NewGuid();
    public List<string> TouchedBy { get; } = [];
    public DisposableHelper Helper { get; } = helper;

    public async ValueTask DisposeAsync()
    {
        await Task.Yield();
        Journal.Write(run, $"disposed async {Id} (helper disposed: {Helper.Disposed})");
    }
}

public sealed class DisposableHelper(TestRunContext run) : IDisposable
{
    public bool Disposed { get; private set; }

    public void Dispose()
    {
        Disposed = true;
        Journal.Write(run, "disposed helper");
    }
}

[Binding]
public sealed class FirstInjectedSteps(SharedThing thing, TestRunContext run, FeatureContext feature)
{
    [BeforeScenario]
    public void CountScenario()
    {
        lock (feature) feature.Set(feature.TryGetValue<int>("count", out var n) ? n + 1 : 1, "count");
    }

    [Given("the shared object is touched by the first binding class")]
    public void Touch()
    {
        thing.TouchedBy.Add(nameof(FirstInjectedSteps));
        Journal.Write(run, $"thing {thing.Id}");
    }

    [Then("it was touched once")]
    public void TouchedOnce()
    {
        if (thing.TouchedBy.Count != 1) throw new InvalidOperationException($"touched {thing.TouchedBy.Count} times");
    }

    [Then("the feature context counts {int} scenarios")]
    public void FeatureCount(int expected)
    {
        if (feature.Get<int>("count") != expected) throw new InvalidOperationException($"feature context counted {feature.Get<int>("count")}");
    }
}

[Binding]
public sealed class SecondInjectedSteps(SharedThing thing, ScenarioContext scenario)
{
    [When("the second binding class touches it too")]
    public void Touch()
    {
        thing.TouchedBy.Add(nameof(SecondInjectedSteps));
        scenario.Set(thing.Id, "second saw");
    }

    [Then("both saw the same instance")]
    public void Same()
    {
        if (thing.TouchedBy.Count != 2 || scenario.Get<Guid>("second saw") != thing.Id)
            throw new InvalidOperationException("not the same instance");
    }

    [Then("the scenario context knows the title {string} and tag {string}")]
    public void Knows(string title, string tag)
    {
        if (scenario.ScenarioInfo.Title != title || !scenario.Tags.Contains(tag) || scenario.CurrentStep?.Keyword != "And")
            throw new InvalidOperationException($"title {scenario.ScenarioInfo.Title}, tags {string.Join(",", scenario.Tags)}, step {scenario.CurrentStep}");
    }
}
