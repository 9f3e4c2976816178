using Conformance.Runner.Tags;

namespace Conformance.Runner;

/// <summary>How a run is configured. <see cref="FromEnvironment"/> reads the documented environment variables.</summary>
public sealed record RunnerOptions
{
    /// <summary>Scenarios whose tags do not satisfy this are not run (env <c>CONFORMANCE_TAGS</c>).</summary>
    public TagExpression TagFilter { get; init; } = TagExpression.True;
    /// <summary>When true, <c>@known-defect</c> scenarios fail and pass like any other (env <c>CONFORMANCE_STRICT_KNOWN_DEFECTS=1</c>).</summary>
    public bool StrictKnownDefects { get; init; }
    /// <summary>Where results are written at the end of the run; null writes nothing.</summary>
    public string? ArtifactsDirectory { get; init; }
    public string RunId { get; init; } = NewRunId(TimeProvider.System);
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>
    /// Options from the environment: <c>CONFORMANCE_TAGS</c>, <c>CONFORMANCE_STRICT_KNOWN_DEFECTS</c>, <c>CONFORMANCE_RUN_ID</c>
    /// and <c>CONFORMANCE_ARTIFACTS</c> (see <see cref="ArtifactsLocation"/>).
    /// </summary>
    public static RunnerOptions FromEnvironment(params string[] startDirectories)
    {
        var runId = Environment.GetEnvironmentVariable("CONFORMANCE_RUN_ID") is { Length: > 0 } id ? id : NewRunId(TimeProvider.System);
        return new RunnerOptions
        {
            TagFilter = TagExpression.Parse(Environment.GetEnvironmentVariable("CONFORMANCE_TAGS")),
            StrictKnownDefects = Environment.GetEnvironmentVariable("CONFORMANCE_STRICT_KNOWN_DEFECTS") is "1" or "true",
            RunId = runId,
            ArtifactsDirectory = ArtifactsLocation.Resolve(runId, [Directory.GetCurrentDirectory(), .. startDirectories]),
        };
    }

    /// <summary>A sortable, unique run id: <c>yyyyMMdd-HHmmss-xxxx</c> (UTC).</summary>
    public static string NewRunId(TimeProvider time) =>
        $"{time.GetUtcNow():yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(BitConverter.GetBytes(Random.Shared.Next()))[..4]}";
}

/// <summary>
/// Where a run's artifacts go: <c>CONFORMANCE_ARTIFACTS</c> when set, else <c>artifacts/&lt;run-id&gt;/</c>. Relative paths
/// are taken from the repository root: the first folder holding <c>Conformance.sln</c> (or <c>.git</c>) above the current
/// directory or, failing that, above the test assembly (test hosts may start in bin/); with no root found, the current
/// directory. Set <c>CONFORMANCE_RUN_ID</c> to choose the run id.
/// </summary>
public static class ArtifactsLocation
{
    public static string Resolve(string runId, IEnumerable<string> startDirectories)
    {
        var starts = startDirectories.ToList();
        var root = starts.Select(RepositoryRoot).FirstOrDefault(r => r is not null) ?? starts[0];
        if (Environment.GetEnvironmentVariable("CONFORMANCE_ARTIFACTS") is { Length: > 0 } explicitPath)
            return Path.GetFullPath(explicitPath, root);
        return Path.Combine(root, "artifacts", runId);
    }

    public static string? RepositoryRoot(string startDirectory)
    {
        for (var dir = new DirectoryInfo(startDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Conformance.sln")) || Path.Exists(Path.Combine(dir.FullName, ".git")))
                return dir.FullName;
        return null;
    }
}
