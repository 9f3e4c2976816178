using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Conformance.Environments.Options;
using Conformance.Tests.Live;
using FluentAssertions;
using Xunit;
using YamlDotNet.RepresentationModel;

namespace Conformance.Tests.Reporting;

/// <summary>
/// The CI workflows parse, and every nightly leg's command is accepted by run-e2e.sh's own parser (`--check`) and its
/// values by the harness's live-option parser (the one a k3s run uses before anything starts).
/// </summary>
public sealed partial class WorkflowTests
{
    private static readonly string Root = UpstreamFiles.RepositoryRoot();
    private static readonly IReadOnlyDictionary<string, string?> NoVariables = new Dictionary<string, string?>();

    [Fact]
    public void Every_nightly_leg_is_a_valid_run_e2e_invocation()
    {
        var (legs, command) = NightlyLegs();
        legs.Should().HaveCountGreaterThan(1);
        foreach (var leg in legs)
        {
            var args = Words(Expand(command, leg));
            args.Take(2).Should().Equal("./run-e2e.sh", "--env");

            var (exit, output) = RunE2eCheck(args.Skip(1));
            exit.Should().Be(0, $"leg {leg["leg"]}: run-e2e.sh refused it: {output}");
            output.Should().Contain("env=k3s");

            var parsed = LiveOptions.Parse(args.Skip(1).ToList(), NoVariables);
            parsed.Errors.Should().BeEmpty($"leg {leg["leg"]}");
            parsed.Unrecognized.Should().BeSubsetOf(["--env", "k3s"], "only run-e2e.sh's own --env is not a live-world option");
            parsed.Options!.K3sImage.Should().Be("rancher/k3s:" + leg["k3s"]);
            parsed.Options.EsoChartVersion.Should().Be(leg["eso"]);
        }
    }

