using Xunit;
using Conformance.Runner.Expressions;
using Conformance.Runner.Results;
using Conformance.Tests.Runner.Bindings;
using FluentAssertions;

namespace Conformance.Tests.Runner;

/// <summary>Cucumber expressions, custom parameter types, anchored regex and typed conversion.</summary>
public sealed class ExpressionTests
{
    [Fact]
    public async Task Every_built_in_and_custom_parameter_type_converts()
    {
        var (results, journal) = await RunnerHarness.RunAsync(RunnerHarness.Runner(typeof(ExpressionSteps)), "expressions.feature");

        var scenario = results.Scenario("Cucumber expressions with every built-in type");
        scenario.Status.Should().Be(ScenarioStatus.Passed, scenario.Error);
        journal.Should().ContainInOrder(
            "int=-42 long=9000000000 float=2.5 decimal=0.1",
            "word=hello-world|first=double quoted \"x\"|second=single quoted",
            "anything=a b c!",
            "colour=Green",
            "cucumbers=1",
            "cucumbers=3",
            "full",
            "full",
            "literal",
            "delay=5s",
            "point=3/4",
            "guid=3f2504e0-4f89-11d3-9a0c-0305e82c3301");
    }

    [Fact]
    public async Task Regular_expressions_are_anchored_and_map_groups_in_order()
    {
        var (results, journal) = await RunnerHarness.RunAsync(RunnerHarness.Runner(typeof(ExpressionSteps)), "expressions.feature");

        results.Scenario("Anchored regular expressions").Status.Should().Be(ScenarioStatus.Passed);
        journal.Should().Contain(["regex=12:apples", "then=12:apples"]);
        var unanchored = results.Scenario("Regex is anchored on both ends");
        unanchored.Status.Should().Be(ScenarioStatus.Undefined, "'^...$' must not match a longer step text");
    }

    [Fact]
    public async Task A_failed_conversion_names_the_step_the_argument_and_the_parameter()
    {
        var (results, _) = await RunnerHarness.RunAsync(RunnerHarness.Runner(typeof(ExpressionSteps)), "expressions.feature");

        var scenario = results.Scenario("A bad conversion names step, argument and parameter");
        scenario.Status.Should().Be(ScenarioStatus.Failed);
        scenario.Error.Should().Contain("features/expressions.feature:24: Given a number that is not one: abc")
            .And.Contain("Cannot convert argument 1 \"abc\" to Int32 for parameter 'number'")
            .And.Contain("ExpressionSteps.NotANumber(Int32)");
    }

    [Fact]
    public async Task A_transformation_without_a_name_applies_by_return_type()
    {
        var (results, journal) = await RunnerHarness.RunAsync(RunnerHarness.Runner(typeof(ExpressionSteps)), "expressions.feature");

        results.Scenario("Step transformation by return type").Status.Should().Be(ScenarioStatus.Passed);
        journal.Should().ContainInOrder("transformed 00:01:30", "span=90");
    }

    [Theory]
    [InlineData("I have {int} cucumber(s)", "I have 1 cucumber", true)]
    [InlineData("I have {int} cucumber(s)", "I have 10 cucumbers", true)]
    [InlineData("I have {int} cucumber(s)", "I have many cucumbers", false)]
    [InlineData("the belly/tummy/stomach is full", "the stomach is full", true)]
    [InlineData("the belly/tummy is full", "the belly/tummy is full", false)]
    [InlineData(@"a \{literal\} brace and \/ slash", "a {literal} brace and / slash", true)]
    [InlineData("{word} only", "two words only", false)]
    [InlineData("price {float}", "price .5", true)]
    [InlineData("price {float}", "price -1.5e3", true)]
    [InlineData("say {string}", "say \"it's\"", true)]
    [InlineData("say {string}", "say 'a \"b\"'", true)]
    [InlineData("say {string}", "say unquoted", false)]
    [InlineData("starts", "starts here", false)]
    public void Cucumber_expressions_match_like_cucumber(string expression, string text, bool matches)
    {
        var (regex, _) = CucumberExpression.Compile(expression, (name, _) => ParameterType.BuiltIns().FirstOrDefault(p => p.Name == name));
        regex.IsMatch(text).Should().Be(matches, $"/{regex}/ against \"{text}\"");
    }

    [Theory]
    [InlineData("an {unknown} type", "undefined parameter type {unknown}")]
    [InlineData("an (unclosed optional", "is not closed")]
    [InlineData("an {unclosed parameter", "is not closed")]
    [InlineData("a stray ) here", "unmatched ')'")]
    [InlineData("empty / alternative", "may not be empty")]
    public void Malformed_expressions_say_what_is_wrong(string expression, string problem)
    {
        var act = () => CucumberExpression.Compile(expression, (name, _) => ParameterType.BuiltIns().FirstOrDefault(p => p.Name == name));
        act.Should().Throw<FormatException>().Which.Message.Should().Contain(problem).And.Contain(expression);
    }

    [Theory]
    [InlineData("^I do it$", true)]
    [InlineData("I have (\\d+) apples", true)]
    [InlineData("I have (.*) apples", true)]
    [InlineData("I have {int} apples", false)]
    [InlineData("I have many apples", false)]
    [InlineData("I have (an) optional", false)]
    public void Expression_kind_is_detected_like_reqnroll(string expression, bool isRegex) =>
        ExpressionDetector.IsRegex(expression).Should().Be(isRegex);
}
