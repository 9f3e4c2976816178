using Conformance.Tests.TwinInjector.Support;
using Conformance.Twin.Injector;
using FluentAssertions;
using k8s.Models;
using Xunit;

namespace Conformance.Tests.TwinInjector;

/// <summary>
/// Injector admission outcomes as a table (reference/vault.md §1.1, §1.2): annotations (and pod shape, namespace,
/// faults) in; allowed-without-patch, injected, or denied with vault-k8s's exact message out.
/// </summary>
public sealed class AdmissionTableTests
{
    public enum Outcome { Untouched, Injected, Denied }

    public sealed record Case(
        string Name, Dictionary<string, string>? Annotations, Outcome Expected, string? Message = null,
        string Namespace = "demo", bool AutomountToken = true, string? Phase = null, string[]? Faults = null,
        string[]? Containers = null, string[]? InitContainers = null)
    {
        public override string ToString() => Name;
    }

    private const string V = "vault.hashicorp.com/";

    private static Dictionary<string, string> Ann(params (string Key, string Value)[] extra)
    {
        var d = new Dictionary<string, string> { [V + "agent-inject"] = "true", [V + "role"] = "app", [V + "agent-inject-secret-db"] = "database/creds/app" };
        foreach (var (k, v) in extra) d[V + k] = v;
        return d;
    }

    private static Dictionary<string, string> Without(Dictionary<string, string> d, string key)
    {
        d.Remove(V + key);
        return d;
    }

    public static TheoryData<Case> Cases => new(
        new Case("no annotations (e.g. annotations only on the ServiceAccount)", null, Outcome.Untouched),
        new Case("agent-inject false", Ann(("agent-inject", "false")), Outcome.Untouched),
        new Case("agent-inject empty string parses as false", Ann(("agent-inject", "")), Outcome.Untouched),
        new Case("agent-inject TRUE with role", Ann(("agent-inject", "TRUE")), Outcome.Injected,
            Containers: ["app", "vault-agent"], InitContainers: ["vault-agent-init"]),
        new Case("agent-inject 1 with role", Ann(("agent-inject", "1")), Outcome.Injected,
            Containers: ["app", "vault-agent"], InitContainers: ["vault-agent-init"]),
        new Case("agent-inject yes is not a Go bool", Ann(("agent-inject", "yes")), Outcome.Denied,
            "error checking if should inject agent: cannot parse '' as bool: strconv.ParseBool: parsing \"yes\": invalid syntax"),
        new Case("no role", Without(Ann(), "role"), Outcome.Denied, "error validating agent configuration: no Vault role found"),
        new Case("role through auth-config-role", Without(Ann(("auth-config-role", "app")), "role"), Outcome.Injected,
            Containers: ["app", "vault-agent"], InitContainers: ["vault-agent-init"]),
        new Case("kube-system is a system namespace", Ann(), Outcome.Denied,
            "error with request namespace: cannot inject into system namespaces: kube-system", Namespace: "kube-system"),
        new Case("kube-public is a system namespace", Ann(), Outcome.Denied,
            "error with request namespace: cannot inject into system namespaces: kube-public", Namespace: "kube-public"),
        new Case("system namespace without inject annotation is untouched", null, Outcome.Untouched, Namespace: "kube-system"),
        new Case("already injected", Ann(("agent-inject-status", "injected")), Outcome.Untouched),
        new Case("status other than injected still injects", Ann(("agent-inject-status", "update")), Outcome.Injected,
            Containers: ["app", "vault-agent"], InitContainers: ["vault-agent-init"]),
        new Case("pod past Pending is too late", Ann(), Outcome.Untouched, Phase: "Running"),
        new Case("revoke-grace 5s is rejected like strconv.ParseUint", Ann(("agent-revoke-on-shutdown", "true"), ("agent-revoke-grace", "5s")), Outcome.Denied,
            "error creating new agent sidecar: strconv.ParseUint: parsing \"5s\": invalid syntax"),
        new Case("revoke-grace 10", Ann(("agent-revoke-on-shutdown", "true"), ("agent-revoke-grace", "10")), Outcome.Injected,
            Containers: ["app", "vault-agent"], InitContainers: ["vault-agent-init"]),
        new Case("no service account token mount", Ann(), Outcome.Denied,
            "error creating new agent sidecar: failed to find service account volume mount", AutomountToken: false),
        new Case("pre-populate-only: init container only", Ann(("agent-pre-populate-only", "true")), Outcome.Injected,
            Containers: ["app"], InitContainers: ["vault-agent-init"]),
        new Case("pre-populate false: sidecar only", Ann(("agent-pre-populate", "false")), Outcome.Injected,
            Containers: ["app", "vault-agent"], InitContainers: []),
        new Case("bad default template", Ann(("agent-inject-default-template", "yaml")), Outcome.Denied,
            "error creating new agent sidecar: invalid default template type: yaml"),
        new Case("bad cpu limit", Ann(("agent-limits-cpu", "lots")), Outcome.Denied,
            "error creating patch for agent: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"),
        new Case("bad auth-min-backoff", Ann(("auth-min-backoff", "soon")), Outcome.Denied,
            "error adding default annotations: error parsing min backoff as duration: time: invalid duration \"soon\""),
        new Case("fault injector-ignores-pod-annotations", Ann(), Outcome.Untouched, Faults: [TwinFaults.InjectorIgnoresPodAnnotations]),
        new Case("fault injector-injects-without-role", Without(Ann(), "role"), Outcome.Injected,
            Faults: [TwinFaults.InjectorInjectsWithoutRole], Containers: ["app", "vault-agent"], InitContainers: ["vault-agent-init"]));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Admission(Case c)
    {
        var pod = PodFixtures.AppPod(c.Annotations, c.AutomountToken);
        if (c.Phase is not null) pod.Status = new V1PodStatus { Phase = c.Phase };

        var decision = PodFixtures.Handler(c.Faults ?? []).Decide("uid-42", pod, c.Namespace);

        decision.Uid.Should().Be("uid-42");
        switch (c.Expected)
        {
            case Outcome.Untouched:
                decision.Allowed.Should().BeTrue(decision.Message);
                decision.Patch.Should().BeNull();
                break;
            case Outcome.Denied:
                decision.Allowed.Should().BeFalse();
                decision.Patch.Should().BeNull();
                decision.Message.Should().Be(c.Message);
                break;
            case Outcome.Injected:
                decision.Allowed.Should().BeTrue(decision.Message);
                decision.Patch.Should().NotBeNull();
                var injected = PodFixtures.Apply(pod, decision.Patch!);
                injected.Spec.Containers.Select(x => x.Name).Should().Equal(c.Containers);
                (injected.Spec.InitContainers ?? []).Select(x => x.Name).Should().Equal(c.InitContainers);
                injected.Metadata.Annotations[V + "agent-inject-status"].Should().Be("injected");
                // the shared secrets volume: a Memory emptyDir mounted at /vault/secrets in the app container (vault.md §1.2)
                var secrets = injected.Spec.Volumes.Single(v => v.Name == "vault-secrets");
                secrets.EmptyDir.Medium.Should().Be("Memory");
                injected.Spec.Containers[0].VolumeMounts.Should().Contain(m => m.Name == "vault-secrets" && m.MountPath == "/vault/secrets");
                break;
        }
    }

