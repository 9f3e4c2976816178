using System.Text;
using Conformance.Fixtures.Reporting;
using Conformance.Fixtures.Secrets;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Reporting;

/// <summary>Plants a known secret in a run's artifacts and checks the end-of-run scan catches, names and redacts it.</summary>
public sealed class LeakScanTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("leak-").FullName;
    private readonly RunSecrets _secrets = new("leaktest");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("plain")]
    [InlineData("base64")]
    [InlineData("url")]
    public void A_planted_leak_fails_the_run_is_named_by_file_and_line_and_is_redacted(string form)
    {
        var canary = _secrets.Canaries.Next("canary db/password");
        var value = canary.Reveal() + "/+=x"; // characters that base64 and URL encoding change
        var secret = _secrets.Ledger.Register(value, "planted value", SecretKind.Canary);
        var planted = form switch
        {
            "plain" => value,
            "base64" => Convert.ToBase64String(Encoding.UTF8.GetBytes("user:" + value)),
            _ => Uri.EscapeDataString(value),
        };
        Directory.CreateDirectory(Path.Combine(_dir, "evidence", "s1", "logs"));
        var log = Path.Combine(_dir, "evidence", "s1", "logs", "validator.log");
        File.WriteAllText(log, $"line one\nconnecting with {planted} now\nline three\n");

        var report = RunReporting.WriteAndScan(SampleRun.Results(), SampleRun.K3s, _secrets.Ledger, _dir);

        report.Overall.Should().Be(Verdict.NotQualified);
        report.Leaks.Should().ContainSingle().Which.Should().StartWith(Path.Combine("evidence", "s1", "logs", "validator.log") + ":2:")
            .And.Contain("planted value").And.Contain(secret.Fingerprint).And.NotContain(value);
        File.ReadAllText(log).Should().NotContain(planted).And.Contain(Redactor.Marker(secret.Fingerprint));
        File.ReadAllText(Path.Combine(_dir, RunReporting.LeakScanFile)).Should().Contain("LEAK evidence/s1/logs/validator.log:2:");
        File.ReadAllText(Path.Combine(_dir, HtmlReportWriter.FileName)).Should().Contain("Leak scan: 1 hit(s)");
        File.ReadAllText(Path.Combine(_dir, MarkdownReportWriter.FileName)).Should().Contain("the leak scan found 1 secret value(s)");
        new LeakScanner(_secrets.Ledger).ScanDirectory(_dir).Should().BeEmpty("every artifact was redacted");
    }

    [Fact]
    public void A_leak_inside_the_report_itself_is_caught_because_the_scan_runs_after_the_reports()
    {
        var secret = _secrets.Canaries.Next("canary in an error");
        var results = SampleRun.Results(run => run.Record(SampleRun.Scenario("leaky", "features/tier1.feature", "Tier 1", "Leaky", 90, ["@tier1"],
            Conformance.Runner.Results.ScenarioStatus.Failed, 10, error: "expected " + secret.Reveal())));

        var report = RunReporting.WriteAndScan(results, SampleRun.K3s, _secrets.Ledger, _dir);

        report.Leaks.Should().Contain(l => l.StartsWith("report.html:", StringComparison.Ordinal));
        report.Leaks.Should().Contain(l => l.StartsWith("results.json:", StringComparison.Ordinal));
        foreach (var file in Directory.EnumerateFiles(_dir))
            File.ReadAllText(file).Should().NotContain(secret.Reveal(), file);
    }

    [Fact]
    public void A_clean_run_writes_a_clean_scan()
    {
        _secrets.Canaries.Next("unused canary");
        var report = RunReporting.WriteAndScan(SampleRun.Results(), SampleRun.K3s, _secrets.Ledger, _dir);

        report.Leaks.Should().BeEmpty();
        File.ReadAllLines(Path.Combine(_dir, RunReporting.LeakScanFile)).Should().ContainSingle().Which.Should().EndWith("0 hit(s)");
    }
}
