using Xunit;
using Conformance.Runner.Results;
using Conformance.Tests.Runner.Bindings;
using FluentAssertions;

namespace Conformance.Tests.Runner;

/// <summary>Feature, Rule, Background (feature and rule), Scenario Outline with tagged Examples, tables, doc strings,
/// tags at every level, comments, <c>*</c>/And/But, and i18n keywords, run through the engine.</summary>
public sealed class GherkinConstructsTests
{
    [Fact]
    public async Task Every_construct_runs_and_passes()
    {
        var (results, journal) = await RunnerHarness.RunAsync(RunnerHarness.Runner(typeof(CounterSteps)), "constructs.feature");

        results.Scenarios.Select(s => s.DisplayName).Should().BeEquivalentTo(
        [
            "Constructs: Plain scenario with And and But",
            "Constructs: Outline 1 plus 2 [a=1, b=2, sum=3]",
            "Constructs: Outline 0 plus 0 [a=0, b=0, sum=0]",
            "Constructs: Outline 1000 plus 2000 [a=1000, b=2000, sum=3000]",
            "Constructs: Data table and doc string with media type",
            "Constructs: A star step takes the previous keyword",
            "Constructs: Rule background runs after the feature background",
        ]);
        results.Scenarios.Should().OnlyContain(s => s.Status == ScenarioStatus.Passed, because: string.Join("\n", results.Scenarios.Select(s => s.Error)));
        journal.Should().Contain("doc string (json): {\"counter\": 12}");
    }

    [Fact]
    public async Task Tags_are_inherited_from_feature_rule_scenario_and_examples()
    {
        var (results, _) = await RunnerHarness.RunAsync(RunnerHarness.Runner(typeof(CounterSteps)), "constructs.feature");

        results.Scenario("Outline 1 plus 2").Tags.Should().Equal("@feature-tag", "@owner:platform", "@outline-tag", "@small");
        results.Scenario("Outline 1000 plus 2000").Tags.Should().Equal("@feature-tag", "@owner:platform", "@outline-tag", "@large");
        var ruled = results.Scenario("Rule background runs after the feature background");
        ruled.Tags.Should().Equal("@feature-tag", "@owner:platform", "@rule-tag", "@rule-scenario");
        ruled.Rule.Should().Be("Rules have their own background");
        ruled.Steps.Select(s => s.Text).Should().Equal("a fresh counter", "I add 100", "I add 1", "the counter is 101");
    }

    [Fact]
    public async Task And_But_and_star_keep_the_previous_keyword_kind()
    {
        var (results, journal) = await RunnerHarness.RunAsync(RunnerHarness.Runner(typeof(CounterSteps)), "constructs.feature");

        var plain = results.Scenario("Plain scenario with And and But");
        plain.Steps.Select(s => s.Keyword).Should().Equal("Given", "When", "And", "But", "Then", "And");
        // "I add 2" after When binds to [When]; "* I add 9" at the start binds as well, and the '*' after Then to [Then].
        journal.Should().Contain("A star step takes the previous keyword: * the counter is 9 (actual 9)");
        plain.Example.Should().BeNull();
        results.Scenario("Outline 0 plus 0").Example.Should().BeEquivalentTo(new Dictionary<string, string> { ["a"] = "0", ["b"] = "0", ["sum"] = "0" });
    }

    [Fact]
    public async Task Lines_point_at_the_scenario_and_the_example_row()
    {
        var (results, _) = await RunnerHarness.RunAsync(RunnerHarness.Runner(typeof(CounterSteps)), "constructs.feature");

        results.Scenario("Plain scenario with And and But").Line.Should().Be(9);
        results.Scenario("Outline 1 plus 2").Line.Should().Be(25);
        results.Scenario("Outline 1000 plus 2000").Line.Should().Be(31);
        results.Scenario("Plain scenario with And and But").Steps[0].Line.Should().Be(7, "the background step's own line");
    }

    [Fact]
    public async Task Keywords_of_other_languages_come_from_the_parser()
    {
        var (results, _) = await RunnerHarness.RunAsync(RunnerHarness.Runner(typeof(CounterSteps)), "i18n.feature");

        var scenario = results.Scenarios.Should().ContainSingle().Subject;
        scenario.DisplayName.Should().Be("Compteur en français: Les mots-clés viennent du dialecte");
        scenario.Status.Should().Be(ScenarioStatus.Passed, scenario.Error);
        scenario.Steps.Select(s => s.Keyword).Should().Equal("Soit", "Quand", "Alors");
    }
}
