using Xunit;
using Conformance.Runner;
using Conformance.Runner.Results;
using Conformance.Runner.Tags;
using Conformance.Runner.Xunit;
using Conformance.Tests.Runner.Bindings;
using FluentAssertions;
using Xunit.v3;

namespace Conformance.Tests.Runner;

/// <summary>The xunit v3 glue: rows with display names, traits, skips and serial marks; outcome mapping; parallel features.</summary>
public sealed class XunitIntegrationTests
{
    [Fact]
    public void Every_scenario_and_example_row_is_one_row_with_name_traits_and_skip()
    {
        var rows = FeatureScenariosAttribute.Rows(RunnerHarness.Load("xunit-rows.feature"), new RunnerOptions()).ToList();

        rows.Select(r => r.TestDisplayName).Should().Equal(
            "Rows: Plain", "Rows: Ignored", "Rows: Work in progress", "Rows: Serial", "Rows: Outline [name=first, n=1]");
        rows.Should().OnlyContain(r => r.Label == "", "the display name already says everything; no argument list");
        var plain = rows[0];
        plain.Traits!["tag"].Should().BeEquivalentTo("tier1");
        plain.Traits["area"].Should().BeEquivalentTo("secrets");
        plain.Traits["feature"].Should().BeEquivalentTo("Rows");
        plain.Skip.Should().BeNull();
        plain.DisableParallelization.Should().BeNull();
        rows[1].Skip.Should().Be("Skipped: the scenario is tagged @ignore.");
        rows[2].Skip.Should().Be("Skipped: the scenario is tagged @wip.");
        rows[3].DisableParallelization.Should().BeTrue();
        rows[3].Traits!["tag"].Should().BeEquivalentTo("tier1", "serial", "slow");
        rows[0].GetData().Should().ContainSingle().Which.Should().BeOfType<string>().Which.Should().StartWith("features/xunit-rows.feature#");
    }

    [Fact]
    public void The_tag_filter_leaves_unselected_scenarios_out_of_discovery()
    {
        var options = new RunnerOptions { TagFilter = TagExpression.Parse("@tier1 and not @slow") };
        var rows = FeatureScenariosAttribute.Rows(RunnerHarness.Load("xunit-rows.feature"), options);

        rows.Select(r => r.TestDisplayName).Should().NotContain("Rows: Serial").And.HaveCount(4);
    }

    [Fact]
    public void A_feature_with_no_selected_scenario_lists_one_explicit_placeholder()
    {
        var options = new RunnerOptions { TagFilter = TagExpression.Parse("@nothing-has-this") };
        var row = FeatureScenariosAttribute.Rows(RunnerHarness.Load("xunit-rows.feature"), options).Should().ContainSingle().Subject;

        row.TestDisplayName.Should().Be("Rows: no scenario selected by CONFORMANCE_TAGS");
        row.Explicit.Should().BeTrue("xunit fails a theory without rows; an explicit row is listed but not run");
    }

    [Fact]
    public void A_malformed_feature_becomes_one_failing_row_that_names_line_and_column()
    {
        var feature = RunnerHarness.Load("malformed.feature");
        var row = FeatureScenariosAttribute.Rows(feature, new RunnerOptions()).Should().ContainSingle().Subject;

        row.TestDisplayName.Should().Be($"features/malformed.feature: parse error at line 4, column {feature.ParseErrors[0].Column}");
        row.GetData().Should().Equal(FeatureScenariosAttribute.ProblemRow);
    }

    [Fact]
    public void Outcomes_map_to_xunit_results()
    {
        static ScenarioResult Result(ScenarioStatus status, string? error = null, string? reason = null) => new()
        {
            Id = "x", FeatureUri = "features/x.feature", FeatureName = "X", Name = "Y", DisplayName = "X: Y", Line = 3, Tags = [],
            Status = status, Error = error, Reason = reason,
        };

        FluentActions.Invoking(() => ScenarioTest.Report(Result(ScenarioStatus.Passed))).Should().NotThrow();
        FluentActions.Invoking(() => ScenarioTest.Report(Result(ScenarioStatus.Failed, "Step failed at x"))).Should().Throw<ScenarioFailedException>().WithMessage("Step failed at x");
        FluentActions.Invoking(() => ScenarioTest.Report(Result(ScenarioStatus.Undefined, "Undefined step"))).Should().Throw<ScenarioFailedException>();
        FluentActions.Invoking(() => ScenarioTest.Report(Result(ScenarioStatus.Skipped, reason: "no docker"))).Should().Throw<ScenarioFailedException>()
            .Which.Message.Should().Be(DynamicSkipToken.Value + "no docker", "xunit turns this prefix into a dynamic skip with the reason");
    }

    [Fact]
    public async Task Features_run_in_parallel_while_a_scenario_runs_its_steps_in_order()
    {
        var runner = RunnerHarness.Runner(typeof(ParallelBindings));
        var a = runner.RunFeatureAsync(RunnerHarness.Load("parallel-a.feature"), TestContext.Current.CancellationToken);
        var b = runner.RunFeatureAsync(RunnerHarness.Load("parallel-b.feature"), TestContext.Current.CancellationToken);

        var results = (await Task.WhenAll(a, b)).SelectMany(r => r).ToList();

        results.Should().HaveCount(2).And.OnlyContain(r => r.Status == ScenarioStatus.Passed, because: string.Join("\n", results.Select(r => r.Error)));
    }

    [Fact]
    public async Task Ignored_scenarios_are_recorded_as_skipped_without_running()
    {
        var (results, _) = await RunnerHarness.RunAsync(RunnerHarness.Runner(typeof(ErrorBindings)), "xunit-rows.feature");

        results.Scenario("Ignored").Status.Should().Be(ScenarioStatus.Skipped);
        results.Scenario("Ignored").Reason.Should().Be("Skipped: the scenario is tagged @ignore.");
        results.Scenario("Plain").Status.Should().Be(ScenarioStatus.Passed);
    }
}
