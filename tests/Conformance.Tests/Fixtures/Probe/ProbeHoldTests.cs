using System.Text.Json.Nodes;
using Conformance.Fixtures.Probe;
using Conformance.Fixtures.Secrets;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Fixtures.Probe;

/// <summary>A holding probe: the hold cell sits before the report cell, so the probe reads env only after "go".</summary>
public sealed class ProbeHoldTests
{
    [Fact]
    public void The_hold_cell_comes_before_the_report_and_its_config_names_the_signal()
    {
        var spec = ProbeSpec.For("hold").WithEnv("A").HoldingUntil(new ProbeHold("go-abc", "https://127.0.0.1:6443", 30));
        var notebook = JsonNode.Parse(ProbeNotebook.Render(spec, SecretLedger.NewRun().Fingerprint))!;
        var sources = notebook["cells"]!.AsArray().Select(c => string.Concat(c!["source"]!.AsArray().Select(l => (string?)l))).ToList();

        var hold = sources.FindIndex(s => s.Contains("def probe_hold(", StringComparison.Ordinal));
        var report = sources.FindIndex(s => s.Contains("CONFORMANCE_PROBE \" + json.dumps", StringComparison.Ordinal));
        hold.Should().BePositive();
        report.Should().BeGreaterThan(hold);
        var config = JsonNode.Parse(ProbeNotebook.ConfigJson(spec))!["hold"]!;
        ((string?)config["configmap"], (string?)config["api"], (double?)config["timeout"]).Should().Be(("go-abc", "https://127.0.0.1:6443", 30d));
    }

    [Fact]
    public void A_probe_without_a_hold_has_no_hold_cell()
    {
        var text = ProbeNotebook.Render(ProbeSpec.For("plain").WithEnv("A"), SecretLedger.NewRun().Fingerprint);
        text.Should().NotContain("probe_hold");
    }
}
