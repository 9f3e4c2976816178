using Xunit;
using Conformance.Runner.Results;
using Conformance.Tests.Runner.Bindings;
using FluentAssertions;

namespace Conformance.Tests.Runner;

/// <summary>Hook order, Order, tag filters (OR and tag expressions), after-hook guarantees and failing hooks.</summary>
public sealed class HookTests
{
    [Fact]
    public async Task Hooks_run_in_order_with_their_tag_filters()
    {
        var (results, journal) = await RunnerHarness.RunAsync(RunnerHarness.Runner(typeof(HookBindings)), "hooks.feature");

        results.Scenarios.Should().OnlyContain(s => s.Status == ScenarioStatus.Passed);
        journal.Should().Equal(
            "BeforeTestRun",
            "BeforeFeature Hooks",
            "BeforeFeature @hooked",
            "BeforeScenario#10 First",
            "BeforeScenario#20 First",
            "BeforeScenario(@hooked and not @tagged) First",
            "BeforeStep a step that records itself",
            "step First",
            "AfterStep a step that records itself",
            "AfterScenario First error=none",
            "BeforeScenario#10 Second with a tag",
            "BeforeScenario#20 Second with a tag",
            "BeforeScenario@tagged Second with a tag",
            "Before(@nope or tagged) Second with a tag",
            "BeforeStep a step that records itself",
            "step Second with a tag",
            "AfterStep a step that records itself",
            "BeforeStep a step that records itself",
            "step Second with a tag",
            "AfterStep a step that records itself",
            "AfterScenario Second with a tag error=none",
            "AfterFeature Hooks",
            "AfterTestRun");
    }

    [Fact]
    public async Task A_failing_before_hook_fails_the_scenario_by_name_skips_its_steps_and_after_hooks_still_run()
    {
        var (results, journal) = await RunnerHarness.RunAsync(RunnerHarness.Runner(typeof(HookBindings)), "hook-failure.feature");

        var scenario = results.Scenario("A failing before-scenario hook");
        scenario.Status.Should().Be(ScenarioStatus.Failed);
        scenario.Error.Should().StartWith("Hook [BeforeScenario(\"@fail-before\")] HookBindings.FailBefore() failed in scenario at features/hook-failure.feature:3")
            .And.Contain("before hook broke");
        scenario.Steps.Should().OnlyContain(s => s.Status == StepStatus.Skipped);
        journal.Should().NotContain("step A failing before-scenario hook");
        journal.Should().Contain("AfterScenario A failing before-scenario hook error=before hook broke");
    }

    [Fact]
    public async Task A_failing_after_hook_fails_a_passed_scenario_and_the_other_after_hooks_still_run()
    {
        var (results, journal) = await RunnerHarness.RunAsync(RunnerHarness.Runner(typeof(HookBindings)), "hook-failure.feature");

        var scenario = results.Scenario("A failing after-scenario hook");
        scenario.Status.Should().Be(ScenarioStatus.Failed);
        scenario.Steps.Should().OnlyContain(s => s.Status == StepStatus.Passed);
        scenario.Error.Should().Contain("HookBindings.FailAfter()").And.Contain("after hook broke");
        journal.Should().Contain("AfterScenario A failing after-scenario hook error=after hook broke");
        scenario.Hooks.Should().Contain(h => h.Binding.Contains("FailAfter") && h.Status == StepStatus.Failed);
    }
}
