using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using Conformance.Runner.Gherkin;

namespace Conformance.Runner.Results;

/// <summary>Everything one test run did: the source of the JSON, JUnit and ndjson outputs and of later reports.</summary>
public sealed class RunResults
{
    private readonly ConcurrentDictionary<string, ScenarioResult> _scenarios = new();
    private readonly ConcurrentDictionary<string, ParsedFeature> _features = new();
    private readonly ConcurrentQueue<HookResult> _runHooks = new();

    public RunResults(string runId, DateTimeOffset startedAt)
    {
        RunId = runId;
        StartedAt = startedAt;
    }

    public int SchemaVersion => 1;
    public string RunId { get; }
    public DateTimeOffset StartedAt { get; }
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Scenarios in feature file order, then line.</summary>
    public IReadOnlyList<ScenarioResult> Scenarios =>
        _scenarios.Values.OrderBy(s => s.FeatureUri, StringComparer.Ordinal).ThenBy(s => s.Line).ThenBy(s => s.Id, StringComparer.Ordinal).ToList();

    /// <summary>Feature files that did not parse.</summary>
    public IReadOnlyList<FeatureParseError> ParseErrors =>
        _features.Values.SelectMany(f => f.ParseErrors).OrderBy(e => e.Uri, StringComparer.Ordinal).ThenBy(e => e.Line).ToList();

    /// <summary>BeforeTestRun/AfterTestRun hooks that ran.</summary>
    public IReadOnlyList<HookResult> TestRunHooks => _runHooks.ToList();

    [JsonIgnore] public IReadOnlyCollection<ParsedFeature> Features => _features.Values.OrderBy(f => f.Uri, StringComparer.Ordinal).ToList();

    public ScenarioSummary Summary => ScenarioSummary.Of(_scenarios.Values);

    public void AddFeature(ParsedFeature feature) => _features.TryAdd(feature.Uri, feature);

    /// <summary>Records (or replaces) a scenario's result, keyed by pickle id.</summary>
    public void Record(ScenarioResult result) => _scenarios[result.Id] = result;

    public bool Contains(string pickleId) => _scenarios.ContainsKey(pickleId);

    internal void RecordRunHook(HookResult hook) => _runHooks.Enqueue(hook);
}

/// <summary>Counts per status.</summary>
public sealed record ScenarioSummary(int Total, int Passed, int Failed, int Skipped, int ExpectedFailures, int AppearsFixed)
{
    public static ScenarioSummary Of(IEnumerable<ScenarioResult> scenarios)
    {
        var list = scenarios.ToList();
        return new ScenarioSummary(list.Count,
            list.Count(s => s.Status == ScenarioStatus.Passed),
            list.Count(s => s.Status.IsFailure()),
            list.Count(s => s.Status == ScenarioStatus.Skipped),
            list.Count(s => s.Status == ScenarioStatus.ExpectedFailure),
            list.Count(s => s.Status == ScenarioStatus.AppearsFixed));
    }
}

/// <summary>One scenario (or example row) as it ran.</summary>
public sealed class ScenarioResult
{
    public required string Id { get; init; }
    public required string FeatureUri { get; init; }
    public required string FeatureName { get; init; }
    public string? Rule { get; init; }
    public required string Name { get; init; }
    public required string DisplayName { get; init; }
    public required int Line { get; init; }
    public required IReadOnlyList<string> Tags { get; init; }
    /// <summary>The example row's values for an outline row.</summary>
    public IReadOnlyDictionary<string, string>? Example { get; init; }
    public ScenarioStatus Status { get; set; }
    /// <summary>Why a scenario was skipped, or the known-defect note.</summary>
    public string? Reason { get; set; }
    /// <summary>The first failure's full message (location, step, cause); later failures are appended.</summary>
    public string? Error { get; set; }
    public string? ErrorType { get; set; }
    /// <summary>The id from <c>@known-defect:&lt;id&gt;</c>, if tagged.</summary>
    public string? KnownDefect { get; init; }
    public DateTimeOffset StartedAt { get; set; }
    [JsonIgnore] public TimeSpan Duration { get; set; }
    public double DurationMs => Duration.TotalMilliseconds;
    public List<StepResult> Steps { get; } = [];
    public List<HookResult> Hooks { get; } = [];
    public List<AttachmentResult> Attachments { get; } = [];
    public List<string> Output { get; } = [];
}

/// <summary>One step of a scenario.</summary>
public sealed class StepResult
{
    public required string Id { get; init; }
    public required string Keyword { get; init; }
    public required string Text { get; init; }
    public required int Line { get; init; }
    public StepStatus Status { get; set; } = StepStatus.Skipped;
    /// <summary>The binding that ran (<c>[Given("...")] Class.Method(Int32)</c>).</summary>
    public string? Binding { get; set; }
    [JsonIgnore] public string? BindingId { get; set; }
    [JsonIgnore] public IReadOnlyList<string> CandidateBindingIds { get; set; } = [];
    public string? Error { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    [JsonIgnore] public TimeSpan Duration { get; set; }
    public double DurationMs => Duration.TotalMilliseconds;
}

/// <summary>One hook execution.</summary>
public sealed class HookResult
{
    public required string HookId { get; init; }
    public required Conformance.Runner.HookType Type { get; init; }
    public required string Binding { get; init; }
    public StepStatus Status { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    [JsonIgnore] public TimeSpan Duration { get; set; }
    public double DurationMs => Duration.TotalMilliseconds;
    /// <summary>The step during which a step hook ran.</summary>
    public string? StepId { get; init; }
}

/// <summary>Something a step attached (evidence, a rendered file...). Text is kept as text, bytes as base64.</summary>
public sealed class AttachmentResult
{
    public required string Name { get; init; }
    public required string MediaType { get; init; }
    [JsonIgnore] public byte[] Content { get; init; } = [];
    public bool IsText => MediaType.StartsWith("text/", StringComparison.Ordinal) || MediaType is "application/json" or "application/x-yaml" or "application/yaml" or "application/xml";
    public string? Text => IsText ? System.Text.Encoding.UTF8.GetString(Content) : null;
    public string? Base64 => IsText ? null : Convert.ToBase64String(Content);
    public string? StepId { get; init; }
    public DateTimeOffset Timestamp { get; init; }
}
