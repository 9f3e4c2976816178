using System.Diagnostics;
using System.Text.Json.Nodes;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Support;

/// <summary>
/// Runs the real steps assembly (the features on the twin) as a child process with the given CONFORMANCE_* settings
/// and returns its runner-results.json. The same mechanism as Sensitivity/ReducedSensitivityTests, shared here.
/// </summary>
public static class StepsRun
{
    public static async Task<JsonNode> RunAsync(IReadOnlyDictionary<string, string> settings, TimeSpan timeout)
    {
        var steps = StepsAssembly();
        var artifacts = Directory.CreateTempSubdirectory("conformance-steps-").FullName;
        try
        {
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = Path.GetDirectoryName(steps)!,
            };
            start.ArgumentList.Add(steps);
            start.Environment["CONFORMANCE_ENV"] = "twin";
            start.Environment["CONFORMANCE_ARTIFACTS"] = artifacts;
            foreach (var (name, value) in settings) start.Environment[name] = value;

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"the steps run ({Describe(settings)}) did not end in {timeout}");
            }

            var resultsFile = Path.Combine(artifacts, "runner-results.json");
            File.Exists(resultsFile).Should().BeTrue(
                $"the steps run ({Describe(settings)}) should write its results (exit {process.ExitCode}):\n{await stdout}\n{await stderr}");
            return JsonNode.Parse(await File.ReadAllTextAsync(resultsFile))!;
        }
        finally
        {
            Directory.Delete(artifacts, recursive: true);
        }
    }

    /// <summary>The scenarios of a results document: display name, status, tags, reason, error.</summary>
    public static IReadOnlyList<ScenarioOutcome> Scenarios(JsonNode results) =>
        results["scenarios"]!.AsArray().OfType<JsonObject>().Select(s => new ScenarioOutcome(
            (string?)s["displayName"] ?? (string?)s["name"] ?? "?",
            (string?)s["status"] ?? "?",
            s["tags"]?.AsArray().Select(t => (string?)t ?? "").ToList() ?? [],
            (string?)s["reason"],
            (string?)s["error"])).ToList();

    // The steps assembly built beside this one (same configuration and framework): tests/… → steps/….
    public static string StepsAssembly()
    {
        var here = AppContext.BaseDirectory;
        var marker = Path.Combine("tests", "Conformance.Tests", "bin");
        var index = here.IndexOf(marker, StringComparison.Ordinal);
        index.Should().BeGreaterThan(0, $"this test runs from {here}, not from tests/Conformance.Tests/bin");
        var path = Path.Combine(here[..index], "steps", "Conformance.Steps", "bin", here[(index + marker.Length + 1)..], "Conformance.Steps.dll");
        File.Exists(path).Should().BeTrue($"the steps assembly should be built at {path} (dotnet build Conformance.sln)");
        return path;
    }

    public static string RepositoryRoot()
    {
        var here = AppContext.BaseDirectory;
        var index = here.IndexOf(Path.Combine("tests", "Conformance.Tests", "bin"), StringComparison.Ordinal);
        index.Should().BeGreaterThan(0, $"this test runs from {here}, not from tests/Conformance.Tests/bin");
        return here[..index];
    }

    private static string Describe(IReadOnlyDictionary<string, string> settings) =>
        string.Join(" ", settings.Select(s => $"{s.Key}={s.Value}"));
}

public sealed record ScenarioOutcome(string Name, string Status, IReadOnlyList<string> Tags, string? Reason, string? Error)
{
    public bool IsKnownDefect => Tags.Any(t => t.StartsWith("@known-defect:", StringComparison.Ordinal) || t.StartsWith("known-defect:", StringComparison.Ordinal));

    public override string ToString() => $"{Status}: {Name}{(Reason is null ? "" : $" ({Reason})")}{(Error is null ? "" : "\n    " + Error.Split('\n')[0])}";
}
