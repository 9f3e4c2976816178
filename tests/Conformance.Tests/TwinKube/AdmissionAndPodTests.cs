// The client calls here are short and bounded by the twin; passing the test cancellation token to each adds noise only.
#pragma warning disable xUnit1051
using Xunit;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using FluentAssertions;
using k8s;
using k8s.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Conformance.Tests.TwinKube;

public sealed class AdmissionAndPodTests(TwinKubeFixture f) : IClassFixture<TwinKubeFixture>
{
    /// <summary>The validation pod's shape from reference/operator.md §2.2 (git-clone init + validator).</summary>
    static V1Pod OperatorValidationPod(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = "jupyter-notebook-validator" } },
        Spec = new V1PodSpec
        {
            RestartPolicy = "Never",
            InitContainers = [new V1Container
            {
                Name = "git-clone", Image = "quay.io/takinosh/git-init-rhel9:latest",
                SecurityContext = new V1SecurityContext { AllowPrivilegeEscalation = false, Capabilities = new V1Capabilities { Drop = ["ALL"] } },
            }],
            Containers = [new V1Container
            {
                Name = "validator", Image = "quay.io/jupyter/minimal-notebook:latest",
                SecurityContext = new V1SecurityContext { RunAsNonRoot = true, AllowPrivilegeEscalation = false, Capabilities = new V1Capabilities { Drop = ["ALL"] } },
            }],
        },
    };

    [Fact]
    public async Task Pod_security_restricted_refuses_the_operator_validation_pod_with_the_real_message()
    {
        var ns = await f.NewNamespaceAsync("psa", new Dictionary<string, string> { ["pod-security.kubernetes.io/enforce"] = "restricted" });
        var (code, st) = await TwinKubeFixture.FailureOf(() => f.Client.CoreV1.CreateNamespacedPodAsync(OperatorValidationPod("job-validation"), ns));
        code.Should().Be(403);
        st["message"]!.GetValue<string>().Should().Be(
            "pods \"job-validation\" is forbidden: violates PodSecurity \"restricted:latest\": " +
            "runAsNonRoot != true (pod or container \"git-clone\" must set securityContext.runAsNonRoot=true), " +
            "seccompProfile (pod or containers \"git-clone\", \"validator\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")");

        var baseline = await f.NewNamespaceAsync("psb", new Dictionary<string, string> { ["pod-security.kubernetes.io/enforce"] = "baseline" });
        (await f.Client.CoreV1.CreateNamespacedPodAsync(OperatorValidationPod("job-validation"), baseline)).Metadata.Name.Should().Be("job-validation");
        var priv = OperatorValidationPod("priv");
        priv.Spec.Containers[0].SecurityContext.Privileged = true;
        priv.Spec.HostNetwork = true;
        var (c2, st2) = await TwinKubeFixture.FailureOf(() => f.Client.CoreV1.CreateNamespacedPodAsync(priv, baseline));
        c2.Should().Be(403);
        st2["message"]!.GetValue<string>().Should().Be(
            "pods \"priv\" is forbidden: violates PodSecurity \"baseline:latest\": host namespaces (hostNetwork=true), privileged (container \"validator\" must not set securityContext.privileged=true)");
    }

    /// <summary>An HTTPS server on 127.0.0.1 with its own CA, standing in for a webhook or a kubelet.</summary>
    sealed class LocalServer : IAsyncDisposable
    {
        public WebApplication App { get; }
        public string CaBundle { get; }
        public int Port { get; }
        LocalServer(WebApplication app, string caBundle, int port) { App = app; CaBundle = caBundle; Port = port; }

        public static async Task<LocalServer> StartAsync(bool https, RequestDelegate handler)
        {
            using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var caReq = new CertificateRequest("CN=test-ca", caKey, HashAlgorithmName.SHA256);
            caReq.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            using var ca = caReq.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
            var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var req = new CertificateRequest("CN=webhook", key, HashAlgorithmName.SHA256);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Loopback);
            req.CertificateExtensions.Add(san.Build());
            using var signed = req.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4]);
            var cert = signed.CopyWithPrivateKey(key);
            var b = WebApplication.CreateSlimBuilder();
            b.Logging.ClearProviders();
            b.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => { if (https) l.UseHttps(cert); }));
            var app = b.Build();
            app.Run(handler);
            await app.StartAsync();
            return new LocalServer(app, Convert.ToBase64String(Encoding.UTF8.GetBytes(ca.ExportCertificatePem())), new Uri(app.Urls.First()).Port);
        }

        public async ValueTask DisposeAsync() => await App.DisposeAsync();
    }

    [Fact]
    public async Task A_mutating_webhook_is_called_over_https_and_its_patch_applied()
    {
        var calls = new List<JsonObject>();
        await using var hook = await LocalServer.StartAsync(true, async ctx =>
        {
            var review = (await JsonNode.ParseAsync(ctx.Request.Body))!.AsObject();
            lock (calls) calls.Add(review);
            var patch = """[{"op":"add","path":"/metadata/annotations","value":{"injected":"yes"}}]""";
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync(new JsonObject
            {
                ["apiVersion"] = "admission.k8s.io/v1", ["kind"] = "AdmissionReview",
                ["response"] = new JsonObject { ["uid"] = review["request"]!["uid"]!.GetValue<string>(), ["allowed"] = true, ["patchType"] = "JSONPatch", ["patch"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(patch)) },
            }.ToJsonString());
        });
        var ns = await f.NewNamespaceAsync("hook", new Dictionary<string, string> { ["inject"] = "on" });
        var cfgName = "inject-" + ns;
        await f.Client.AdmissionregistrationV1.CreateMutatingWebhookConfigurationAsync(new V1MutatingWebhookConfiguration
        {
            Metadata = new V1ObjectMeta { Name = cfgName },
            Webhooks =
            [
                new V1MutatingWebhook
                {
                    Name = "inject.example.com", AdmissionReviewVersions = ["v1"], SideEffects = "None", FailurePolicy = "Fail",
                    ClientConfig = new Admissionregistrationv1WebhookClientConfig { Url = $"https://127.0.0.1:{hook.Port}/mutate", CaBundle = Convert.FromBase64String(hook.CaBundle) },
                    Rules = [new V1RuleWithOperations { Operations = ["CREATE"], ApiGroups = [""], ApiVersions = ["v1"], Resources = ["pods"] }],
                    NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["inject"] = "on" } },
                    ObjectSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "jupyter-notebook-validator" } },
                },
            ],
        });
        try
        {
            var pod = await f.Client.CoreV1.CreateNamespacedPodAsync(OperatorValidationPod("p"), ns);
            pod.Metadata.Annotations["injected"].Should().Be("yes");
            calls.Should().ContainSingle();
            calls[0]["request"]!["operation"]!.GetValue<string>().Should().Be("CREATE");
            calls[0]["request"]!["namespace"]!.GetValue<string>().Should().Be(ns);

            var other = OperatorValidationPod("unlabelled");
            other.Metadata.Labels = null;
            (await f.Client.CoreV1.CreateNamespacedPodAsync(other, ns)).Metadata.Annotations.Should().BeNull();
            calls.Should().ContainSingle("the objectSelector excludes the unlabelled pod");
        }
        finally
        {
            await f.Client.AdmissionregistrationV1.DeleteMutatingWebhookConfigurationAsync(cfgName);
        }

        // failurePolicy Fail with nothing listening refuses the request with the real error shape
        var down = "down-" + ns;
        await f.Client.AdmissionregistrationV1.CreateMutatingWebhookConfigurationAsync(new V1MutatingWebhookConfiguration
        {
            Metadata = new V1ObjectMeta { Name = down },
            Webhooks = [new V1MutatingWebhook
            {
                Name = "down.example.com", AdmissionReviewVersions = ["v1"], SideEffects = "None", FailurePolicy = "Fail",
                ClientConfig = new Admissionregistrationv1WebhookClientConfig { Url = "https://127.0.0.1:1/mutate" },
                Rules = [new V1RuleWithOperations { Operations = ["CREATE"], ApiGroups = [""], ApiVersions = ["v1"], Resources = ["configmaps"] }],
                NamespaceSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = ns } },
            }],
        });
        try
        {
            var (code, st) = await TwinKubeFixture.FailureOf(() => f.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c" } }, ns));
            code.Should().Be(500);
            st["message"]!.GetValue<string>().Should().StartWith("Internal error occurred: failed calling webhook \"down.example.com\": failed to call webhook: Post \"https://127.0.0.1:1/mutate?timeout=10s\": ");
        }
        finally
        {
            await f.Client.AdmissionregistrationV1.DeleteMutatingWebhookConfigurationAsync(down);
        }
    }

    [Fact]
    public async Task Binding_assigns_a_node_and_logs_are_proxied_to_that_nodes_kubelet()
    {
        string? asked = null;
        await using var kubelet = await LocalServer.StartAsync(false, async ctx =>
        {
            asked = ctx.Request.Path + ctx.Request.QueryString;
            ctx.Response.ContentType = "text/plain";
            await ctx.Response.WriteAsync("line 1\nline 2\n");
        });
        var nodeName = "twin-node-" + Guid.NewGuid().ToString("N")[..6];
        var node = await f.Client.CoreV1.CreateNodeAsync(new V1Node { Metadata = new V1ObjectMeta { Name = nodeName } });
        node.Status = new V1NodeStatus
        {
            Addresses = [new V1NodeAddress { Type = "InternalIP", Address = "127.0.0.1" }],
            DaemonEndpoints = new V1NodeDaemonEndpoints { KubeletEndpoint = new V1DaemonEndpoint { Port = kubelet.Port } },
        };
        await f.Client.CoreV1.ReplaceNodeStatusAsync(node, nodeName);

        var ns = await f.NewNamespaceAsync();
        await f.Client.CoreV1.CreateNamespacedPodAsync(OperatorValidationPod("p"), ns);
        var (code, st) = await TwinKubeFixture.FailureOf(() => f.Client.CoreV1.ReadNamespacedPodLogAsync("p", ns, container: "validator"));
        code.Should().Be(400);
        st["message"]!.GetValue<string>().Should().Be("pod p does not have a host assigned");

        await f.Client.CoreV1.CreateNamespacedPodBindingAsync(new V1Binding
        {
            Metadata = new V1ObjectMeta { Name = "p" }, Target = new V1ObjectReference { Kind = "Node", Name = nodeName },
        }, "p", ns);
        var bound = await f.Client.CoreV1.ReadNamespacedPodAsync("p", ns);
        bound.Spec.NodeName.Should().Be(nodeName);
        bound.Status.Conditions.Should().Contain(c => c.Type == "PodScheduled" && c.Status == "True");
        var (again, _) = await TwinKubeFixture.FailureOf(() => f.Client.CoreV1.CreateNamespacedPodBindingAsync(new V1Binding
        {
            Metadata = new V1ObjectMeta { Name = "p" }, Target = new V1ObjectReference { Kind = "Node", Name = nodeName },
        }, "p", ns));
        again.Should().Be(409);

        await using var logs = await f.Client.CoreV1.ReadNamespacedPodLogAsync("p", ns, container: "validator", tailLines: 10);
        (await new StreamReader(logs).ReadToEndAsync()).Should().Be("line 1\nline 2\n");
        asked.Should().Be($"/containerLogs/{ns}/p/validator?tailLines=10");
        // one regular container: it is the default even with init containers (pkg/registry/core/pod/strategy.go)
        await using (var _ = await f.Client.CoreV1.ReadNamespacedPodLogAsync("p", ns)) { }
        asked.Should().Be($"/containerLogs/{ns}/p/validator");
        var (c2, st2) = await TwinKubeFixture.FailureOf(() => f.Client.CoreV1.ReadNamespacedPodLogAsync("p", ns, container: "nope"));
        c2.Should().Be(400);
        st2["message"]!.GetValue<string>().Should().Be("container nope is not valid for pod p");
    }
}
