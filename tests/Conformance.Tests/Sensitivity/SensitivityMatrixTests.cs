using System.Text.Json.Nodes;
using Conformance.Cli.Sensitivity;
using Conformance.Environments.Twin.Faults;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Sensitivity;

/// <summary>The sensitivity matrix from synthetic runs: what counts as caught, the bar, and the exact JSON shape.</summary>
public sealed class SensitivityMatrixTests
{
    private static readonly TwinFault EnvFault = TwinFaultCatalogue.Find("operator-drops-env")!;
    private static readonly TwinFault LogFault = TwinFaultCatalogue.Find("operator-logs-secret-value")!;

    private static CatalogueRunResult Run(string? fault, params (string Id, string Status, string[] Tags)[] scenarios) =>
        new(fault, "/tmp/x", 0, TimeSpan.FromSeconds(3),
            scenarios.ToDictionary(s => s.Id, s => new ScenarioOutcome(s.Id, s.Tags, s.Status)), LeakHits: 0, Error: null);

    private static readonly CatalogueRunResult Clean = Run(null,
        ("F: env", "passed", ["@tier1"]),
        ("F: security", "passed", ["@tier1", "@security"]),
        ("F: config", "passed", ["@tier1"]),
        ("Smoke: adds", "passed", ["@smoke"]),
        ("F: postgres", "skipped", ["@tier3"]));

    [Fact]
    public void A_scenario_catches_a_fault_when_it_passed_clean_and_failed_or_errored_under_it()
    {
        var matrix = SensitivityMatrix.Build(Clean,
        [
            (EnvFault, Run(EnvFault.Name, ("F: env", "failed", []), ("F: security", "passed", []), ("F: config", "passed", []), ("F: postgres", "failed", []))),
            (LogFault, Run(LogFault.Name, ("F: env", "passed", []), ("F: security", "undefined", []), ("F: config", "skipped", []))),
        ]);

        matrix.Faults.Select(f => (f.Fault.Name, string.Join(",", f.CaughtBy))).Should().Equal(
            ("operator-drops-env", "F: env"), ("operator-logs-secret-value", "F: security"));
        matrix.Scenarios.Single(s => s.Id == "F: env").Catches.Should().Equal("operator-drops-env");
        matrix.NotRunClean.Select(s => s.Id).Should().Equal("F: postgres");
        matrix.CannotFail.Select(s => s.Id).Should().Equal(["F: config"], "smoke checks are exempt, others are listed");
        matrix.BarMet.Should().BeTrue("every fault is caught and the @security scenario catches one");
    }

    [Fact]
    public void The_bar_fails_on_an_uncaught_fault_a_tagged_scenario_catching_nothing_or_a_broken_run()
    {
        var uncaught = SensitivityMatrix.Build(Clean, [(EnvFault, Run(EnvFault.Name, ("F: env", "passed", [])))]);
        uncaught.Uncaught.Should().ContainSingle();
        uncaught.TaggedCatchingNothing.Select(s => s.Id).Should().Equal("F: security");
        uncaught.BarMet.Should().BeFalse();

        var broken = SensitivityMatrix.Build(Clean, [(EnvFault, Run(EnvFault.Name) with { Error = "timed out" })]);
        broken.Errored.Should().ContainSingle();
        broken.Uncaught.Should().BeEmpty("a run that did not complete is reported as such, not as uncaught");
        broken.BarMet.Should().BeFalse();
    }

    [Fact]
    public void The_clean_run_counts_as_green_only_without_failures()
    {
        SensitivityMatrix.CleanFailures(Clean).Should().BeEmpty();
        SensitivityMatrix.CleanFailures(Run(null, ("F: a", "passed", []), ("F: b", "failed", []))).Select(s => s.Id).Should().Equal("F: b");
    }

    [Fact]
    public void Sensitivity_json_has_exactly_the_shape_the_report_renders()
    {
        var matrix = SensitivityMatrix.Build(Clean, [(EnvFault, Run(EnvFault.Name, ("F: env", "failed", [])))]);

        var json = JsonNode.Parse(SensitivityReport.Json(matrix))!.AsObject();

        json.Select(p => p.Key).Should().Equal("faults", "scenarios");
        var fault = json["faults"]!.AsArray().Single()!.AsObject();
        fault.Select(p => p.Key).Should().Equal("name", "component", "models", "caughtBy");
        ((string?)fault["component"]).Should().Be("operator");
        fault["caughtBy"]!.AsArray().Select(n => (string?)n).Should().Equal("F: env");
        var scenario = json["scenarios"]!.AsArray().First()!.AsObject();
        scenario.Select(p => p.Key).Should().Equal("id", "tags", "catches");
        scenario["tags"]!.AsArray().Select(n => (string?)n).Should().Equal("@tier1");
    }

    [Fact]
    public void Sensitivity_md_flags_the_gaps()
    {
        var matrix = SensitivityMatrix.Build(Clean, [(EnvFault, Run(EnvFault.Name, ("F: env", "passed", [])))]);

        var md = SensitivityReport.Markdown(matrix, Clean, TimeSpan.FromSeconds(75), parallel: 2, tags: "@tier1");

        md.Should().Contain("**Bar not met**").And.Contain("Faults no scenario catches").And.Contain("`operator-drops-env`")
            .And.Contain("catch no fault (fix them)").And.Contain("F: security").And.Contain("1m15s");
    }

    [Fact]
    public void Runner_results_are_read_by_display_name_with_tags_and_status()
    {
        var outcomes = CatalogueRun.ReadScenarios("""
            {"scenarios":[{"id":"features/a.feature#3","displayName":"A: one","tags":["@tier1","@negative"],"status":"failed"}]}
            """);

        outcomes.Should().ContainKey("A: one");
        outcomes["A: one"].Failed.Should().BeTrue();
        outcomes["A: one"].Tags.Should().Equal("@tier1", "@negative");
    }

    [Fact]
    public void A_world_that_did_not_start_is_a_run_error_not_a_catch()
    {
        var outcomes = CatalogueRun.ReadScenarios("""
            {"scenarios":[{"displayName":"A: one","tags":[],"status":"failed",
              "error":"Step failed at a.feature:3: Given a fresh namespace\nSystem.InvalidOperationException: the world could not be started (--env twin): waited 30s for moto_server\n   at X"}]}
            """);

        CatalogueRun.WorldStartFailure(outcomes).Should().Be("the world could not be started (--env twin): waited 30s for moto_server");
        CatalogueRun.WorldStartFailure(CatalogueRun.ReadScenarios("""{"scenarios":[{"displayName":"A","status":"failed","error":"boom"}]}""")).Should().BeNull();
    }
}
