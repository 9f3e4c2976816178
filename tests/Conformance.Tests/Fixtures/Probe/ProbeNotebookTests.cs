using System.Text.Json.Nodes;
using Conformance.Fixtures.Probe;
using Conformance.Fixtures.Secrets;
using Conformance.Tests.Fixtures.Support;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Fixtures.Probe;

public sealed class ProbeNotebookTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("probe-").FullName;
    private readonly SecretLedger _ledger = SecretLedger.NewRun();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Renders_a_valid_nbformat_4_notebook_without_any_secret_value()
    {
        var canary = new CanaryGenerator(_ledger).Next("x");
        var nb = ProbeNotebook.Render(ProbeSpec.For("shape").WithEnv("A").WithFile("/f"), _ledger.Fingerprint);

        var json = JsonNode.Parse(nb)!;
        ((int)json["nbformat"]!).Should().Be(4);
        ((int)json["nbformat_minor"]!).Should().Be(5);
        ((string)json["metadata"]!["kernelspec"]!["name"]!).Should().Be("python3");
        json["cells"]!.AsArray().Should().AllSatisfy(c =>
        {
            ((string)c!["id"]!).Should().NotBeNullOrEmpty();
            c["source"].Should().BeOfType<JsonArray>();
        });
        json["cells"]!.AsArray().Count(c => (string)c!["cell_type"]! == "code").Should().Be(3);
        nb.Should().NotContain(canary.Reveal());
        nb.Should().Contain(_ledger.Fingerprint.KeyHex, "the HMAC key travels in the notebook source");
    }

    [Fact]
    public async Task Executed_for_real_it_reports_fingerprints_that_the_verifier_accepts()
    {
        var canaries = new CanaryGenerator(_ledger);
        var password = canaries.Next("db-password");
        var token = canaries.Next("api-token");
        var fileSecret = canaries.Next("file-secret");
        var exportUser = canaries.Next("export-user");
        var secretFile = Path.Combine(_dir, "secret.txt");
        await File.WriteAllTextAsync(secretFile, fileSecret.Reveal() + "\n", TestContext.Current.CancellationToken);
        var exportFile = Path.Combine(_dir, "db.env");
        await File.WriteAllTextAsync(exportFile, $"# rendered by an agent\nexport DB_USER=\"{exportUser.Reveal()}\"\nexport DB_HOST='h b'\n", TestContext.Current.CancellationToken);
        var spec = ProbeSpec.For("real-run")
            .WithEnv("DB_PASSWORD", "API_TOKEN", "MISSING_VAR", "PLAIN")
            .WithFile(secretFile, Path.Combine(_dir, "nope"))
            .WithExportFile(exportFile);
        var notebook = Path.Combine(_dir, "probe.ipynb");
        await File.WriteAllTextAsync(notebook, ProbeNotebook.Render(spec, _ledger.Fingerprint), TestContext.Current.CancellationToken);

        var (exit, stdout, stderr) = await NotebookExecutor.RunAsync(notebook, new Dictionary<string, string?>
        {
            ["DB_PASSWORD"] = password.Reveal(),
            ["API_TOKEN"] = token.Reveal(),
            ["PLAIN"] = "not-secret",
        });

        exit.Should().Be(0, stderr);
        var log = "[papermill] Executing notebook\n2026-01-01T00:00:00Z " + stdout + "Results Summary:\n{\"status\": \"succeeded\"}\n";
        var result = ProbeResult.Parse(log);
        result.Name.Should().Be("real-run");
        new LeakScanner(_ledger).ScanText(stdout + stderr, "probe output").Should().BeEmpty("the probe prints fingerprints only");

        var expectation = ProbeExpectation.Empty
            .Env("DB_PASSWORD", password)
            .Env("API_TOKEN", token)
            .Env("PLAIN", "not-secret")
            .EnvAbsent("MISSING_VAR")
            .File(secretFile, fileSecret)
            .FileAbsent(Path.Combine(_dir, "nope"))
            .Export(exportFile, "DB_USER", exportUser);
        expectation.Mismatches(result, _ledger.Fingerprint).Should().BeEmpty();
        result.Export(exportFile, "DB_HOST").Fingerprint.Should().Be(_ledger.Fingerprint.Of("h b"));

        // The verifier can fail: swap two values and every swapped check is reported, by fingerprint only.
        var wrong = ProbeExpectation.Empty.Env("DB_PASSWORD", token).EnvAbsent("API_TOKEN").File(secretFile, password);
        var e = wrong.Invoking(w => w.Verify(result, _ledger.Fingerprint)).Should().Throw<ProbeMismatchException>().Which;
        e.Mismatches.Should().HaveCount(3);
        e.Message.Should().Contain(token.Fingerprint).And.Contain(password.Fingerprint).And.NotContain(password.Reveal());
    }

    [Fact]
    public async Task Expecting_failure_prints_the_probe_line_then_fails_the_notebook()
    {
        var notebook = Path.Combine(_dir, "fail.ipynb");
        await File.WriteAllTextAsync(notebook,
            ProbeNotebook.Render(ProbeSpec.For("fails").WithEnv("X").ExpectingFailure("planned"), _ledger.Fingerprint), TestContext.Current.CancellationToken);

        var (exit, stdout, stderr) = await NotebookExecutor.RunAsync(notebook, new Dictionary<string, string?>());

        exit.Should().Be(1);
        stderr.Should().Contain("CONFORMANCE_PROBE_EXPECTED_FAILURE: planned");
        ProbeResult.Parse(stdout).Env("X").Present.Should().BeFalse();
    }

    [Theory]
    [InlineData("no probe here at all")]
    [InlineData("CONFORMANCE_PROBE {broken json")]
    [InlineData("\"text\": \"CONFORMANCE_PROBE {\\\"v\\\":1}\"")]
    public void Parser_rejects_logs_without_a_complete_probe_line(string log)
    {
        ProbeResult.TryParse(log).Should().BeNull();
        FluentActions.Invoking(() => ProbeResult.Parse(log, "pod p")).Should().Throw<ProbeOutputMissingException>()
            .WithMessage("*pod p*");
    }

    [Fact]
    public void Parser_takes_the_last_complete_line_and_ignores_trailing_text()
    {
        var log = "CONFORMANCE_PROBE {\"v\":1,\"probe\":\"first\"}\nnoise\n"
            + "I1122 stdout F CONFORMANCE_PROBE {\"v\":1,\"probe\":\"second\",\"env\":{\"A\":{\"present\":true,\"fp\":\"fp:abc\"}}} trailing}\n"
            + "CONFORMANCE_PROBE {\"v\":1,\"probe\":\"trunc";
        var result = ProbeResult.Parse(log);
        result.Name.Should().Be("second");
        result.Env("A").Fingerprint.Should().Be("fp:abc");
    }
}
