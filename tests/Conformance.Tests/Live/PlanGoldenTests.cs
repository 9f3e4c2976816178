using Conformance.Environments.Existing;
using Conformance.Environments.K3s;
using Conformance.Environments.Options;
using Conformance.Environments.Plan;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Live;

/// <summary>
/// Golden files catch unintended changes to what the live worlds start and apply. After an intended change, rerun
/// with CONFORMANCE_UPDATE_GOLDEN=1 and review the diff of tests/Conformance.Tests/Live/golden/.
/// </summary>
public sealed class PlanGoldenTests
{
    private static string GoldenPath(string name) =>
        Path.Combine(UpstreamFiles.RepositoryRoot(), "tests", "Conformance.Tests", "Live", "golden", name);

    private static void MatchGolden(string name, string actual)
    {
        var path = GoldenPath(name);
        if (Environment.GetEnvironmentVariable("CONFORMANCE_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        File.Exists(path).Should().BeTrue($"golden file {path} must exist (create it with CONFORMANCE_UPDATE_GOLDEN=1)");
        var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        if (expected == actual) return;
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        var line = Enumerable.Range(0, Math.Min(e.Length, a.Length)).FirstOrDefault(i => e[i] != a[i], Math.Min(e.Length, a.Length));
        Assert.Fail($"plan differs from {path} at line {line + 1}:\n  golden: {(line < e.Length ? e[line] : "<end>")}\n  actual: {(line < a.Length ? a[line] : "<end>")}\n"
                    + "If the change is intended, rerun with CONFORMANCE_UPDATE_GOLDEN=1 and review the diff.");
    }

    [Fact]
    public void The_default_k3s_plan_matches_its_golden_file() =>
        MatchGolden("k3s-plan.yaml", new K3sWorldBuilder().Build().Plan());

    [Fact]
    public void The_existing_install_plan_matches_its_golden_file() =>
        MatchGolden("existing-install-plan.yaml", new ExistingWorld(LiveOptions.Default with
        {
            Install = true, Kubeconfig = "/home/user/.kube/config", VaultAddress = "http://vault.example:8200",
            AwsEndpoint = "http://localstack.example:4566", PostgresDsn = "postgresql://vault:pw@db.example:5432/app",
        }).Plan());

    [Fact]
    public void The_plan_is_deterministic_and_a_valid_YAML_stream()
    {
        var first = new K3sWorldBuilder().Build().Plan();
        var second = new K3sWorldBuilder().Build().Plan();
        second.Should().Be(first);
        var documents = Yaml.LoadAll(first);
        documents.Should().Contain(d => d.ContainsKey("containers")).And.Contain(d => d.ContainsKey("vaultCalls"));
        foreach (var container in new[] { "k3s", "vault", "localstack", "postgres", "git" }) first.Should().Contain($"name: {container}");
        foreach (var step in new[] { "cluster", "infra", "external-secrets", "vault-injector", "operator", "smoke" })
            first.Should().Contain($"# ===== step {step}:");
    }

    [Fact]
    public void Versions_chosen_by_options_show_in_the_plan()
    {
        var plan = new K3sWorldBuilder().WithK3s("v1.34.1-k3s1").WithEso("2.8.0").WithVault("1.20.4").WithStockValidatorImage("quay.io/jupyter/minimal-notebook:2026-01-01")
            .WithGitInitImage("alpine/git:2.47.2").Build().Plan();
        plan.Should().Contain("image: rancher/k3s:v1.34.1-k3s1").And.Contain("version: 2.8.0").And.Contain("image: hashicorp/vault:1.20.4")
            .And.Contain("stock image quay.io/jupyter/minimal-notebook:2026-01-01").And.Contain("value: alpine/git:2.47.2");
    }

    [Fact]
    public void Secrets_given_at_run_time_never_reach_the_plan_text()
    {
        var options = LiveOptions.Default;
        var inputs = PlanInputs.Symbolic(options) with
        {
            VaultRootToken = new Sensitive("vault root token", "hvs.super-secret-root"),
            PostgresPassword = new Sensitive("postgres password", "pg-secret-pw"),
            ReviewerJwt = new Sensitive("reviewer JWT", "eyJhbGciOiJSUzI1NiJ9.secret"),
            AwsSecretAccessKey = new Sensitive("aws secret", "aws-secret-key"),
        };
        var text = PlanWriter.Write(WorldPlanner.ForK3s(options, inputs));
        foreach (var secret in new[] { "hvs.super-secret-root", "pg-secret-pw", "eyJhbGciOiJSUzI1NiJ9.secret", "aws-secret-key" })
            text.Should().NotContain(secret);
        text.Should().Contain("<vault root token>").And.Contain("<reviewer JWT>");
    }
}
