using Xunit;
using Conformance.Runner;
using Conformance.Runner.Bindings;
using Conformance.Runner.Gherkin;
using Conformance.Runner.Results;
using Conformance.Tests.Runner.Bindings;

namespace Conformance.Tests.Runner;

/// <summary>Runs fixture features from Runner/Features through the real engine with a chosen set of binding classes.</summary>
internal static class RunnerHarness
{
    public static ParsedFeature Load(string name) =>
        FeatureParser.ParseFile(Path.Combine(AppContext.BaseDirectory, "Runner", "Features", name), "features/" + name);

    public static FeatureRunner Runner(RunnerOptions? options, params Type[] bindings) =>
        new(BindingRegistry.FromTypes(bindings), options ?? new RunnerOptions());

    public static FeatureRunner Runner(params Type[] bindings) => Runner(null, bindings);

    /// <summary>Runs whole features (each in order, like one test class) and ends the run.</summary>
    public static async Task<(RunResults Results, List<string> Journal)> RunAsync(FeatureRunner runner, params string[] features)
    {
        foreach (var feature in features) await runner.RunFeatureAsync(Load(feature), TestContext.Current.CancellationToken);
        var results = await runner.EndTestRunAsync(TestContext.Current.CancellationToken);
        return (results, Journal.Of(runner.TestRun));
    }

    public static ScenarioResult Scenario(this RunResults results, string name) =>
        results.Scenarios.Single(s => s.Name == name);
}
