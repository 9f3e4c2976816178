using Xunit;
using Conformance.Runner;
using Conformance.Runner.Results;
using Conformance.Runner.Xunit;
using Conformance.Tests.Runner.Bindings;
using FluentAssertions;

namespace Conformance.Tests.Runner;

/// <summary>@known-defect:&lt;id&gt; scenarios: expected failure, appears fixed, and the strict switch.</summary>
public sealed class KnownDefectTests
{
    [Fact]
    public async Task A_failing_known_defect_is_an_expected_failure_and_a_passing_one_appears_fixed()
    {
        var (results, _) = await RunnerHarness.RunAsync(RunnerHarness.Runner(typeof(ErrorBindings)), "known-defects.feature");

        var expected = results.Scenario("Documented defect still fails");
        expected.Status.Should().Be(ScenarioStatus.ExpectedFailure);
        expected.KnownDefect.Should().Be("OP-1");
        expected.Reason.Should().StartWith("Expected failure: known defect OP-1. Step failed at features/known-defects.feature:4");
        expected.Error.Should().Contain("the operator misbehaved");
        var fixedOne = results.Scenario("Documented defect no longer reproduces");
        fixedOne.Status.Should().Be(ScenarioStatus.AppearsFixed);
        fixedOne.Reason.Should().Contain("known defect OP-2 did not reproduce");
        results.Scenario("Ordinary failure").Status.Should().Be(ScenarioStatus.Failed);

        // The xunit outcome: expected failures and appears-fixed pass, ordinary failures throw.
        FluentActions.Invoking(() => ScenarioTest.Report(expected)).Should().NotThrow();
        FluentActions.Invoking(() => ScenarioTest.Report(fixedOne)).Should().NotThrow();
        FluentActions.Invoking(() => ScenarioTest.Report(results.Scenario("Ordinary failure"))).Should().Throw<ScenarioFailedException>()
            .WithMessage("*the operator misbehaved*");
        results.Summary.Should().Be(new ScenarioSummary(3, 0, 1, 0, 1, 1));
    }

    [Fact]
    public async Task A_known_defect_that_was_never_reached_stays_a_failure()
    {
        var (results, _) = await RunnerHarness.RunAsync(RunnerHarness.Runner(typeof(ErrorBindings)), "known-defects-not-reached.feature");

        foreach (var name in new[] { "The harness could not run the scenario", "A check that fails after the harness gave up is still not the defect" })
        {
            var scenario = results.Scenario(name);
            scenario.Status.Should().Be(ScenarioStatus.Failed, "a world that did not start reproduces no defect");
            scenario.Reason.Should().StartWith("Not an expected failure: known defect OP-").And.Contain("was not reached");
            FluentActions.Invoking(() => ScenarioTest.Report(scenario)).Should().Throw<ScenarioFailedException>();
        }
        results.Scenario("An undefined step is not the defect").Status.Should().Be(ScenarioStatus.Undefined);
        results.Summary.ExpectedFailures.Should().Be(0);
    }

    [Fact]
    public async Task Strict_mode_reports_raw_outcomes()
    {
        var runner = RunnerHarness.Runner(new RunnerOptions { StrictKnownDefects = true }, typeof(ErrorBindings));
        var (results, _) = await RunnerHarness.RunAsync(runner, "known-defects.feature");

        results.Scenario("Documented defect still fails").Status.Should().Be(ScenarioStatus.Failed);
        results.Scenario("Documented defect no longer reproduces").Status.Should().Be(ScenarioStatus.Passed);
    }
}