    [Fact]
    public void The_nightly_matrix_covers_the_versions_the_issue_asks_for()
    {
        var (legs, _) = NightlyLegs();
        legs.Select(l => l["eso"]).Should().Contain(LiveDefaults.EsoChartVersion, "the latest ESO chart")
            .And.Contain(v => v.StartsWith("0.16.", StringComparison.Ordinal), "the oldest line serving external-secrets.io/v1 (reference/eso.md §1)");
        legs.Select(l => l["operator"]).Should().Contain([LiveDefaults.OperatorVersion, "latest"]);
        legs.Select(l => l["k3s"]).Distinct().Should().HaveCountGreaterThan(1);
        legs.Select(l => l["vault"]).Distinct().Should().HaveCountGreaterThan(1);
        legs.Select(l => l["leg"]).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void A_bad_matrix_value_would_be_caught()
    {
        LiveOptions.Parse(["--k3s-image", "rancher/k3s:latest"], NoVariables).Errors.Should().NotBeEmpty();
        LiveOptions.Parse(["--eso-chart", "v2.9"], NoVariables).Errors.Should().NotBeEmpty();
        RunE2eCheck(["--env", "k3s", "--vault-imag", "hashicorp/vault:2.0.4"]).Exit.Should().Be(2);
    }

    [Fact]
    public void Run_e2e_knows_every_live_option_under_the_same_variable()
    {
        var script = File.ReadAllText(Path.Combine(Root, "run-e2e.sh"));
        var mapped = LiveVar().Matches(script).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        var expected = OptionCatalog.All.Where(o => o.Flag is not ("--keep" or "--artifacts"))
            .ToDictionary(o => o.Flag, o => o.EnvironmentVariable);
        mapped.Should().BeEquivalentTo(expected);
    }

    [Fact]
    public void The_ci_workflow_runs_the_tests_and_the_plan_checks_and_uploads_the_reports()
    {
        var ci = Load(".github/workflows/ci.yml");
        var triggers = (YamlMappingNode)ci.Children[new YamlScalarNode("on")];
        triggers.Children.Keys.Select(k => k.ToString()).Should().Contain(["push", "pull_request"]);
        var steps = Steps(ci, "test");
        steps.Should().Contain(s => s.Contains(".ci/run"));
        var plans = steps.SelectMany(s => s.Split('\n')).Where(l => l.Contains("./run-e2e.sh", StringComparison.Ordinal)).ToList();
        plans.Should().NotBeEmpty();
        foreach (var line in plans)
        {
            var args = Words(line.Split('>')[0]).Skip(1).ToList();
            args.Should().Contain("--plan");
            RunE2eCheck(args).Exit.Should().Be(0, line);
        }

        File.ReadAllText(Path.Combine(Root, ".github/workflows/ci.yml")).Should().Contain("actions/upload-artifact");
    }

    [Fact]
    public void The_nightly_sensitivity_job_runs_every_fault_on_the_twin()
    {
        var run = Steps(Load(".github/workflows/nightly.yml"), "sensitivity").Single(s => s.Contains("./run-e2e.sh", StringComparison.Ordinal));
        var args = Words(run).Skip(1).ToList();
        args.Should().Contain("--sensitivity").And.NotContain("--fault", "the nightly matrix covers every fault, not a chosen few");

        var (exit, output) = RunE2eCheck(args);
        exit.Should().Be(0, run);
        output.Should().Contain("mode=sensitivity env=twin").And.Contain("profile=contract");
    }

    [Fact]
    public void The_nightly_merge_job_merges_the_legs()
    {
        var steps = Steps(Load(".github/workflows/nightly.yml"), "matrix");
        var merge = steps.Single(s => s.Contains("--merge", StringComparison.Ordinal));
        RunE2eCheck(Words(merge).Skip(1)).Exit.Should().Be(0, merge);
    }

    private static (List<Dictionary<string, string>> Legs, string Command) NightlyLegs()
    {
        var nightly = Load(".github/workflows/nightly.yml");
        var leg = (YamlMappingNode)((YamlMappingNode)nightly.Children[new YamlScalarNode("jobs")]).Children[new YamlScalarNode("leg")];
        var include = (YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)leg.Children[new YamlScalarNode("strategy")])
            .Children[new YamlScalarNode("matrix")]).Children[new YamlScalarNode("include")];
        var legs = include.Children.Cast<YamlMappingNode>()
            .Select(m => m.Children.ToDictionary(p => p.Key.ToString(), p => p.Value.ToString())).ToList();
        var command = Steps(nightly, "leg").Single(s => s.Contains("--env k3s", StringComparison.Ordinal));
        return (legs, command);
    }

    private static YamlMappingNode Load(string relative)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(Root, relative))));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static List<string> Steps(YamlMappingNode workflow, string job) =>
        ((YamlSequenceNode)((YamlMappingNode)((YamlMappingNode)workflow.Children[new YamlScalarNode("jobs")]).Children[new YamlScalarNode(job)])
            .Children[new YamlScalarNode("steps")]).Children.Cast<YamlMappingNode>()
        .Where(s => s.Children.ContainsKey(new YamlScalarNode("run")))
        .Select(s => s.Children[new YamlScalarNode("run")].ToString()).ToList();

    private static string Expand(string command, IReadOnlyDictionary<string, string> leg) =>
        MatrixRef().Replace(command, m => leg.TryGetValue(m.Groups[1].Value, out var v)
            ? v
            : throw new InvalidOperationException($"the nightly command uses matrix.{m.Groups[1].Value}, which leg {leg["leg"]} does not set"));

    /// <summary>Shell words of a one-line command: whitespace splits, double quotes group.</summary>
    private static List<string> Words(string line)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        var quoted = false;
        var any = false;
        foreach (var c in line.Trim())
        {
            if (c == '"') { quoted = !quoted; any = true; }
            else if (char.IsWhiteSpace(c) && !quoted)
            {
                if (any || current.Length > 0) words.Add(current.ToString());
                current.Clear();
                any = false;
            }
            else current.Append(c);
        }

        if (any || current.Length > 0) words.Add(current.ToString());
        return words;
    }

    private static (int Exit, string Output) RunE2eCheck(IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(Root, "run-e2e.sh"));
        start.ArgumentList.Add("--check");
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("CONFORMANCE_", StringComparison.Ordinal)).ToList())
            start.Environment.Remove(name);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output);
    }

    [GeneratedRegex(@"\[(--[a-z0-9-]+)\]=([A-Z0-9_]+)")]
    private static partial Regex LiveVar();

    [GeneratedRegex(@"\$\{\{\s*matrix\.([a-z0-9_-]+)\s*\}\}")]
    private static partial Regex MatrixRef();
}
