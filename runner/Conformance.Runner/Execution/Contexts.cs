using System.Collections.Concurrent;
using Conformance.Runner.Results;

namespace Conformance.Runner;

/// <summary>A thread-safe property bag (Reqnroll's ScenarioContext/FeatureContext dictionary behaviour).</summary>
public abstract class ContextBag
{
    private readonly ConcurrentDictionary<string, object?> _items = new(StringComparer.Ordinal);

    public object? this[string key]
    {
        get => _items.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"Nothing was stored under \"{key}\" in this {GetType().Name}.");
        set => _items[key] = value;
    }

    public void Set<T>(T value) => _items[typeof(T).FullName!] = value;
    public void Set<T>(T value, string key) => _items[key] = value;
    public T Get<T>() => Get<T>(typeof(T).FullName!);
    public T Get<T>(string key) => (T)this[key]!;
    public bool TryGetValue<T>(string key, out T value)
    {
        if (_items.TryGetValue(key, out var v) && v is T t) { value = t; return true; }
        value = default!;
        return false;
    }
    public bool ContainsKey(string key) => _items.ContainsKey(key);
}

/// <summary>What a scenario is: title, tags (inherited from feature, rule and examples), location, example values.</summary>
public sealed record ScenarioInfo(string Title, IReadOnlyList<string> Tags, string FeatureTitle, string Uri, int Line,
    IReadOnlyDictionary<string, string> Arguments, string? Rule);

/// <summary>What a feature is.</summary>
public sealed record FeatureInfo(string Title, IReadOnlyList<string> Tags, string Uri, string Description);

/// <summary>The step being executed.</summary>
public sealed record StepInfo(string Keyword, string Text, int Line, StepKind Kind, DataTable? Table, DocString? DocString);

/// <summary>Per-scenario state, injectable into bindings. Lives exactly as long as the scenario.</summary>
public sealed class ScenarioContext : ContextBag
{
    private readonly ScenarioResult _result;
    private readonly TimeProvider _time;

    internal ScenarioContext(ScenarioInfo info, ScenarioResult result, TimeProvider time, CancellationToken cancellationToken)
    {
        ScenarioInfo = info;
        _result = result;
        _time = time;
        CancellationToken = cancellationToken;
    }

    public ScenarioInfo ScenarioInfo { get; }
    public string Title => ScenarioInfo.Title;
    public IReadOnlyList<string> Tags => ScenarioInfo.Tags;
    /// <summary>The step running now (null in before/after scenario hooks).</summary>
    public StepInfo? CurrentStep { get; internal set; }
    internal string? CurrentStepId { get; set; }
    /// <summary>The first error of the scenario so far (Reqnroll: TestError).</summary>
    public Exception? TestError { get; internal set; }
    public ScenarioStatus Status => _result.Status;
    public CancellationToken CancellationToken { get; }

    /// <summary>Attaches evidence to the scenario (and the current step); it lands in every results format.</summary>
    public void Attach(string name, string mediaType, byte[] content)
    {
        lock (_result.Attachments)
            _result.Attachments.Add(new AttachmentResult
            {
                Name = name, MediaType = mediaType, Content = content, StepId = CurrentStepId, Timestamp = _time.GetUtcNow(),
            });
    }

    public void Attach(string name, string mediaType, string content) => Attach(name, mediaType, System.Text.Encoding.UTF8.GetBytes(content));

    /// <summary>Stops the scenario here and reports it skipped with <paramref name="reason"/> (e.g. the world lacks a capability).</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    public void Skip(string reason) => throw new ScenarioSkippedException(reason);
}

/// <summary>Per-feature state shared by the scenarios of one feature.</summary>
public sealed class FeatureContext(FeatureInfo info) : ContextBag
{
    public FeatureInfo FeatureInfo { get; } = info;
}

/// <summary>Thrown by <see cref="ScenarioContext.Skip"/>; the runner reports the scenario skipped.</summary>
public sealed class ScenarioSkippedException(string reason) : Exception(reason)
{
    public string Reason { get; } = reason;
}

/// <summary>
/// Thrown by a binding when the harness itself cannot run the scenario (its world did not start, a tool is missing):
/// the scenario fails, and a <c>@known-defect</c> scenario failing this way is not counted as the defect reproduced.
/// </summary>
public sealed class HarnessUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Thrown by a step that is written but not implemented yet (the undefined-step snippet uses it).</summary>
public sealed class PendingStepException(string message = "This step is pending: implement it.") : Exception(message);
