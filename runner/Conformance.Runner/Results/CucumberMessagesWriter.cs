using System.Reflection;
using Conformance.Runner.Bindings;
using Cucumber.Messages;
using Io.Cucumber.Messages.Types;
using Messages = Io.Cucumber.Messages.Types;

namespace Conformance.Runner.Results;

/// <summary>
/// The run as Cucumber Messages ndjson (meta, sources, documents, pickles, step definitions, hooks, then one test case
/// per scenario with its step results and attachments), so standard Cucumber tooling (html formatter, json-formatter)
/// can read our runs.
/// </summary>
public static class CucumberMessagesWriter
{
    public static void Write(RunResults results, BindingRegistry bindings, Stream stream)
    {
        using var writer = CucumberMessagesJson.CreateWriter(stream);
        foreach (var envelope in Envelopes(results, bindings)) writer.Write(envelope);
    }

    public static IEnumerable<Envelope> Envelopes(RunResults results, BindingRegistry bindings)
    {
        var version = typeof(CucumberMessagesWriter).Assembly.GetName().Version?.ToString() ?? "0";
        yield return Envelope.Create(new Meta(ProtocolVersion.Version, new Product("Conformance.Runner", version),
            new Product(".NET", Environment.Version.ToString()), new Product(Environment.OSVersion.Platform.ToString(), Environment.OSVersion.VersionString),
            new Product(System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString(), null), null));
        foreach (var feature in results.Features)
        {
            yield return Envelope.Create(feature.Source);
            if (feature.Document is { } document) yield return Envelope.Create(document);
            foreach (var error in feature.ParseErrors)
                yield return Envelope.Create(new ParseError(
                    new SourceReference(error.Uri, null, null, new Messages.Location(error.Line, error.Column)), error.ToString()));
            foreach (var pickle in feature.Pickles) yield return Envelope.Create(pickle);
        }
        foreach (var parameterType in bindings.ParameterTypes.Where(p => p.Transformation is not null))
            yield return Envelope.Create(new Messages.ParameterType(parameterType.Name, [parameterType.Regex], false, true,
                "parameter-" + parameterType.Name, SourceOf(parameterType.Transformation!)));
        foreach (var step in bindings.Steps)
            yield return Envelope.Create(new StepDefinition(step.Id, new StepDefinitionPattern(step.Expression,
                step.ExpressionType == ExpressionType.RegularExpression ? StepDefinitionPatternType.REGULAR_EXPRESSION : StepDefinitionPatternType.CUCUMBER_EXPRESSION),
                SourceOf(step.Method)));
        foreach (var hook in bindings.Hooks)
            if (MessageHookType(hook.Type) is { } type)
                yield return Envelope.Create(new Hook(hook.Id, hook.Method.Name, SourceOf(hook.Method),
                    hook.Tags.Count == 0 ? null : string.Join(" or ", hook.Tags), type));

        const string runId = "test-run";
        yield return Envelope.Create(new TestRunStarted(Timestamp(results.StartedAt), runId));
        var n = 0;
        foreach (var hook in results.TestRunHooks)
        {
            var started = $"run-hook-{n++}";
            yield return Envelope.Create(new TestRunHookStarted(started, runId, hook.HookId, null, Timestamp(hook.StartedAt)));
            yield return Envelope.Create(new TestRunHookFinished(started, StepResult(hook.Status, hook.Duration, hook.Error), Timestamp(hook.StartedAt + hook.Duration)));
        }

        foreach (var scenario in results.Scenarios)
        {
            var caseId = "case-" + scenario.Id;
            var startedId = "started-" + scenario.Id;
            var scenarioHooks = scenario.Hooks.Where(h => h.StepId is null).ToList();
            var before = scenarioHooks.Where(h => h.Type == HookType.BeforeScenario).ToList();
            var after = scenarioHooks.Where(h => h.Type == HookType.AfterScenario).ToList();
            var testSteps = new List<TestStep>();
            var plan = new List<(string Id, StepStatus Status, TimeSpan Duration, string? Error, DateTimeOffset Started)>();
            var index = 0;
            foreach (var hook in before)
            {
                var id = $"{caseId}/{index++}";
                testSteps.Add(new TestStep(hook.HookId, id, null, null, null));
                plan.Add((id, hook.Status, hook.Duration, hook.Error, hook.StartedAt));
            }
            var stepIds = new Dictionary<string, string>();
            foreach (var step in scenario.Steps)
            {
                var id = $"{caseId}/{index++}";
                stepIds[step.Id] = id;
                var definitions = step.BindingId is { } b ? new List<string> { b } : step.CandidateBindingIds.ToList();
                testSteps.Add(new TestStep(null, id, step.Id, definitions, definitions.Select(_ => new StepMatchArgumentsList([])).ToList()));
                plan.Add((id, step.Status, step.Duration, step.Error, step.StartedAt == default ? scenario.StartedAt : step.StartedAt));
            }
            foreach (var hook in after)
            {
                var id = $"{caseId}/{index++}";
                testSteps.Add(new TestStep(hook.HookId, id, null, null, null));
                plan.Add((id, hook.Status, hook.Duration, hook.Error, hook.StartedAt));
            }
            yield return Envelope.Create(new TestCase(caseId, scenario.Id, testSteps, runId));
            yield return Envelope.Create(new TestCaseStarted(0, startedId, caseId, null, Timestamp(scenario.StartedAt)));
            foreach (var (id, status, duration, error, started) in plan)
            {
                yield return Envelope.Create(new TestStepStarted(startedId, id, Timestamp(started)));
                yield return Envelope.Create(new TestStepFinished(startedId, id, StepResult(status, duration, error), Timestamp(started + duration)));
            }
            foreach (var attachment in scenario.Attachments)
                yield return Envelope.Create(new Attachment(attachment.Text ?? attachment.Base64!,
                    attachment.IsText ? AttachmentContentEncoding.IDENTITY : AttachmentContentEncoding.BASE64, attachment.Name, attachment.MediaType,
                    null, startedId, attachment.StepId is { } s && stepIds.TryGetValue(s, out var step) ? step : null, null, null, null,
                    Timestamp(attachment.Timestamp)));
            yield return Envelope.Create(new TestCaseFinished(startedId, Timestamp(scenario.StartedAt + scenario.Duration), false));
        }
        var success = !results.Scenarios.Any(s => s.Status.IsFailure()) && results.ParseErrors.Count == 0;
        yield return Envelope.Create(new TestRunFinished(null, success, Timestamp(results.FinishedAt ?? results.StartedAt), null, runId));
    }