    [Fact]
    public void Only_the_status_annotation_is_written_back()
    {
        var decision = PodFixtures.Handler().Decide("u", PodFixtures.AppPod(Ann()), "demo");
        var annotationOps = decision.Patch!.Where(o => o!["path"]!.GetValue<string>().StartsWith("/metadata/annotations", StringComparison.Ordinal)).ToList();
        annotationOps.Should().ContainSingle();
        annotationOps[0]!["path"]!.GetValue<string>().Should().Be("/metadata/annotations/vault.hashicorp.com~1agent-inject-status");
    }

    [Fact]
    public void Injected_pod_is_not_injected_twice()
    {
        var once = PodFixtures.Inject(PodFixtures.AppPod(Ann()));
        var again = PodFixtures.Handler().Decide("u", once, "demo");
        again.Allowed.Should().BeTrue();
        again.Patch.Should().BeNull();
    }

    [Fact]
    public void Http_exchange_speaks_AdmissionReview_v1()
    {
        var pod = PodFixtures.AppPod(Without(Ann(), "role"));
        var review = new System.Text.Json.Nodes.JsonObject
        {
            ["apiVersion"] = "admission.k8s.io/v1",
            ["kind"] = "AdmissionReview",
            ["request"] = new System.Text.Json.Nodes.JsonObject
            {
                ["uid"] = "abc", ["namespace"] = "demo", ["operation"] = "CREATE",
                ["object"] = System.Text.Json.Nodes.JsonNode.Parse(k8s.KubernetesJson.Serialize(pod)),
            },
        };
        var handler = PodFixtures.Handler();

        var (status, _, body) = handler.HandleHttp("application/json", review.ToJsonString());
        var (badStatus, _, badBody) = handler.HandleHttp("text/plain", "{}");

        status.Should().Be(200);
        var response = System.Text.Json.Nodes.JsonNode.Parse(body)!;
        response["apiVersion"]!.GetValue<string>().Should().Be("admission.k8s.io/v1");
        response["response"]!["uid"]!.GetValue<string>().Should().Be("abc");
        response["response"]!["allowed"]!.GetValue<bool>().Should().BeFalse();
        response["response"]!["status"]!["message"]!.GetValue<string>().Should().Be("error validating agent configuration: no Vault role found");
        badStatus.Should().Be(400);
        badBody.Should().Be("Invalid content-type: \"text/plain\"\n");
    }
}
