using System.Text.Json.Nodes;
using Conformance.Fixtures.Reporting;
using Conformance.Runner.Results;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Reporting;

public sealed class ReportTests
{
    [Fact]
    public void A_failed_tier_scenario_makes_its_tier_and_the_run_not_qualified_and_a_twin_run_is_a_self_test()
    {
        var report = ReportBuilder.FromResults(SampleRun.Results(), SampleRun.Twin);

        report.Overall.Should().Be(Verdict.NotQualified);
        report.Headline.Should().Be("NOT QUALIFIED (SELF-TEST, not release evidence)");
        report.Tiers.Single(t => t.Tier == "tier1").Reasons.Should().Contain("1 scenario(s) failed");
        report.Tiers.Single(t => t.Tier == "tier2").Verdict.Should().Be(Verdict.Qualified);
        report.Tiers.Single(t => t.Tier == "tier3").Reasons.Should().ContainSingle(r => r.Contains("skipped"));
        report.Counts.Should().Be(new ReportCounts(5, 2, 1, 1, 1, 0));
    }

    [Fact]
    public void Every_tier_passing_on_a_live_world_is_qualified()
    {
        var run = new RunResults("ok", SampleRun.T0);
        foreach (var (tier, i) in new[] { "@tier1", "@tier2", "@tier3" }.Select((t, i) => (t, i)))
            run.Record(SampleRun.Scenario("ok" + i, $"features/{tier[1..]}.feature", tier, "works", 5, [tier], ScenarioStatus.Passed, 100));
        var report = ReportBuilder.FromResults(run, SampleRun.K3s);

        report.Overall.Should().Be(Verdict.Qualified);
        report.Headline.Should().Be("QUALIFIED");
        report.OverallReasons.Should().BeEmpty();
    }

    [Theory]
    [InlineData(new[] { "@tier1" }, "A Secret reaches the notebook", "injection")]
    [InlineData(new[] { "@tier1", "@negative" }, "A missing key fails", "negative")]
    [InlineData(new[] { "@tier1", "@security" }, "No value in events", "security")]
    [InlineData(new[] { "@tier2", "@lifecycle" }, "A rotated value is refreshed", "refresh")]
    [InlineData(new[] { "@tier3", "@lifecycle" }, "The lease is renewed before expiry", "renewal")]
    [InlineData(new[] { "@tier3", "@lifecycle" }, "Leases are revoked at pod end", "revocation")]
    [InlineData(new[] { "@tier2", "@lifecycle" }, "Something changes over time", "refresh")]
    public void The_capability_rule_places_scenarios_by_tags_and_words(string[] tags, string name, string capability) =>
        CapabilityRule.CapabilitiesOf(tags, name, []).Should().Contain(capability);

    [Fact]
    public void The_matrix_has_a_verdict_where_scenarios_ran_and_none_elsewhere()
    {
        var report = ReportBuilder.FromResults(SampleRun.Results(), SampleRun.Twin);

        report.Matrix.Single(c => c is { Tier: "tier1", Capability: "negative" }).Verdict.Should().Be(Verdict.NotQualified);
        report.Matrix.Single(c => c is { Tier: "tier1", Capability: "injection" }).Should().Be(new MatrixCell("tier1", "injection", Verdict.Qualified, 2, 2));
        report.Matrix.Single(c => c is { Tier: "tier2", Capability: "refresh" }).Verdict.Should().Be(Verdict.Qualified);
        report.Matrix.Single(c => c is { Tier: "tier3", Capability: "revocation" }).Verdict.Should().BeNull("its only scenario was skipped");
    }

    [Fact]
    public void The_html_report_is_self_contained_and_shows_verdicts_errors_evidence_defects_and_timelines()
    {
        var html = HtmlReportWriter.Render(ReportBuilder.FromResults(SampleRun.Results(), SampleRun.Twin));

        html.Should().Contain("NOT QUALIFIED").And.Contain("SELF-TEST");
        html.Should().NotContain("<script").And.NotContain("http://").And.NotContain("https://").And.NotContain("<link");
        html.Should().Contain("Last observed:</b> phase=Running, pod probe-x Pending");
        html.Should().Contain("href=\"evidence/tier1-L20-a-missing-secret-fails-the-job/\"");
        html.Should().Contain("user-env-drops-builtin-env").And.Contain("expected failure: the defect is still there");
        html.Should().Contain("<svg class=\"timeline\"").And.Contain("refreshInterval").And.Contain("Secret updated +2.4 s");
        html.Should().Contain("needs postgres: CONFORMANCE_POSTGRES_DSN is unset");
    }

    [Fact]
    public void The_markdown_report_carries_the_same_verdicts_and_lists_failures()
    {
        var md = MarkdownReportWriter.Render(ReportBuilder.FromResults(SampleRun.Results(), SampleRun.Twin));

        md.Should().StartWith("# Conformance: ❌ NOT QUALIFIED (SELF-TEST, not release evidence)");
        md.Should().Contain("| Tier 1 | **NOT QUALIFIED** | 1 | 1 | 0 | 1 | 0 | 1 scenario(s) failed |");
        md.Should().Contain("| Tier 2 | **QUALIFIED** |");
        md.Should().Contain("Tier 1: A missing Secret fails the job").And.Contain("`evidence/tier1-L20-a-missing-secret-fails-the-job`");
    }

    [Fact]
    public void Results_json_has_a_schema_version_and_reads_back()
    {
        var dir = Directory.CreateTempSubdirectory("results-").FullName;
        try
        {
            ReportFiles.Write(ReportBuilder.FromResults(SampleRun.Results(), SampleRun.Twin), dir);
            var json = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, ResultsDocument.FileName)))!;
            ((int)json["schemaVersion"]!).Should().Be(1);
            ((bool)json["selfTest"]!).Should().BeTrue();
            var back = ResultsDocument.Load(Path.Combine(dir, ResultsDocument.FileName));
            back.Verdict.Should().Be("NOT QUALIFIED");
            back.Scenarios.Should().HaveCount(5);
            File.Exists(Path.Combine(dir, HtmlReportWriter.FileName)).Should().BeTrue();
            File.Exists(Path.Combine(dir, MarkdownReportWriter.FileName)).Should().BeTrue();
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_sensitivity_file_adds_a_faults_by_scenarios_matrix_that_shows_blind_spots()
    {
        var sensitivity = SensitivityReport.Parse("""
            {"faults":[{"name":"operator-drops-env","component":"operator","models":"env is not passed","caughtBy":["p1"]},
                       {"name":"eso-never-refreshes","component":"eso","models":"refreshInterval ignored","caughtBy":[]}],
             "scenarios":[{"id":"p1","tags":["@tier1"],"catches":["operator-drops-env"]}]}
            """);
        var report = ReportBuilder.FromResults(SampleRun.Results(), SampleRun.Twin, sensitivity);
        var html = HtmlReportWriter.Render(report);

        html.Should().Contain("Sensitivity: faults × scenarios").And.Contain("<tr class=\"blind\"><td><code>eso-never-refreshes</code>");
        sensitivity.Uncaught.Select(f => f.Name).Should().Equal("eso-never-refreshes");
        MarkdownReportWriter.Render(report).Should().Contain("| `eso-never-refreshes` | eso | ❌ **nothing** (blind spot) |");
    }
}
