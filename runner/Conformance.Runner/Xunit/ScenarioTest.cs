using System.Reflection;
using Conformance.Runner.Results;
using Xunit;
using Xunit.v3;

namespace Conformance.Runner.Xunit;

/// <summary>What a generated test method calls: runs one pickle through the engine and turns the result into an xunit outcome.</summary>
public static class ScenarioTest
{
    public static async Task RunAsync(Assembly assembly, string uri, string source, string pickleId)
    {
        var host = GherkinHost.For(assembly);
        var feature = host.Feature(uri, source);
        if (host.ConfigurationError is { } configuration) throw new ScenarioFailedException(configuration);
        if (pickleId == FeatureScenariosAttribute.ProblemRow && feature.IsValid)
            throw new ScenarioFailedException(DynamicSkipToken.Value + $"No scenario of {uri} matches CONFORMANCE_TAGS \"{Environment.GetEnvironmentVariable("CONFORMANCE_TAGS")}\".");
        if (pickleId == FeatureScenariosAttribute.ProblemRow)
            throw new ScenarioFailedException($"{uri} is not valid Gherkin; its scenarios cannot run (other features are not affected):{Environment.NewLine}" +
                string.Join(Environment.NewLine, feature.ParseErrors.Select(e => "  " + e)));
        var pickle = feature.FindPickle(pickleId)
            ?? throw new ScenarioFailedException($"{uri} has no scenario with id {pickleId}: the feature changed since discovery; rebuild and rediscover.");
        FeatureRunner runner;
        try
        {
            runner = host.Runner;
        }
        catch (Exception e)
        {
            throw new ScenarioFailedException(e.Message);
        }
        var context = TestContext.Current;
        var result = await runner.RunScenarioAsync(feature, pickle, context.TestOutputHelper, context.CancellationToken).ConfigureAwait(false);
        WriteTrace(result, context.TestOutputHelper);
        Report(result, context);
    }

    /// <summary>The step trace (Reqnroll prints one too): keyword, text, binding, status and duration per step.</summary>
    public static void WriteTrace(ScenarioResult result, ITestOutputHelper? output)
    {
        if (output is null) return;
        output.WriteLine($"{result.FeatureUri}:{result.Line} {result.DisplayName}");
        foreach (var step in result.Steps)
        {
            output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"  {step.Keyword} {step.Text} -> {step.Status.ToString().ToLowerInvariant()} ({step.Duration.TotalMilliseconds:0.0} ms){(step.Binding is null ? "" : " " + step.Binding)}"));
        }
        output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"  => {result.Status} in {result.Duration.TotalMilliseconds:0.0} ms"));
    }

    /// <summary>Maps a scenario result to the xunit outcome: failures throw, skips skip dynamically, known defects pass with a note.</summary>
    public static void Report(ScenarioResult result, ITestContext? context = null)
    {
        switch (result.Status)
        {
            case ScenarioStatus.Passed:
                return;
            case ScenarioStatus.Skipped:
                throw new ScenarioFailedException(DynamicSkipToken.Value + (result.Reason ?? "skipped at runtime"));
            case ScenarioStatus.ExpectedFailure:
                context?.TestOutputHelper?.WriteLine(result.Reason ?? "expected failure");
                context?.TestOutputHelper?.WriteLine(result.Error ?? "");
                return;
            case ScenarioStatus.AppearsFixed:
                context?.TestOutputHelper?.WriteLine(result.Reason ?? "appears fixed");
                context?.AddWarning(result.Reason ?? "appears fixed");
                return;
            default:
                var error = result.Error ?? $"The scenario ended {result.Status}.";
                // A @known-defect scenario that failed before reaching its defect says so first.
                throw new ScenarioFailedException(result.Reason is { } reason ? reason + Environment.NewLine + error : error);
        }
    }
}

/// <summary>A scenario failed; the message says where and why. Its stack trace is deliberately empty: the message holds the binding's.</summary>
public sealed class ScenarioFailedException(string message) : Exception(message)
{
    public override string? StackTrace => null;
}
