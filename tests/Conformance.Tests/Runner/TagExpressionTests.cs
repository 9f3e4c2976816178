using Xunit;
using Conformance.Runner;
using Conformance.Runner.Tags;
using Conformance.Tests.Runner.Bindings;
using FluentAssertions;

namespace Conformance.Tests.Runner;

/// <summary>The Cucumber tag-expression grammar (cucumber/tag-expressions) and selection by CONFORMANCE_TAGS.</summary>
public sealed class TagExpressionTests
{
    [Theory]
    [InlineData("", "@a", true)]
    [InlineData("@a", "@a @b", true)]
    [InlineData("@a", "@b", false)]
    [InlineData("not @a", "@b", true)]
    [InlineData("@a and @b", "@a", false)]
    [InlineData("@a or @b", "@b", true)]
    [InlineData("@a or @b and @c", "@a", true)]
    [InlineData("(@a or @b) and @c", "@a", false)]
    [InlineData("not @a or @b", "@a @b", true)]
    [InlineData("not (@a or @b)", "@b", false)]
    [InlineData("@tier2 and not @slow", "@tier2", true)]
    [InlineData("@tier2 and not @slow", "@tier2 @slow", false)]
    [InlineData("not not @a", "@a", true)]
    [InlineData(@"@with\(paren\)", "@with(paren)", true)]
    [InlineData("@known-defect:OP-1", "@known-defect:OP-1", true)]
    public void Evaluates_like_cucumber(string expression, string tags, bool expected) =>
        TagExpression.Parse(expression).Evaluate(tags.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Should().Be(expected);

    [Theory]
    [InlineData("@a and", "ends where a tag or '(' was expected")]
    [InlineData("(@a or @b", "is not closed")]
    [InlineData("@a @b", "unexpected '@b' at column 4")]
    [InlineData("a and @b", "'a' at column 1 is not a tag")]
    [InlineData("@a or or @b", "'or' at column 7 where a tag was expected")]
    [InlineData(@"@a\", "escapes nothing")]
    public void Malformed_expressions_are_rejected_with_the_position(string expression, string problem) =>
        FluentActions.Invoking(() => TagExpression.Parse(expression)).Should().Throw<TagExpressionException>()
            .Which.Message.Should().Contain(problem).And.Contain(expression);

    [Fact]
    public async Task The_tag_filter_selects_scenarios_before_they_run()
    {
        var runner = RunnerHarness.Runner(new RunnerOptions { TagFilter = TagExpression.Parse("@small or @rule-tag") }, typeof(CounterSteps));
        var (results, _) = await RunnerHarness.RunAsync(runner, "constructs.feature");

        results.Scenarios.Select(s => s.Name).Should().BeEquivalentTo("Outline 1 plus 2", "Outline 0 plus 0", "Rule background runs after the feature background");
    }
}
