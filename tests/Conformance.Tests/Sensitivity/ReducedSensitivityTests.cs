using System.Diagnostics;
using System.Text.Json.Nodes;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Sensitivity;

/// <summary>
/// A reduced sensitivity pass (issue 8): a few twin faults, each against the scenario meant to catch it. The real
/// steps assembly runs the Tier 1 feature as a child process on the twin; a scenario that passes with its fault
/// switched on cannot fail, and this test then fails. A clean run of the same feature, shared by the cases, must pass.
/// </summary>
public sealed class ReducedSensitivityTests
{
    private static readonly Lazy<Task<JsonNode>> CleanRun = new(() => RunTier1Async(fault: null));

    public static TheoryData<string, string> FaultsAndTheirScenarios => new()
    {
        { "operator-drops-env", "A Secret key reaches the notebook through env secretKeyRef" },
        { "operator-drops-envfrom", "Every key of a Secret reaches the notebook through envFrom" },
        { "operator-ignores-credentials", "The credentials shorthand delivers a Secret like envFrom" },
    };

    [Theory]
    [MemberData(nameof(FaultsAndTheirScenarios))]
    public async Task The_targeted_scenario_passes_clean_and_fails_under_the_fault(string fault, string scenario)
    {
        StatusOf(await CleanRun.Value, scenario).Should().Be("passed", "the scenario must pass against the faithful twin");
        StatusOf(await RunTier1Async(fault), scenario).Should().Be("failed", $"the fault {fault} must be caught by '{scenario}'");
    }

    private static string StatusOf(JsonNode results, string scenario) =>
        (string)results["scenarios"]!.AsArray().Single(s => (string?)s!["name"] == scenario)!["status"]!;

    private static async Task<JsonNode> RunTier1Async(string? fault)
    {
        var steps = StepsAssembly();
        var artifacts = Directory.CreateTempSubdirectory("conformance-sensitivity-").FullName;
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
            start.Environment["CONFORMANCE_OPERATOR_PROFILE"] = "upstream";
            start.Environment["CONFORMANCE_TWIN_FAULTS"] = fault ?? "";
            start.Environment["CONFORMANCE_STRICT_KNOWN_DEFECTS"] = "1";
            start.Environment["CONFORMANCE_ARTIFACTS"] = artifacts;
            start.Environment["CONFORMANCE_TAGS"] = "@tier1";

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            deadline.CancelAfter(TimeSpan.FromMinutes(4));
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"the Tier 1 run (fault {fault ?? "none"}) did not end in 4 minutes");
            }

            var resultsFile = Path.Combine(artifacts, "runner-results.json");
            File.Exists(resultsFile).Should().BeTrue(
                $"the steps run should write its results (exit {process.ExitCode}):\n{await stdout}\n{await stderr}");
            return JsonNode.Parse(await File.ReadAllTextAsync(resultsFile))!;
        }
        finally
        {
            Directory.Delete(artifacts, recursive: true);
        }
    }

    // The steps assembly built beside this one (same configuration and framework): tests/… → steps/….
    private static string StepsAssembly()
    {
        var here = AppContext.BaseDirectory;
        var marker = Path.Combine("tests", "Conformance.Tests", "bin");
        var index = here.IndexOf(marker, StringComparison.Ordinal);
        index.Should().BeGreaterThan(0, $"this test runs from {here}, not from tests/Conformance.Tests/bin");
        var path = Path.Combine(here[..index], "steps", "Conformance.Steps", "bin", here[(index + marker.Length + 1)..], "Conformance.Steps.dll");
        File.Exists(path).Should().BeTrue($"the steps assembly should be built at {path} (dotnet build Conformance.sln)");
        return path;
    }
}
