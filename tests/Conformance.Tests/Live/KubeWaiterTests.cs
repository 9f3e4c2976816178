using System.Text.Json.Nodes;
using Conformance.Environments.Plan;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Live;

public sealed class KubeWaiterTests
{
    private static bool Evaluate(WaitSpec spec, string? json, out string observed)
    {
        var last = "";
        var done = KubeWaiter.Evaluate(spec, json is null ? null : JsonNode.Parse(json), s => last = s);
        observed = last;
        return done;
    }

    [Fact]
    public void A_failed_helm_install_job_fails_fast_with_its_conditions()
    {
        var act = () => Evaluate(new JobComplete("kube-system", "helm-install-vault"),
            """{"status":{"conditions":[{"type":"Failed","status":"True","reason":"BackoffLimitExceeded","message":"Job has reached the specified backoff limit"}]}}""", out _);
        act.Should().Throw<WaitFailedException>().Which.Message.Should().Contain("BackoffLimitExceeded").And.Contain("helm-install-vault");
    }

    [Fact]
    public void An_empty_caBundle_is_not_ready_and_says_why()
    {
        Evaluate(new WebhookCaBundle("vault-agent-injector-cfg"), """{"webhooks":[{"clientConfig":{"caBundle":""}}]}""", out var observed).Should().BeFalse();
        observed.Should().Contain("caBundle is empty");
        Evaluate(new WebhookCaBundle("vault-agent-injector-cfg"), """{"webhooks":[{"clientConfig":{"caBundle":"LS0t"}}]}""", out _).Should().BeTrue();
    }

    [Fact]
    public void Deployment_and_CRD_waits_read_their_conditions()
    {
        Evaluate(new DeploymentAvailable("ns", "d"), """{"status":{"conditions":[{"type":"Available","status":"False","reason":"MinimumReplicasUnavailable"}]}}""", out var observed)
            .Should().BeFalse();
        observed.Should().Contain("Available=False (MinimumReplicasUnavailable");
        Evaluate(new CrdEstablished("x"), """{"status":{"conditions":[{"type":"Established","status":"True"}]}}""", out _).Should().BeTrue();
        Evaluate(new CrdEstablished("x"), null, out observed).Should().BeFalse();
        observed.Should().Contain("does not exist");
    }

    [Fact]
    public void A_phase_wait_fails_fast_on_the_failure_phase_with_the_message()
    {
        var spec = new FieldEquals("mlops.mlops.dev/v1alpha1", "NotebookValidationJob", "ns", "j", "status.phase", "Succeeded", "Failed");
        Evaluate(spec, """{"status":{"phase":"Running"}}""", out _).Should().BeFalse();
        var act = () => Evaluate(spec, """{"status":{"phase":"Failed","message":"Validation failed after 3 retries"}}""", out _);
        act.Should().Throw<WaitFailedException>().Which.Message.Should().Contain("Validation failed after 3 retries");
    }

    [Fact]
    public void A_timeout_names_what_was_awaited_and_what_was_last_seen()
    {
        var e = new WaitTimeoutException("Deployment vault/vault-agent-injector condition Available=True", "Available=False (MinimumReplicasUnavailable: )", TimeSpan.FromMinutes(5));
        var failure = WorldStartException.For("vault-injector", e).WithLogs("/tmp/logs");
        failure.Message.Should().Contain("vault-injector").And.Contain("Available=True").And.Contain("last observed: Available=False").And.Contain("/tmp/logs");
        failure.Component.Should().Be("vault-injector");
    }
}
