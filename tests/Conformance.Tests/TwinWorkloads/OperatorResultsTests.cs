using Conformance.Twin.Workloads.Operator;
using FluentAssertions;
using k8s.Models;
using Xunit;

namespace Conformance.Tests.TwinWorkloads;

/// <summary>How the operator reads the validator's log and classifies failing pods (reference/operator.md §2.4, §2.5).</summary>
public sealed class OperatorResultsTests
{
    private const string Log = """
        [2026-01-01 00:00:00] Results Summary:
        {
            "status": "succeeded", "exit_code": 0, "notebook_path": "nb.ipynb",
            "cells": [
                {"cell_index": 0, "cell_type": "markdown", "execution_count": null},
                {"cell_index": 1, "cell_type": "code", "execution_count": 1, "status": "succeeded"},
                {"cell_index": 2, "cell_type": "code", "execution_count": 2, "status": "failed", "error": "boom", "traceback": ["ValueError", "boom"]}
            ],
            "statistics": {"total_cells": 3, "code_cells": 2, "failed_cells": 1, "success_rate": 50.0}
        }
        [2026-01-01 00:00:01] No golden notebook found at /workspace/golden/nb.ipynb, skipping comparison
        """;

    [Fact]
    public void Results_map_to_status_results_and_the_message()
    {
        var result = ValidationResults.Parse(Log);
        ValidationResults.ToCellResults(result).Select(r => (r.CellIndex, r.Status)).Should().Equal((0, "Skipped"), (1, "Success"), (2, "Failure"));
        ValidationResults.ToCellResults(result)[2].ErrorMessage.Should().Be("boom");
        ValidationResults.ToCellResults(result)[2].Output.Should().Be("ValueError\nboom");
        ValidationResults.Message(result).Should().Be("Validation completed: 1/2 cells succeeded (50.0% success rate)");
    }

    [Fact]
    public void A_brace_after_the_results_breaks_parsing_as_upstreams_last_brace_rule_does()
    {
        var act = () => ValidationResults.Parse(Log + "Golden Notebook Summary:\n{\"cells\": []}\n");
        act.Should().Throw<FormatException>().WithMessage("failed to parse results JSON*");
        ((Action)(() => ValidationResults.Parse("no summary"))).Should().Throw<FormatException>().WithMessage("results summary not found in logs");
    }

    private static V1Pod PendingWithConfigError(string message) => new()
    {
        Status = new V1PodStatus
        {
            Phase = "Pending",
            InitContainerStatuses = [new V1ContainerStatus { Name = "git-clone", State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 0, Reason = "Completed" } } }],
            ContainerStatuses = [new V1ContainerStatus { Name = "validator", State = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = "CreateContainerConfigError", Message = message } } }],
        },
    };

    [Fact]
    public void A_missing_secret_is_a_retried_CreateContainerConfigError_with_the_operators_advice()
    {
        var a = PodFailureAnalyzer.Analyze(PendingWithConfigError("secret \"db\" not found"));
        (a.Reason, a.ErrorMessage, a.ShouldRetry, a.IsTransient).Should().Be(("CreateContainerConfigError", "secret \"db\" not found", true, false));
        a.SuggestedAction.Should().Be("Container configuration error. Check volume mounts, environment variables, and security context.");
        PodFailureAnalyzer.RecoveryAction(a, 1).Should().Be("manual_intervention_required");
        PodFailureAnalyzer.RecoveryAction(a, 3).Should().Be("max_retries_exceeded");
    }

    [Fact]
    public void A_failing_notebook_is_Unknown_and_a_git_128_is_not_retried()
    {
        var notebook = new V1Pod { Status = new V1PodStatus { Phase = "Failed", ContainerStatuses = [new V1ContainerStatus { Name = "validator", State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 1, Reason = "Error" } } }] } };
        var a = PodFailureAnalyzer.Analyze(notebook);
        (a.Reason, a.ShouldRetry, a.SuggestedAction).Should().Be(("Unknown", true, "Container failed with exit code 1. Check logs for details."));

        var git = new V1Pod { Status = new V1PodStatus { Phase = "Failed", InitContainerStatuses = [new V1ContainerStatus { Name = "git-clone", State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 128, Reason = "Error" } } }] } };
        var g = PodFailureAnalyzer.Analyze(git);
        (g.Reason, g.ShouldRetry).Should().Be(("PermissionDenied", false));
        PodFailureAnalyzer.RecoveryAction(g, 1).Should().Be("do_not_retry");

        var missing = new V1Pod { Status = new V1PodStatus { Phase = "Failed", InitContainerStatuses = [new V1ContainerStatus { Name = "git-clone", State = new V1ContainerState { Terminated = new V1ContainerStateTerminated { ExitCode = 1, Reason = "Error" } } }] } };
        PodFailureAnalyzer.Analyze(missing).Reason.Should().Be("InitContainerError");
    }

    [Fact]
    public void Log_errors_are_the_first_five_matching_lines()
    {
        var log = string.Join("\n", Enumerable.Range(1, 8).Select(i => $"line {i} Error: e{i}")) + "\nTraceback (most recent call last):";
        ValidationResults.ExtractErrors(log).Split('\n').Should().HaveCount(5).And.StartWith("line 1 Error: e1");
        ValidationResults.ExtractErrors("all good").Should().Be("Validation failed (see pod logs for details)");
    }

    [Theory]
    [InlineData("30m", 1800)]
    [InlineData("1h30m", 5400)]
    [InlineData("1.5s", 1.5)]
    [InlineData("250ms", 0.25)]
    public void Timeouts_parse_as_Go_durations(string text, double seconds) =>
        GoDuration.Parse(text).Should().Be(TimeSpan.FromSeconds(seconds));
}