    private static TestStepResult StepResult(StepStatus status, TimeSpan duration, string? error) =>
        new(Converters.ToDuration(duration), error, status switch
        {
            StepStatus.Passed => TestStepResultStatus.PASSED,
            StepStatus.Failed => TestStepResultStatus.FAILED,
            StepStatus.Skipped => TestStepResultStatus.SKIPPED,
            StepStatus.Undefined => TestStepResultStatus.UNDEFINED,
            StepStatus.Ambiguous => TestStepResultStatus.AMBIGUOUS,
            StepStatus.Pending => TestStepResultStatus.PENDING,
            _ => TestStepResultStatus.UNKNOWN,
        }, null);

    private static Messages.HookType? MessageHookType(HookType type) => type switch
    {
        HookType.BeforeTestRun => Messages.HookType.BEFORE_TEST_RUN,
        HookType.AfterTestRun => Messages.HookType.AFTER_TEST_RUN,
        HookType.BeforeScenario => Messages.HookType.BEFORE_TEST_CASE,
        HookType.AfterScenario => Messages.HookType.AFTER_TEST_CASE,
        HookType.BeforeStep => Messages.HookType.BEFORE_TEST_STEP,
        HookType.AfterStep => Messages.HookType.AFTER_TEST_STEP,
        _ => null,
    };

    private static SourceReference SourceOf(MethodInfo method) =>
        new(null, new JavaMethod(method.DeclaringType?.FullName ?? "", method.Name,
            method.GetParameters().Select(p => p.ParameterType.FullName ?? p.ParameterType.Name).ToList()), null, null);

    private static Timestamp Timestamp(DateTimeOffset time) => Converters.ToTimestamp(time.UtcDateTime);
}
