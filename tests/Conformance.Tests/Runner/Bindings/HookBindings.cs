using Conformance.Runner;

namespace Conformance.Tests.Runner.Bindings;

[Binding]
public sealed class HookBindings(TestRunContext run, ScenarioContext scenario)
{
    [BeforeTestRun]
    public static void BeforeRun(TestRunContext run) => Journal.Write(run, "BeforeTestRun");

    [AfterTestRun]
    public static void AfterRun(TestRunContext run) => Journal.Write(run, "AfterTestRun");

    [BeforeFeature]
    public static void BeforeFeature(FeatureContext feature, TestRunContext run) => Journal.Write(run, $"BeforeFeature {feature.FeatureInfo.Title}");

    [BeforeFeature("@hooked")]
    public static void BeforeHookedFeature(TestRunContext run) => Journal.Write(run, "BeforeFeature @hooked");

    [AfterFeature]
    public static void AfterFeature(FeatureContext feature, TestRunContext run) => Journal.Write(run, $"AfterFeature {feature.FeatureInfo.Title}");

    [BeforeScenario(Order = 20)]
    public void BeforeScenarioLate() => Journal.Write(run, $"BeforeScenario#20 {scenario.Title}");

    [BeforeScenario(Order = 10)]
    public void BeforeScenarioEarly() => Journal.Write(run, $"BeforeScenario#10 {scenario.Title}");

    [BeforeScenario("@tagged")]
    public void BeforeTagged() => Journal.Write(run, $"BeforeScenario@tagged {scenario.Title}");

    [Before("@nope", "tagged")]
    public void BeforeEitherTag() => Journal.Write(run, $"Before(@nope or tagged) {scenario.Title}");

    [BeforeScenario("@hooked and not @tagged")]
    public void BeforeExpression() => Journal.Write(run, $"BeforeScenario(@hooked and not @tagged) {scenario.Title}");

    [BeforeStep]
    public void BeforeStep() => Journal.Write(run, $"BeforeStep {scenario.CurrentStep?.Text}");

    [AfterStep]
    public void AfterStep() => Journal.Write(run, $"AfterStep {scenario.CurrentStep?.Text}");

    [AfterScenario]
    public async Task AfterScenario()
    {
        await Task.Yield();
        Journal.Write(run, $"AfterScenario {scenario.Title} error={(scenario.TestError is null ? "none" : scenario.TestError.Message)}");
    }

    [BeforeScenario("@fail-before")]
    public void FailBefore() => throw new InvalidOperationException("before hook broke");

    [AfterScenario("@fail-after", Order = 1)]
    public void FailAfter() => throw new InvalidOperationException("after hook broke");

    [Given("a step that records itself")]
    public void Step() => Journal.Write(run, $"step {scenario.Title}");
}
