using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Conformance.Runner.Bindings;
using Conformance.Runner.Expressions;
using Conformance.Runner.Gherkin;
using Conformance.Runner.Results;
using Xunit;
using Messages = Io.Cucumber.Messages.Types;

namespace Conformance.Runner;

/// <summary>
/// The engine: runs pickles of parsed features against a <see cref="BindingRegistry"/>, with hooks, injection and
/// results. The xunit glue and the runner's own tests both drive it. Scenarios of different features may run
/// concurrently; one scenario's steps run in order.
/// </summary>
public sealed class FeatureRunner
{
    private readonly ConcurrentDictionary<string, FeatureSession> _features = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _runGate = new(1, 1);
    private bool _runStarted;
    private bool _runEnded;
    private string? _runHookError;

    public FeatureRunner(BindingRegistry bindings, RunnerOptions? options = null)
    {
        Bindings = bindings;
        Options = options ?? new RunnerOptions();
        Results = new RunResults(Options.RunId, Options.Time.GetUtcNow());
        TestRun = new TestRunContext(Results, Options);
    }

    public BindingRegistry Bindings { get; }
    public RunnerOptions Options { get; }
    public RunResults Results { get; }
    public TestRunContext TestRun { get; }

    /// <summary>The reason a pickle is skipped without running (<c>@ignore</c>, <c>@wip</c>), or null.</summary>
    public static string? IgnoreReason(Messages.Pickle pickle)
    {
        var tag = pickle.Tags.Select(t => t.Name).FirstOrDefault(t => t is "@ignore" or "@wip");
        return tag is null ? null : $"Skipped: the scenario is tagged {tag}.";
    }

    /// <summary>Whether the run's tag filter (<c>CONFORMANCE_TAGS</c>) selects the pickle.</summary>
    public bool IsSelected(Messages.Pickle pickle) => Options.TagFilter.Evaluate(pickle.Tags.Select(t => t.Name).ToList());

    // ---------------------------------------------------------------- test run

