using Xunit;
using Conformance.Runner;
using Conformance.Runner.Bindings;
using Conformance.Runner.Results;
using Conformance.Tests.Runner.Bindings;
using FluentAssertions;

namespace Conformance.Tests.Runner;

/// <summary>Each error the runner reports, with its message checked.</summary>
public sealed class ErrorMessageTests
{
    private static Task<(RunResults Results, List<string> Journal)> RunErrors() =>
        RunnerHarness.RunAsync(RunnerHarness.Runner(typeof(ErrorBindings)), "errors.feature");

    [Fact]
    public async Task An_undefined_step_names_file_line_and_text_and_offers_a_snippet_and_later_steps_are_skipped()
    {
        var (results, _) = await RunErrors();

        var scenario = results.Scenario("Undefined step");
        scenario.Status.Should().Be(ScenarioStatus.Undefined);
        scenario.Error.Should().StartWith("Undefined step at features/errors.feature:4: When I do something with 3 \"quoted\" things and 2.5 more");
        scenario.Error.Should().Contain("""
                [When(@"I do something with {int} {string} things and {float} more")]
                public void WhenIDoSomethingWithThingsAndMore(int p0, string p1, double p2)
                {
                    throw new PendingStepException();
                }
            """.ReplaceLineEndings());
        scenario.Steps.Select(s => s.Status).Should().Equal(StepStatus.Passed, StepStatus.Undefined, StepStatus.Skipped);
    }

    [Fact]
    public async Task An_ambiguous_step_lists_every_matching_binding()
    {
        var (results, _) = await RunErrors();

        var scenario = results.Scenario("Ambiguous step");
        scenario.Status.Should().Be(ScenarioStatus.Ambiguous);
        scenario.Error.Should().StartWith("Ambiguous step at features/errors.feature:8: Given an ambiguous step")
            .And.Contain("It matches 2 bindings")
            .And.Contain("[Given(\"an ambiguous step\")] ErrorBindings.AmbiguousOne()")
            .And.Contain("[Given(\"^an? ambiguous step$\")] ErrorBindings.AmbiguousTwo()");
    }

    [Fact]
    public async Task A_throwing_binding_shows_step_location_binding_and_inner_exception()
    {
        var (results, _) = await RunErrors();

        var scenario = results.Scenario("Binding throws");
        scenario.Status.Should().Be(ScenarioStatus.Failed);
        scenario.Error.Should().StartWith("Step failed at features/errors.feature:12: When the binding throws")
            .And.Contain("Binding: [When(\"the binding throws\")] ErrorBindings.Throws()")
            .And.Contain("System.InvalidOperationException: boom from binding")
            .And.Contain("System.FormatException: the inner cause")
            .And.Contain("ErrorBindings.Throws()", "the stack trace of the binding is kept");
        scenario.ErrorType.Should().Be("System.InvalidOperationException");
        scenario.Steps.Select(s => s.Status).Should().Equal(StepStatus.Passed, StepStatus.Failed, StepStatus.Skipped);
    }

    [Fact]
    public async Task A_pending_step_fails_as_pending()
    {
        var (results, _) = await RunErrors();

        var scenario = results.Scenario("Pending step");
        scenario.Status.Should().Be(ScenarioStatus.Pending);
        scenario.Status.IsFailure().Should().BeTrue();
        scenario.Error.Should().StartWith("Pending step at features/errors.feature:16: Given a pending step");
    }

    [Fact]
    public async Task A_step_can_skip_its_scenario_with_a_reason()
    {
        var (results, _) = await RunErrors();

        var scenario = results.Scenario("Runtime skip");
        scenario.Status.Should().Be(ScenarioStatus.Skipped);
        scenario.Reason.Should().Be("the world lacks docker");
        scenario.Steps.Select(s => s.Status).Should().Equal(StepStatus.Skipped, StepStatus.Skipped);
    }

    [Fact]
    public async Task A_parameter_count_mismatch_says_what_the_step_provides()
    {
        var (results, _) = await RunErrors();

        results.Scenario("Wrong parameter count").Error.Should()
            .Contain("features/errors.feature:23")
            .And.Contain("ErrorBindings.NoTable() takes 0 argument(s) but the step provides 0 captured argument(s) and a data table");
    }

    [Fact]
    public async Task The_cancellation_token_reaches_steps_that_ask_for_one()
    {
        using var cancellation = new CancellationTokenSource();
        var runner = RunnerHarness.Runner(typeof(ErrorBindings));
        var feature = RunnerHarness.Load("errors.feature");
        var pickle = feature.Pickles.Single(p => p.Name == "Cancellation reaches the step");

        var result = await runner.RunScenarioAsync(feature, pickle, null, cancellation.Token);

        result.Status.Should().Be(ScenarioStatus.Passed, result.Error);
        runner.TestRun.Get<CancellationToken>("token").Should().Be(cancellation.Token);
    }

    [Fact]
    public async Task A_malformed_feature_reports_the_parser_line_and_column_and_other_features_still_run()
    {
        var runner = RunnerHarness.Runner(typeof(ErrorBindings), typeof(AttachmentBindings));
        var malformed = RunnerHarness.Load("malformed.feature");

        malformed.IsValid.Should().BeFalse();
        malformed.ParseErrors.Should().NotBeEmpty();
        var first = malformed.ParseErrors[0];
        first.ToString().Should().MatchRegex(@"^features/malformed\.feature:4:\d+: .+");
        first.Line.Should().Be(4);
        first.Column.Should().BeGreaterThan(0);

        var (results, _) = await RunnerHarness.RunAsync(runner, "malformed.feature", "attachments.feature");
        results.ParseErrors.Should().Contain(first);
        results.Scenarios.Should().ContainSingle().Which.Status.Should().Be(ScenarioStatus.Passed);
    }

    [Fact]
    public void Problems_in_binding_code_are_reported_together_when_the_bindings_load()
    {
        var act = () => BindingRegistry.FromTypes(typeof(BrokenBindings));
        var message = act.Should().Throw<BindingException>().Which.Message;
        message.Should().Contain("BrokenBindings.UnknownType(Int32): Cucumber expression \"a {colour} thing\": undefined parameter type {colour}")
            .And.Contain("BrokenBindings.NotStatic(): [BeforeFeature] hooks must be static")
            .And.Contain("BrokenBindings.BadRegex(): invalid regular expression");
    }

    [Binding]
    public sealed class BrokenBindings
    {
        [Given("a {colour} thing")]
        public void UnknownType(int colour) => _ = colour;

        [BeforeFeature]
        public void NotStatic() { }

        [Given("^broken (regex$")]
        public void BadRegex() { }
    }
}
