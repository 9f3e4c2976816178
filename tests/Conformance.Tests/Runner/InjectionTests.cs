using Xunit;
using Conformance.Runner;
using Conformance.Runner.Results;
using Conformance.Tests.Runner.Bindings;
using FluentAssertions;

namespace Conformance.Tests.Runner;

/// <summary>Per-scenario constructor injection: sharing, lifetimes, disposal (async included) and the contexts.</summary>
public sealed class InjectionTests
{
    private static readonly Type[] Bindings = [typeof(FirstInjectedSteps), typeof(SecondInjectedSteps)];

    [Fact]
    public async Task One_instance_per_scenario_is_shared_by_binding_classes_and_disposed_at_the_end()
    {
        var (results, journal) = await RunnerHarness.RunAsync(RunnerHarness.Runner(Bindings), "injection.feature");

        results.Scenarios.Should().OnlyContain(s => s.Status == ScenarioStatus.Passed, because: string.Join("\n", results.Scenarios.Select(s => s.Error)));
        var ids = journal.Where(j => j.StartsWith("thing ", StringComparison.Ordinal)).Select(j => j[6..]).ToList();
        ids.Should().HaveCount(2).And.OnlyHaveUniqueItems("each scenario gets its own object");
        // Newest first: the helper was created before the thing (it is the thing's dependency), so the thing goes first.
        journal.Should().ContainInOrder("thing " + ids[0], "disposed async " + ids[0] + " (helper disposed: False)", "disposed helper",
            "thing " + ids[1], "disposed async " + ids[1] + " (helper disposed: False)", "disposed helper");
    }

    [Fact]
    public async Task The_container_explains_what_it_cannot_create()
    {
        await using var container = new ScenarioContainer();
        var act = () => container.Resolve<IDisposable>();
        act.Should().Throw<ScenarioContainerException>().Which.Message.Should().Contain("Cannot create IDisposable").And.Contain("interface");
        var cycle = () => container.Resolve<SelfDependent>();
        cycle.Should().Throw<ScenarioContainerException>().Which.Message.Should().Contain("depends on itself");
    }

    [Fact]
    public async Task A_dispose_failure_fails_the_scenario_and_every_other_object_is_still_disposed()
    {
        var container = new ScenarioContainer();
        var good = container.Resolve<Counted>();
        container.Resolve<ThrowsOnDispose>();
        var act = async () => await container.DisposeAsync();
        (await act.Should().ThrowAsync<ScenarioContainerException>()).Which.Message.Should().Contain("Disposing ThrowsOnDispose threw");
        good.Disposed.Should().BeTrue();
    }

    public sealed class SelfDependent(SelfDependent self)
    {
        public SelfDependent Self { get; } = self;
    }

    public sealed class Counted : IDisposable
    {
        public bool Disposed { get; private set; }
        public void Dispose() => Disposed = true;
    }

    public sealed class ThrowsOnDispose : IDisposable
    {
        public void Dispose() => throw new InvalidOperationException("nope");
    }
}
