using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Conformance.Twin.Injector;
using Conformance.Twin.Injector.Agent;
using Conformance.Twin.Kube;
using Conformance.Twin.Vault;
using Conformance.Twin.Workloads.Kubelet;
using Conformance.Twin.Workloads.Programs;
using FluentAssertions;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Xunit;

namespace Conformance.Tests.TwinInjector;

/// <summary>
/// The injector and the agent inside the whole twin: the twin API server calls the webhook over HTTPS, the twin
/// kubelet runs `vault-agent-init` and `vault-agent`, which log in to the twin Vault with the pod's projected token
/// (TokenReview against the twin API server), render KV v2 into /vault/secrets, and revoke on deletion.
/// </summary>
public sealed class TwinEndToEndTests
{
    private const string V = "vault.hashicorp.com/";

    [Fact]
    public async Task Pod_with_annotations_gets_secrets_and_revokes_its_token_on_deletion()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var kube = await KubeApiServer.StartAsync(ct: ct);
        var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(new MemoryStream(Encoding.UTF8.GetBytes(kube.KubeconfigYaml()))));
        await using var vault = await Conformance.Twin.Vault.TwinVault.StartAsync(new TwinVaultOptions { RootToken = "root" }, ct);
        using var root = new HttpClient { BaseAddress = vault.Address };
        root.DefaultRequestHeaders.Add("X-Vault-Token", "root");

        async Task VaultWrite(string path, object body)
        {
            using var r = await root.PostAsJsonAsync("v1/" + path, body, ct);
            r.IsSuccessStatusCode.Should().BeTrue($"{path}: {await r.Content.ReadAsStringAsync(ct)}");
        }
        await VaultWrite("sys/auth/kubernetes", new { type = "kubernetes" });
        await VaultWrite("auth/kubernetes/config", new
        {
            kubernetes_host = kube.BaseAddress.ToString().TrimEnd('/'), kubernetes_ca_cert = kube.CaCertificatePem,
            token_reviewer_jwt = kube.AdminToken, disable_local_ca_jwt = true,
        });
        await VaultWrite("sys/policies/acl/app", new { policy = "path \"secret/data/app\" { capabilities = [\"read\"] }" });
        await VaultWrite("auth/kubernetes/role/app", new
        {
            bound_service_account_names = new[] { "app" }, bound_service_account_namespaces = new[] { "demo" },
            token_policies = new[] { "app" }, token_ttl = "1h",
        });
        await VaultWrite("secret/data/app", new { data = new { api_key = "kv-value-1" } });

        var events = new List<AgentEvent>();
        var signal = new SemaphoreSlim(0);
        await using var injector = await TwinVaultInjector.StartAsync(client, new InjectorOptions { VaultAddress = vault.Address.ToString().TrimEnd('/'), FailurePolicy = "Fail" }, ct);
        var programs = ContainerProgramRegistry.CreateDefault();
        VaultAgentPrograms.Register(programs, new AgentOptions
        {
            OnEvent = e => { lock (events) events.Add(e); signal.Release(); },
        });
        await using var kubelet = await TwinKubelet.StartAsync(client, new KubeletOptions(), programs, ct);

        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "demo" } }, cancellationToken: ct);
        await client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "app" } }, "demo", cancellationToken: ct);

        // no role: the API server refuses the pod with the injector's message (vault.md §1.1)
        var denied = async () => await client.CoreV1.CreateNamespacedPodAsync(Pod("no-role", withRole: false), "demo", cancellationToken: ct);
        (await denied.Should().ThrowAsync<HttpOperationException>()).Which.Response.Content.Should().Contain("no Vault role found");

        var created = await client.CoreV1.CreateNamespacedPodAsync(Pod("app", withRole: true), "demo", cancellationToken: ct);
        created.Metadata.Annotations[V + "agent-inject-status"].Should().Be("injected");
        created.Spec.InitContainers.Select(c => c.Name).Should().Equal("vault-agent-init");
        created.Spec.Containers.Select(c => c.Name).Should().Equal("app", "vault-agent");

        // the sidecar reads too, but the file the init container rendered is unchanged, so it is not rewritten
        await WaitForAsync(events, signal, e => e.Container == "vault-agent" && e.Kind == "read", "the sidecar's first read");
        var file = Directory.EnumerateFiles(kubelet.HostRoot, "config", SearchOption.AllDirectories)
            .Single(f => f.Contains(Path.Combine("volumes", "vault-secrets"), StringComparison.Ordinal));
        (await File.ReadAllTextAsync(file, ct)).Should().Be("kv-value-1");
        lock (events)
        {
            events.Should().Contain(e => e.Container == "vault-agent-init" && e.Kind == "exit" && e.Detail == "code=0");
            events.Count(e => e.Kind == "login").Should().Be(2, "init and sidecar each log in with their own token (vault.md §2.5)");
        }

        await client.CoreV1.DeleteNamespacedPodAsync("app", "demo", cancellationToken: ct);
        await WaitForAsync(events, signal, e => e.Container == "vault-agent" && e.Kind == "revoke-self", "the preStop revoke");
        vault.FidelityViolations.Should().BeEmpty("every agent request is a path of Vault's OpenAPI spec");
    }

    private static V1Pod Pod(string name, bool withRole)
    {
        var annotations = new Dictionary<string, string>
        {
            [V + "agent-inject"] = "true",
            [V + "agent-inject-secret-config"] = "secret/data/app",
            [V + "agent-inject-template-config"] = "{{ with secret \"secret/data/app\" }}{{ .Data.data.api_key }}{{ end }}",
            [V + "agent-revoke-on-shutdown"] = "true",
            [V + "agent-revoke-grace"] = "1",
        };
        if (withRole) annotations[V + "role"] = "app";
        return new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = name, Annotations = annotations },
            Spec = new V1PodSpec
            {
                ServiceAccountName = "app",
                TerminationGracePeriodSeconds = 10,
                Containers = [new V1Container { Name = "app", Image = "busybox:1.36", Command = ["sleep", "3600"] }],
            },
        };
    }

    private static async Task WaitForAsync(List<AgentEvent> events, SemaphoreSlim signal, Func<AgentEvent, bool> match, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            lock (events)
                if (events.Any(match)) return;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await signal.WaitAsync(left))
            {
                lock (events)
                    throw new TimeoutException($"waited 30s for {what}; agent events so far: {string.Join(" | ", events.Select(e => $"{e.Container}:{e.Kind} {e.Detail}"))}");
            }
        }
    }
}
