using System.Text.Json.Serialization;

namespace Conformance.Runner.Results;

/// <summary>A scenario's outcome. Known-defect outcomes are results-only: xunit sees them pass.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScenarioStatus>))]
public enum ScenarioStatus
{
    [JsonStringEnumMemberName("passed")] Passed,
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("skipped")] Skipped,
    [JsonStringEnumMemberName("undefined")] Undefined,
    [JsonStringEnumMemberName("ambiguous")] Ambiguous,
    [JsonStringEnumMemberName("pending")] Pending,
    /// <summary>A <c>@known-defect:&lt;id&gt;</c> scenario that failed, as documented.</summary>
    [JsonStringEnumMemberName("expected-failure")] ExpectedFailure,
    /// <summary>A <c>@known-defect:&lt;id&gt;</c> scenario that passed: the defect may be fixed.</summary>
    [JsonStringEnumMemberName("appears-fixed")] AppearsFixed,
}

[JsonConverter(typeof(JsonStringEnumConverter<StepStatus>))]
public enum StepStatus
{
    [JsonStringEnumMemberName("passed")] Passed,
    [JsonStringEnumMemberName("failed")] Failed,
    [JsonStringEnumMemberName("skipped")] Skipped,
    [JsonStringEnumMemberName("undefined")] Undefined,
    [JsonStringEnumMemberName("ambiguous")] Ambiguous,
    [JsonStringEnumMemberName("pending")] Pending,
}

public static class StatusExtensions
{
    /// <summary>True for the outcomes that make the xunit test fail.</summary>
    public static bool IsFailure(this ScenarioStatus status) =>
        status is ScenarioStatus.Failed or ScenarioStatus.Undefined or ScenarioStatus.Ambiguous or ScenarioStatus.Pending;
}
