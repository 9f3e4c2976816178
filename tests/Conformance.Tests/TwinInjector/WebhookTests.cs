using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Conformance.Tests.TwinInjector.Support;
using Conformance.Twin.Injector;
using Conformance.Twin.Injector.Webhook;
using FluentAssertions;
using k8s;
using Xunit;

namespace Conformance.Tests.TwinInjector;

/// <summary>The injector as the API server meets it: HTTPS with a caBundle that really verifies, and its registration.</summary>
public sealed class WebhookTests
{
    [Fact]
    public async Task Mutate_over_https_trusting_only_the_caBundle()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var injector = await TwinVaultInjector.StartAsync(null, new InjectorOptions { VaultAddress = PodFixtures.VaultAddress }, ct);
        var ca = X509Certificate2.CreateFromPem(injector.CaBundlePem);
        using var handler = new HttpClientHandler
        {
            // what the API server does with caBundle: a custom trust root, nothing else
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return cert is not null && chain.Build(cert) && cert.MatchesHostname("127.0.0.1");
            },
        };
        using var http = new HttpClient(handler);
        var pod = PodFixtures.AppPod(new Dictionary<string, string>
        {
            ["vault.hashicorp.com/agent-inject"] = "true", ["vault.hashicorp.com/role"] = "app",
        });
        var review = new JsonObject
        {
            ["apiVersion"] = "admission.k8s.io/v1", ["kind"] = "AdmissionReview",
            ["request"] = new JsonObject { ["uid"] = "u-1", ["namespace"] = "demo", ["object"] = JsonNode.Parse(KubernetesJson.Serialize(pod)) },
        };
        using var content = new StringContent(review.ToJsonString(), Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await http.PostAsync(injector.MutateUrl, content, ct);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(ct))!["response"]!;
        answer["allowed"]!.GetValue<bool>().Should().BeTrue();
        answer["patchType"]!.GetValue<string>().Should().Be("JSONPatch");
        var patch = JsonNode.Parse(Convert.FromBase64String(answer["patch"]!.GetValue<string>()))!.AsArray();
        patch.Should().Contain(op => op!["path"]!.GetValue<string>() == "/spec/containers/-" && op["value"]!["name"]!.GetValue<string>() == "vault-agent");

        using var ready = await http.GetAsync(new Uri(injector.MutateUrl, "/health/ready"), ct);
        ready.StatusCode.Should().Be(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Registration_creates_the_chart_webhook_then_patches_the_caBundle()
    {
        var ct = TestContext.Current.CancellationToken;
        var recorder = new RecordingApi();
        using var client = new Kubernetes(new KubernetesClientConfiguration { Host = "http://kube.test" }, recorder);
        var options = new InjectorOptions { VaultAddress = PodFixtures.VaultAddress, FailurePolicy = "Fail" };

        await WebhookRegistration.RegisterAsync(client, options, new Uri("https://127.0.0.1:4443/mutate"), "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n", ct);

        recorder.Requests.Select(r => $"{r.Method} {r.Path}").Should().Equal(
            "POST /apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations",
            "PATCH /apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/vault-agent-injector-cfg");
        var created = JsonNode.Parse(recorder.Requests[0].Body)!;
        var webhook = created["webhooks"]![0]!;
        webhook["name"]!.GetValue<string>().Should().Be("vault.hashicorp.com");
        webhook["failurePolicy"]!.GetValue<string>().Should().Be("Fail");
        webhook["matchPolicy"]!.GetValue<string>().Should().Be("Exact");
        webhook["sideEffects"]!.GetValue<string>().Should().Be("None");
        webhook["timeoutSeconds"]!.GetValue<int>().Should().Be(30);
        webhook["clientConfig"]!["url"]!.GetValue<string>().Should().Be("https://127.0.0.1:4443/mutate");
        webhook["rules"]![0]!["operations"]!.AsArray().Select(o => o!.GetValue<string>()).Should().Equal("CREATE");
        webhook["rules"]![0]!["resources"]!.AsArray().Select(o => o!.GetValue<string>()).Should().Equal("pods");
        webhook["objectSelector"]!["matchExpressions"]![0]!["operator"]!.GetValue<string>().Should().Be("NotIn");
        webhook["objectSelector"]!["matchExpressions"]![0]!["values"]![0]!.GetValue<string>().Should().Be("vault-agent-injector");
        webhook["namespaceSelector"].Should().BeNull("vault-helm renders no namespaceSelector for {}");
        recorder.Requests[1].ContentType.Should().Be("application/json-patch+json");
        var caPatch = JsonNode.Parse(recorder.Requests[1].Body)![0]!;
        caPatch["path"]!.GetValue<string>().Should().Be("/webhooks/0/clientConfig/caBundle");
        Encoding.UTF8.GetString(Convert.FromBase64String(caPatch["value"]!.GetValue<string>())).Should().StartWith("-----BEGIN CERTIFICATE-----");
    }

    [Fact]
    public void Unknown_fault_names_are_rejected()
    {
        var act = () => new TwinFaults(["agent-never-renew"]);
        act.Should().Throw<ArgumentException>().WithMessage("Unknown injector/agent fault 'agent-never-renew'*agent-never-renews*");
    }

    /// <summary>A stand-in API server that records requests and echoes the body back.</summary>
    private sealed class RecordingApi : DelegatingHandler
    {
        public List<(string Method, string Path, string Body, string? ContentType)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add((request.Method.Method, request.RequestUri!.AbsolutePath, body, request.Content?.Headers.ContentType?.MediaType));
            var echo = request.Method == HttpMethod.Patch
                ? """{"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration","metadata":{"name":"vault-agent-injector-cfg"},"webhooks":[]}"""
                : body;
            return new HttpResponseMessage(request.Method == HttpMethod.Post ? HttpStatusCode.Created : HttpStatusCode.OK)
            {
                Content = new StringContent(echo, Encoding.UTF8, "application/json"),
                RequestMessage = request,
            };
        }
    }
}