    /// <summary>Runs the [BeforeTestRun] hooks once; later calls return at once.</summary>
    public async Task StartTestRunAsync(CancellationToken cancellationToken = default)
    {
        if (Volatile.Read(ref _runStarted)) return;
        await _runGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_runStarted) return;
            _runHookError = await RunStaticHooksAsync(HookType.BeforeTestRun, null, cancellationToken, Results.RecordRunHook, stopAtFirst: true).ConfigureAwait(false);
            Volatile.Write(ref _runStarted, true);
        }
        finally
        {
            _runGate.Release();
        }
    }

    /// <summary>
    /// Ends every feature still open, runs the [AfterTestRun] hooks, writes the results into the artifact folder (when
    /// one is configured) and tells the listeners. Idempotent.
    /// </summary>
    public async Task<RunResults> EndTestRunAsync(CancellationToken cancellationToken = default)
    {
        foreach (var uri in _features.Keys.ToList()) await EndFeatureAsync(uri, cancellationToken).ConfigureAwait(false);
        await _runGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_runEnded) return Results;
            _runEnded = true;
            if (_runStarted)
                AfterHookError = await RunStaticHooksAsync(HookType.AfterTestRun, null, cancellationToken, Results.RecordRunHook, stopAtFirst: false).ConfigureAwait(false);
            Results.FinishedAt = Options.Time.GetUtcNow();
            if (Options.ArtifactsDirectory is { } dir) ResultWriters.WriteAll(Results, Bindings, dir);
            foreach (var listener in TestRun.Listeners)
                await listener.OnRunFinishedAsync(Results, Options.ArtifactsDirectory).ConfigureAwait(false);
            return Results;
        }
        finally
        {
            _runGate.Release();
        }
    }

    // ---------------------------------------------------------------- features

    private sealed class FeatureSession(ParsedFeature feature)
    {
        public ParsedFeature Feature { get; } = feature;
        public FeatureContext Context { get; } = new(new FeatureInfo(feature.Name, feature.FeatureTags, feature.Uri,
            feature.Document?.Feature?.Description?.Trim() ?? ""));
        public SemaphoreSlim Gate { get; } = new(1, 1);
        public bool Started;
        public bool Ended;
        public string? HookError;
    }

    private async Task<FeatureSession> StartFeatureAsync(ParsedFeature feature, CancellationToken cancellationToken)
    {
        Results.AddFeature(feature);
        var session = _features.GetOrAdd(feature.Uri, _ => new FeatureSession(feature));
        if (Volatile.Read(ref session.Started)) return session;
        await session.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!session.Started)
            {
                session.HookError = await RunStaticHooksAsync(HookType.BeforeFeature, session, cancellationToken, Results.RecordRunHook, stopAtFirst: true).ConfigureAwait(false);
                Volatile.Write(ref session.Started, true);
            }
        }
        finally
        {
            session.Gate.Release();
        }
        return session;
    }

    /// <summary>The first [AfterTestRun] failure, or null (set by <see cref="EndTestRunAsync"/>).</summary>
    public string? AfterHookError { get; private set; }

    /// <summary>
    /// Runs the feature's [AfterFeature] hooks if its [BeforeFeature] hooks ran; returns the first failure's message
    /// (also kept in <see cref="RunResults.Hooks"/>), or null. Idempotent.
    /// </summary>
    public async Task<string?> EndFeatureAsync(string uri, CancellationToken cancellationToken = default)
    {
        if (!_features.TryGetValue(uri, out var session)) return null;
        await session.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!session.Started || session.Ended) return null;
            session.Ended = true;
            return await RunStaticHooksAsync(HookType.AfterFeature, session, cancellationToken, Results.RecordRunHook, stopAtFirst: false).ConfigureAwait(false);
        }
        finally
        {
            session.Gate.Release();
        }
    }

    /// <summary>
    /// Runs every pickle of a feature in order (the in-process equivalent of one generated test class): parse errors are
    /// recorded, unselected pickles left out, ignored ones recorded as skipped; then the feature is ended.
    /// </summary>
    public async Task<IReadOnlyList<ScenarioResult>> RunFeatureAsync(ParsedFeature feature, CancellationToken cancellationToken = default)
    {
        Results.AddFeature(feature);
        var results = new List<ScenarioResult>();
        foreach (var pickle in feature.Pickles.Where(IsSelected))
        {
            results.Add(IgnoreReason(pickle) is { } reason
                ? RecordSkipped(feature, pickle, reason)
                : await RunScenarioAsync(feature, pickle, null, cancellationToken).ConfigureAwait(false));
        }
        await EndFeatureAsync(feature.Uri, cancellationToken).ConfigureAwait(false);
        return results;
    }

    /// <summary>Records a scenario as skipped without running it (ignored, or skipped by the test framework).</summary>
    public ScenarioResult RecordSkipped(ParsedFeature feature, Messages.Pickle pickle, string reason)
    {
        Results.AddFeature(feature);
        var result = NewResult(feature, pickle);
        result.Status = ScenarioStatus.Skipped;
        result.Reason = reason;
        result.StartedAt = Options.Time.GetUtcNow();
        foreach (var step in pickle.Steps) result.Steps.Add(NewStepResult(feature, step));
        Results.Record(result);
        return result;
    }

    // ---------------------------------------------------------------- scenarios

    /// <summary>Runs one pickle: test-run and feature setup on first use, scenario hooks, steps, after-hooks, disposal.</summary>
    public async Task<ScenarioResult> RunScenarioAsync(ParsedFeature feature, Messages.Pickle pickle, ITestOutputHelper? output = null,
        CancellationToken cancellationToken = default)
    {
        var result = NewResult(feature, pickle);
        result.StartedAt = Options.Time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        foreach (var step in pickle.Steps) result.Steps.Add(NewStepResult(feature, step));
        var scenarioOutput = new ScenarioOutput(result, output);
        var info = new ScenarioInfo(pickle.Name, result.Tags, feature.Name, feature.Uri, result.Line,
            result.Example ?? new Dictionary<string, string>(), result.Rule);
        var context = new ScenarioContext(info, result, Options.Time, cancellationToken);
        var state = new ScenarioState(result, context);

        await StartTestRunAsync(cancellationToken).ConfigureAwait(false);
        var session = await StartFeatureAsync(feature, cancellationToken).ConfigureAwait(false);
        if (_runHookError is not null) state.Fail(ScenarioStatus.Failed, _runHookError, null);
        else if (session.HookError is not null) state.Fail(ScenarioStatus.Failed, session.HookError, null);

        var container = new ScenarioContainer();
        container.RegisterInstance(context);
        container.RegisterInstance(session.Context);
        container.RegisterInstance(TestRun);
        container.RegisterInstance(container);
        container.RegisterInstance<ITestOutputHelper>(scenarioOutput);

        var tags = result.Tags;
        if (!state.Stopped)
            await RunScenarioHooksAsync(HookType.BeforeScenario, tags, container, state, null, cancellationToken).ConfigureAwait(false);

        var previousKind = StepKind.Any;
        for (var i = 0; i < pickle.Steps.Count; i++)
        {
            var step = pickle.Steps[i];
            var stepResult = result.Steps[i];
            // Gherkin types And/But from the previous step; a '*' step stays Unknown, so it inherits here (as in Reqnroll).
            var kind = KindOf(step.Type) is var own && own != StepKind.Any ? own : previousKind;
            previousKind = kind;
            if (state.Stopped)
            {
                stepResult.Status = StepStatus.Skipped;
                continue;
            }
            await RunStepAsync(feature, step, kind, stepResult, container, state, cancellationToken).ConfigureAwait(false);
        }
        context.CurrentStep = null;
        context.CurrentStepId = null;

        // After-hooks always run, whatever happened before.
        await RunScenarioHooksAsync(HookType.AfterScenario, tags, container, state, null, CancellationToken.None, stopAtFirst: false).ConfigureAwait(false);
        try
        {
            await container.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            state.Fail(ScenarioStatus.Failed, $"Disposing the scenario's objects failed at {feature.Uri}:{result.Line}:{Environment.NewLine}{Invoker.Describe(e)}", e);
        }

        result.Duration = clock.Elapsed;
        ApplyKnownDefect(result, context.TestError);
        Results.Record(result);
        foreach (var listener in TestRun.Listeners)
            await listener.OnScenarioFinishedAsync(result).ConfigureAwait(false);
        return result;
    }

    private sealed class ScenarioState(ScenarioResult result, ScenarioContext context)
    {
        public bool Stopped;
        public IReadOnlyList<string> ResultTags => result.Tags;
        public List<HookResult> Hooks => result.Hooks;

        public void Fail(ScenarioStatus status, string message, Exception? e)
        {
            Stopped = true;
            if (result.Status is ScenarioStatus.Passed or ScenarioStatus.Skipped)
            {
                result.Status = status;
                result.Error = message;
                result.ErrorType = e?.GetType().FullName;
                context.TestError ??= e ?? new InvalidOperationException(message);
            }
            else
            {
                result.Error += Environment.NewLine + Environment.NewLine + "Also: " + message;
            }
        }

        public void Skip(string reason)
        {
            Stopped = true;
            if (result.Status == ScenarioStatus.Passed)
            {
                result.Status = ScenarioStatus.Skipped;
                result.Reason = reason;
            }
        }
    }

    private async Task RunStepAsync(ParsedFeature feature, Messages.PickleStep step, StepKind kind, StepResult stepResult, ScenarioContainer container,
        ScenarioState state, CancellationToken cancellationToken)
    {
        var context = container.Resolve<ScenarioContext>();
        var location = $"{feature.Uri}:{stepResult.Line}";
        var table = step.Argument?.DataTable is { } t ? new DataTable(t.Rows.Select(r => (IReadOnlyList<string>)r.Cells.Select(c => c.Value).ToList()).ToList()) : null;
        var docString = step.Argument?.DocString is { } d ? new DocString(d.Content, string.IsNullOrEmpty(d.MediaType) ? null : d.MediaType) : null;
        context.CurrentStep = new StepInfo(stepResult.Keyword, step.Text, stepResult.Line, kind, table, docString);
        context.CurrentStepId = step.Id;
        stepResult.StartedAt = Options.Time.GetUtcNow();
        var clock = Stopwatch.StartNew();

        var matches = StepMatcher.Match(Bindings, step.Text, kind);
        if (matches.Count == 0)
        {
            stepResult.Status = StepStatus.Undefined;
            stepResult.Duration = clock.Elapsed;
            var snippet = SnippetGenerator.Snippet(kind, step.Text, table is not null, docString is not null);
            stepResult.Error = $"Undefined step at {location}: {stepResult.Keyword} {step.Text}";
            state.Fail(ScenarioStatus.Undefined,
                $"{stepResult.Error}{Environment.NewLine}No binding matches this step. Add this to a [Binding] class:{Environment.NewLine}{Environment.NewLine}{Indent(snippet)}",
                null);
            return;
        }
        if (matches.Count > 1)
        {
            stepResult.Status = StepStatus.Ambiguous;
            stepResult.Duration = clock.Elapsed;
            stepResult.CandidateBindingIds = matches.Select(m => m.Binding.Id).ToList();
            stepResult.Error = $"Ambiguous step at {location}: {stepResult.Keyword} {step.Text}";
            state.Fail(ScenarioStatus.Ambiguous,
                $"{stepResult.Error}{Environment.NewLine}It matches {matches.Count} bindings; make one of them more specific:{Environment.NewLine}" +
                string.Join(Environment.NewLine, matches.Select(m => "  - " + m.Binding)), null);
            return;
        }

        var match = matches[0];
        stepResult.Binding = match.Binding.ToString();
        stepResult.BindingId = match.Binding.Id;
        var hooksFailed = await RunScenarioHooksAsync(HookType.BeforeStep, state.ResultTags, container, state, step.Id, cancellationToken).ConfigureAwait(false);
        if (!hooksFailed)
        {
            try
            {
                var args = BuildArguments(match, feature, step, stepResult, table, docString, container, cancellationToken);
                var target = match.Binding.Method.IsStatic ? null : container.Resolve(match.Binding.Method.DeclaringType!);
                await Invoker.InvokeAsync(match.Binding.Method, target, args).ConfigureAwait(false);
                stepResult.Status = StepStatus.Passed;
            }
            catch (ScenarioSkippedException skip)
            {
                stepResult.Status = StepStatus.Skipped;
                state.Skip(skip.Reason);
            }
            catch (PendingStepException pending)
            {
                stepResult.Status = StepStatus.Pending;
                stepResult.Error = $"Pending step at {location}: {stepResult.Keyword} {step.Text}: {pending.Message}";
                state.Fail(ScenarioStatus.Pending, $"{stepResult.Error}{Environment.NewLine}Binding: {match.Binding}", pending);
            }
            catch (StepArgumentConversionException conversion)
            {
                stepResult.Status = StepStatus.Failed;
                stepResult.Error = conversion.Message;
                state.Fail(ScenarioStatus.Failed, $"Step at {location}: {stepResult.Keyword} {step.Text}{Environment.NewLine}{conversion.Message}", conversion);
            }
            catch (Exception e)
            {
                stepResult.Status = StepStatus.Failed;
                stepResult.Error = $"{e.GetType().Name}: {e.Message}";
                state.Fail(ScenarioStatus.Failed,
                    $"Step failed at {location}: {stepResult.Keyword} {step.Text}{Environment.NewLine}Binding: {match.Binding}{Environment.NewLine}{Invoker.Describe(e)}", e);
            }
        }
        else
        {
            stepResult.Status = StepStatus.Skipped;
        }
        // After-step hooks always run once the step was attempted.
        var afterFailed = await RunScenarioHooksAsync(HookType.AfterStep, state.ResultTags, container, state, step.Id, CancellationToken.None, stopAtFirst: false).ConfigureAwait(false);
        if (afterFailed && stepResult.Status == StepStatus.Passed) stepResult.Status = StepStatus.Failed;
        stepResult.Duration = clock.Elapsed;
    }

    private object?[] BuildArguments(StepMatch match, ParsedFeature feature, Messages.PickleStep step, StepResult stepResult, DataTable? table,
        DocString? docString, ScenarioContainer container, CancellationToken cancellationToken)
    {
        var method = match.Binding.Method;
        var parameters = method.GetParameters();
        var valueParameters = parameters.Where(p => p.ParameterType != typeof(CancellationToken)).ToList();
        var multiline = table is not null || docString is not null ? 1 : 0;
        if (valueParameters.Count != match.Captures.Count + multiline)
        {
            var provided = $"{match.Captures.Count} captured argument(s)" + (table is not null ? " and a data table" : docString is not null ? " and a doc string" : "");
            throw new StepArgumentConversionException(
                $"Binding {match.Binding} takes {valueParameters.Count} argument(s) but the step provides {provided}.", null);
        }
        var args = new object?[parameters.Length];
        var valueIndex = 0;
        for (var i = 0; i < parameters.Length; i++)
        {
            var parameter = parameters[i];
            if (parameter.ParameterType == typeof(CancellationToken))
            {
                args[i] = cancellationToken;
                continue;
            }
            var index = valueIndex++;
            if (index < match.Captures.Count)
            {
                var text = match.Captures[index];
                var parameterType = match.Binding.ParameterTypes?[index];
                args[i] = ConvertCapture(text, parameterType, parameter, index, match, container);
            }
            else
            {
                args[i] = ConvertMultiline(table, docString, parameter, match, container);
            }
        }
        return args;
    }

    private object? ConvertCapture(string text, ParameterType? parameterType, ParameterInfo parameter, int index, StepMatch match, ScenarioContainer container)
    {
        try
        {
            if (parameterType?.Transformation is { } transformation)
            {
                var value = InvokeTransformation(transformation, parameterType.Regex, text, container);
                return value is null || parameter.ParameterType.IsInstanceOfType(value)
                    ? value : ArgumentConverter.ConvertStandard(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "", parameter.ParameterType, CultureInfo.InvariantCulture);
            }
            if (parameterType?.Quoted == true) text = ParameterType.Unquote(text);
            if (parameter.ParameterType == typeof(string)) return text;
            var candidate = Bindings.Transformations
                .Where(t => !t.TakesTable && parameter.ParameterType.IsAssignableFrom(t.ReturnType) && (t.Regex is null || t.Regex.IsMatch(text)))
                .OrderBy(t => t.Order).FirstOrDefault();
            if (candidate is not null) return InvokeTransformation(candidate.Method, candidate.Regex?.ToString(), text, container);
            return ArgumentConverter.ConvertStandard(text, parameter.ParameterType, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is not StepArgumentConversionException and not ScenarioSkippedException)
        {
            var inner = e is TargetInvocationException { InnerException: { } x } ? x : e;
            throw new StepArgumentConversionException(
                $"Cannot convert argument {index + 1} \"{text}\" to {BindingRegistry.FriendlyName(parameter.ParameterType)} for parameter '{parameter.Name}' of {match.Binding}: {inner.Message}", inner);
        }
    }

    private object? ConvertMultiline(DataTable? table, DocString? docString, ParameterInfo parameter, StepMatch match, ScenarioContainer container)
    {
        var type = parameter.ParameterType;
        if (table is not null)
        {
            if (type == typeof(DataTable)) return table;
            var transformation = Bindings.Transformations.Where(t => t.TakesTable && type.IsAssignableFrom(t.ReturnType)).OrderBy(t => t.Order).FirstOrDefault()
                ?? throw new StepArgumentConversionException(
                    $"The step has a data table but the last parameter '{parameter.Name}' of {match.Binding} is {BindingRegistry.FriendlyName(type)}; use DataTable or add a [StepArgumentTransformation] from DataTable to {BindingRegistry.FriendlyName(type)}.", null);
            var target = transformation.Method.IsStatic ? null : container.Resolve(transformation.Method.DeclaringType!);
            return Invoker.InvokeAsync(transformation.Method, target, [table]).AsTask().GetAwaiter().GetResult();
        }
        if (type == typeof(DocString)) return docString;
        if (type == typeof(string)) return docString!.Content;
        try
        {
            return ArgumentConverter.ConvertStandard(docString!.Content, type, CultureInfo.InvariantCulture);
        }
        catch (Exception e)
        {
            throw new StepArgumentConversionException(
                $"Cannot convert the doc string to {BindingRegistry.FriendlyName(type)} for parameter '{parameter.Name}' of {match.Binding}: {e.Message}", e);
        }
    }

    private static object? InvokeTransformation(MethodInfo method, string? regex, string text, ScenarioContainer container)
    {
        var parameters = method.GetParameters();
        object?[] args;
        var groups = regex is null ? null : System.Text.RegularExpressions.Regex.Match(text, $"^(?:{regex})$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
        if (groups is { Success: true } && groups.Groups.Count - 1 == parameters.Length && parameters.Length > 0)
            args = parameters.Select((p, i) => ArgumentConverter.ConvertStandard(groups.Groups[i + 1].Value, p.ParameterType, CultureInfo.InvariantCulture)).ToArray();
        else if (parameters.Length == 1)
            args = [ArgumentConverter.ConvertStandard(text, parameters[0].ParameterType, CultureInfo.InvariantCulture)];
        else
            throw new BindingException($"transformation {BindingRegistry.Describe(method)} takes {parameters.Length} parameters but its regex captures {(groups?.Groups.Count ?? 1) - 1} group(s)");
        var target = method.IsStatic ? null : container.Resolve(method.DeclaringType!);
        return Invoker.InvokeAsync(method, target, args).AsTask().GetAwaiter().GetResult();
    }

    // ---------------------------------------------------------------- hooks

    /// <summary>Runs scenario or step hooks; returns true if one failed. Before-hooks stop at the first failure.</summary>
    private async Task<bool> RunScenarioHooksAsync(HookType type, IReadOnlyList<string> tags, ScenarioContainer container, ScenarioState state,
        string? stepId, CancellationToken cancellationToken, bool stopAtFirst = true)
    {
        var failed = false;
        var context = container.Resolve<ScenarioContext>();
        foreach (var hook in Bindings.HooksOf(type))
        {
            if (!hook.Applies(tags)) continue;
            var hookResult = new HookResult { HookId = hook.Id, Type = type, Binding = hook.ToString(), StartedAt = Options.Time.GetUtcNow(), StepId = stepId };
            var clock = Stopwatch.StartNew();
            try
            {
                var target = hook.Method.IsStatic ? null : container.Resolve(hook.Method.DeclaringType!);
                await Invoker.InvokeAsync(hook.Method, target, Invoker.ResolveParameters(hook.Method, container, cancellationToken)).ConfigureAwait(false);
                hookResult.Status = StepStatus.Passed;
            }
            catch (ScenarioSkippedException skip) when (type is HookType.BeforeScenario or HookType.BeforeStep)
            {
                hookResult.Status = StepStatus.Skipped;
                state.Skip(skip.Reason);
                failed = true;
            }
            catch (Exception e)
            {
                hookResult.Status = StepStatus.Failed;
                hookResult.Error = $"{e.GetType().Name}: {e.Message}";
                var where = $"{context.ScenarioInfo.Uri}:{context.ScenarioInfo.Line}" + (context.CurrentStep is { } s ? $" (step at line {s.Line}: {s.Keyword} {s.Text})" : "");
                state.Fail(ScenarioStatus.Failed, $"Hook {hook} failed in scenario at {where}:{Environment.NewLine}{Invoker.Describe(e)}", e);
                failed = true;
            }
            hookResult.Duration = clock.Elapsed;
            lock (context) state.Hooks.Add(hookResult);
            if (failed && stopAtFirst) break;
        }
        return failed;
    }

    /// <summary>Runs test-run or feature hooks; returns the error message of the first failure, or null.</summary>
    private async Task<string?> RunStaticHooksAsync(HookType type, FeatureSession? session, CancellationToken cancellationToken,
        Action<HookResult> record, bool stopAtFirst)
    {
        string? error = null;
        foreach (var hook in Bindings.HooksOf(type))
        {
            if (session is not null && !hook.Applies(session.Feature.FeatureTags)) continue;
            var hookResult = new HookResult { HookId = hook.Id, Type = type, Binding = hook.ToString(), StartedAt = Options.Time.GetUtcNow(), FeatureUri = session?.Feature.Uri };
            var clock = Stopwatch.StartNew();
            var container = new ScenarioContainer();
            container.RegisterInstance(TestRun);
            if (session is not null) container.RegisterInstance(session.Context);
            try
            {
                await Invoker.InvokeAsync(hook.Method, null, Invoker.ResolveParameters(hook.Method, container, cancellationToken)).ConfigureAwait(false);
                await container.DisposeAsync().ConfigureAwait(false);
                hookResult.Status = StepStatus.Passed;
            }
            catch (Exception e)
            {
                hookResult.Status = StepStatus.Failed;
                hookResult.Error = $"{e.GetType().Name}: {e.Message}";
                var scope = session is null ? "the test run" : $"feature {session.Feature.Uri}";
                error ??= $"Hook {hook} failed for {scope}:{Environment.NewLine}{Invoker.Describe(e)}";
            }
            hookResult.Duration = clock.Elapsed;
            record(hookResult);
            if (error is not null && stopAtFirst) break;
        }
        return error;
    }

    // ---------------------------------------------------------------- results

    private void ApplyKnownDefect(ScenarioResult result, Exception? firstError)
    {
        if (result.KnownDefect is not { } id || Options.StrictKnownDefects) return;
        if (result.Status.IsFailure() && !ReachedTheDefect(result, firstError))
        {
            // A failure before the scenario's own checks ran says nothing about the defect: it stays a failure.
            result.Reason = $"Not an expected failure: known defect {id} was not reached (the scenario failed in a hook, on an " +
                "undefined, ambiguous or pending step, on a step argument, or because the harness could not run it).";
        }
        else if (result.Status.IsFailure())
        {
            var firstLine = result.Error?.Split('\n', 2)[0].TrimEnd() ?? "";
            result.Reason = $"Expected failure: known defect {id}. {firstLine}";
            result.Status = ScenarioStatus.ExpectedFailure;
        }
        else if (result.Status == ScenarioStatus.Passed)
        {
            result.Reason = $"Appears fixed: known defect {id} did not reproduce (the scenario passed). Check and remove the @known-defect:{id} tag.";
            result.Status = ScenarioStatus.AppearsFixed;
        }
    }

    /// <summary>
    /// A known defect is reproduced only by a step that ran and failed on its own terms: not by a hook, an undefined,
    /// ambiguous or pending step, a bad step argument, or a <see cref="HarnessUnavailableException"/> anywhere in the cause.
    /// </summary>
    private static bool ReachedTheDefect(ScenarioResult result, Exception? firstError)
    {
        if (result.Status != ScenarioStatus.Failed) return false;
        if (!result.Steps.Any(s => s.Status == StepStatus.Failed)) return false;
        for (var e = firstError; e is not null; e = e.InnerException)
        {
            if (e is HarnessUnavailableException or StepArgumentConversionException) return false;
            if (e is AggregateException { InnerExceptions: var inner } && inner.Any(i => i is HarnessUnavailableException)) return false;
        }
        return true;
    }

    private static ScenarioResult NewResult(ParsedFeature feature, Messages.Pickle pickle)
    {
        var tags = pickle.Tags.Select(t => t.Name).ToList();
        var row = feature.ExampleRow(pickle);
        return new ScenarioResult
        {
            Id = pickle.Id,
            FeatureUri = feature.Uri,
            FeatureName = feature.Name,
            Rule = feature.RuleOf(pickle)?.Name,
            Name = pickle.Name,
            DisplayName = feature.DisplayName(pickle),
            Line = feature.LineOf(pickle),
            Tags = tags,
            Example = row is { } r && r.Examples.TableHeader is { } header
                ? header.Cells.Zip(r.Row.Cells).ToDictionary(x => x.First.Value, x => x.Second.Value) : null,
            KnownDefect = tags.FirstOrDefault(t => t.StartsWith("@known-defect:", StringComparison.Ordinal))?["@known-defect:".Length..],
            Status = ScenarioStatus.Passed,
        };
    }

    private static StepResult NewStepResult(ParsedFeature feature, Messages.PickleStep step) => new()
    {
        Id = step.Id,
        Keyword = feature.SourceStep(step)?.Keyword.Trim() ?? KindOf(step.Type).ToString(),
        Text = step.Text,
        Line = feature.LineOf(step),
    };

    internal static StepKind KindOf(Messages.PickleStepType type) => type switch
    {
        Messages.PickleStepType.CONTEXT => StepKind.Given,
        Messages.PickleStepType.ACTION => StepKind.When,
        Messages.PickleStepType.OUTCOME => StepKind.Then,
        _ => StepKind.Any,
    };

    private static string Indent(string text) =>
        string.Join(Environment.NewLine, text.Split('\n').Select(l => "    " + l.TrimEnd('\r')));
}
