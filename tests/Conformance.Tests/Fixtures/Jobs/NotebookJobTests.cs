using System.Text.Json.Nodes;
using Conformance.Fixtures.Jobs;
using Conformance.Fixtures.Kube;
using Conformance.Tests.Fixtures.Support;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Fixtures.Jobs;

/// <summary>The job builder produces objects the operator's real CRD accepts unchanged (upstream/operator/config/crd).</summary>
public sealed class NotebookJobTests
{
    private static readonly Lazy<JsonObject> Crd = new(() => YamlToJson.Documents(File.ReadAllText(
        SharedFiles.Upstream("operator", "config", "crd", "bases", "mlops.mlops.dev_notebookvalidationjobs.yaml")))[0]);

    private static JsonObject SpecSchema =>
        (JsonObject)Crd.Value["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!;

    private static NotebookJob Default() => NotebookJob.Default("probe", "http://git.twin.svc/probe.git", "main", "probe.ipynb");

    [Fact]
    public void The_default_job_is_valid_against_the_CRD()
    {
        var cr = Default().ToResource("ns1");

        ((string)cr["apiVersion"]!).Should().Be((string)Crd.Value["spec"]!["group"]! + "/" + (string)Crd.Value["spec"]!["versions"]![0]!["name"]!);
        ((string)cr["kind"]!).Should().Be((string)Crd.Value["spec"]!["names"]!["kind"]!);
        StructuralSchema.Validate(cr["spec"], SpecSchema, "spec").Should().BeEmpty();
        ((string)cr["metadata"]!["namespace"]!).Should().Be("ns1");
        ((string)cr["spec"]!["podConfig"]!["containerImage"]!).Should().Be(NotebookJob.DefaultImage);
    }

    [Fact]
    public void Every_tweak_stays_valid_against_the_CRD()
    {
        var job = Default()
            .WithImage("quay.io/jupyter/minimal-notebook:2025-01-01")
            .WithServiceAccount("runner")
            .WithTimeout("5m")
            .WithGitCredentials("git-creds")
            .WithEnvValue("PLAIN", "x")
            .WithEnvFromSecretKey("DB_PASSWORD", "db", "password")
            .WithEnvFromConfigMapKey("DB_HOST", "cfg", "host")
            .WithEnvFromSecret("all-of-it")
            .WithEnvFromConfigMap("cfg")
            .WithCredentials("aws-creds", "db")
            .WithSecretVolume("creds", "db", "/etc/creds")
            .WithConfigMapVolume("cfgvol", "cfg", "/etc/cfg")
            .WithLabel("team", "ml")
            .WithAnnotation("vault.hashicorp.com/agent-inject", "true");

        var cr = job.ToResource("ns1");

        StructuralSchema.Validate(cr["spec"], SpecSchema, "spec").Should().BeEmpty();
        cr["spec"]!["podConfig"]!["env"]!.AsArray().Should().HaveCount(3);
        cr["spec"]!["podConfig"]!["credentials"]!.AsArray().Select(c => (string)c!).Should().Equal("aws-creds", "db");
        ((string)cr["metadata"]!["annotations"]!["vault.hashicorp.com/agent-inject"]!).Should().Be("true");
        Default().ToResource("ns1")["spec"]!["podConfig"]!.AsObject().ContainsKey("env").Should().BeFalse("tweaks copy, never mutate");
    }

    [Fact]
    public void The_schema_check_rejects_what_the_CRD_rejects()
    {
        var cr = NotebookJob.Default("bad", "ftp://nope", "main", "notebook.py").WithTimeout("soon").ToResource("ns1");
        cr["spec"]!["podConfig"]!["retryPolicy"] = "x";

        StructuralSchema.Validate(cr["spec"], SpecSchema, "spec").Should().HaveCount(4)
            .And.Contain(e => e.StartsWith("spec.notebook.git.url", StringComparison.Ordinal))
            .And.Contain(e => e.StartsWith("spec.notebook.path", StringComparison.Ordinal))
            .And.Contain(e => e.StartsWith("spec.timeout", StringComparison.Ordinal))
            .And.Contain(e => e.StartsWith("spec.podConfig.retryPolicy", StringComparison.Ordinal));
    }

    [Fact]
    public void Status_is_terminal_only_with_a_terminal_phase_and_completionTime()
    {
        NotebookJobStatus.From(JsonNode.Parse("""{"status":{"phase":"Succeeded"}}""")!.AsObject()).IsTerminal.Should().BeFalse();
        NotebookJobStatus.From(JsonNode.Parse("""{"status":{"phase":"ValidationRunning","completionTime":"2026-01-01T00:00:00Z"}}""")!.AsObject()).IsTerminal.Should().BeFalse();
        var done = NotebookJobStatus.From(JsonNode.Parse("""
            {"status":{"phase":"Failed","completionTime":"2026-01-01T00:00:00Z","retryCount":3,"message":"Validation failed after 3 retries: x",
             "results":[{"cellIndex":0,"status":"Success"}],"conditions":[{"type":"ValidationComplete","status":"False","reason":"PodFailed"}]}}
            """)!.AsObject());
        done.IsTerminal.Should().BeTrue();
        done.RetryCount.Should().Be(3);
        done.Results.Should().ContainSingle().Which.Status.Should().Be("Success");
        done.Conditions.Should().ContainSingle().Which.Reason.Should().Be("PodFailed");
        NotebookJobStatus.From(null).Phase.Should().BeEmpty();
    }
}
