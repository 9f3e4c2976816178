// The client calls here are short and bounded by the twin; passing the test cancellation token to each adds noise only.
#pragma warning disable xUnit1051
using System.Text.Json.Nodes;
using Conformance.Twin.Kube;
using FluentAssertions;
using k8s;
using k8s.Models;
using Xunit;

namespace Conformance.Tests.TwinKube;

/// <summary>An API server with every <see cref="KubeFaults"/> fault on: each breaks a different behaviour, so one server serves all.</summary>
public sealed class FaultedKubeFixture : IAsyncLifetime
{
    public KubeApiServer Server { get; private set; } = null!;
    public Kubernetes Client { get; private set; } = null!;
    readonly string workDir = Directory.CreateTempSubdirectory("twin-kube-faults-").FullName;

    public async ValueTask InitializeAsync()
    {
        Server = await KubeApiServer.StartAsync(new KubeApiServerOptions { Faults = KubeFaults.Known.ToHashSet() });
        Client = TwinKubeFixture.ClientFor(Server.WriteKubeconfig(Path.Combine(workDir, "kubeconfig")));
    }

    public Kubernetes ClientWithToken(string token) =>
        TwinKubeFixture.ClientFor(Server.WriteKubeconfig(Path.Combine(workDir, $"kubeconfig-{Guid.NewGuid():N}"), "sa", token));

    public async Task<string> NewNamespaceAsync(IDictionary<string, string>? labels = null) =>
        (await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { GenerateName = "fault-", Labels = labels } })).Metadata.Name;

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (Server is not null) await Server.DisposeAsync();
        try { Directory.Delete(workDir, true); } catch (IOException) { }
    }
}

/// <summary>What each API-server, RBAC and garbage-collector fault breaks; the faithful behaviour is in the other TwinKube tests.</summary>
public sealed class KubeFaultTests(FaultedKubeFixture f) : IClassFixture<FaultedKubeFixture>
{
    static V1Pod Pod(string name, string? serviceAccount = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1PodSpec { ServiceAccountName = serviceAccount, Containers = [new V1Container { Name = "main", Image = "busybox" }] },
    };

    [Fact]
    public async Task Admits_missing_service_account_lets_the_pod_in_with_a_token_volume_no_token_can_fill()
    {
        var ns = await f.NewNamespaceAsync();
        var pod = await f.Client.CoreV1.CreateNamespacedPodAsync(Pod("p", "no-such-runner"), ns);
        pod.Spec.ServiceAccountName.Should().Be("no-such-runner");
        pod.Spec.Volumes.Should().Contain(v => v.Projected != null && v.Projected.Sources.Any(s => s.ServiceAccountToken != null),
            "the plugin still mounts the token, which the kubelet cannot fetch for an account that does not exist");
        var (code, _) = await TwinKubeFixture.FailureOf(() => f.Client.CoreV1.CreateNamespacedServiceAccountTokenAsync(
            new Authenticationv1TokenRequest { Spec = new V1TokenRequestSpec() }, "no-such-runner", ns));
        code.Should().Be(404);
    }

    [Fact]
    public async Task Skips_pod_security_admits_a_privileged_pod_in_a_restricted_namespace()
    {
        var ns = await f.NewNamespaceAsync(new Dictionary<string, string> { ["pod-security.kubernetes.io/enforce"] = "restricted" });
        var pod = Pod("priv");
        pod.Spec.HostNetwork = true;
        pod.Spec.Containers[0].SecurityContext = new V1SecurityContext { Privileged = true };
        (await f.Client.CoreV1.CreateNamespacedPodAsync(pod, ns)).Metadata.Name.Should().Be("priv");
    }

    [Fact]
    public async Task Skips_crd_validation_admits_an_enum_violation_but_still_prunes()
    {
        foreach (var path in Upstream.EsoCrds)
        {
            var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(File.ReadAllText(path));
            try { await f.Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd); }
            catch (k8s.Autorest.HttpOperationException e) when ((int)e.Response.StatusCode == 409) { }
        }
        var ns = await f.NewNamespaceAsync();
        var es = new JsonObject
        {
            ["apiVersion"] = "external-secrets.io/v1", ["kind"] = "ExternalSecret",
            ["metadata"] = new JsonObject { ["name"] = "db" },
            ["spec"] = new JsonObject
            {
                ["secretStoreRef"] = new JsonObject { ["name"] = "store", ["kind"] = "SecretStore" },
                ["target"] = new JsonObject { ["creationPolicy"] = "Owned", ["notInTheSchema"] = "x" },
            },
        };
        var created = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(
            await f.Client.CustomObjects.CreateNamespacedCustomObjectAsync(es, "external-secrets.io", "v1", ns, "externalsecrets")))!;
        created["spec"]!["target"]!["creationPolicy"]!.GetValue<string>().Should().Be("Owned");
        created["spec"]!["target"]!.AsObject().ContainsKey("notInTheSchema").Should().BeFalse("pruning is not what the fault breaks");
    }

    [Fact]
    public async Task Rolebinding_grants_cluster_wide_lets_a_namespace_grant_read_secrets_elsewhere()
    {
        var home = await f.NewNamespaceAsync();
        var other = await f.NewNamespaceAsync();
        await f.Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "runner" } }, home);
        await f.Client.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role
        {
            Metadata = new V1ObjectMeta { Name = "read-secrets" },
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["secrets"], Verbs = ["get", "list"] }],
        }, home);
        await f.Client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new V1ObjectMeta { Name = "read-secrets" },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = "read-secrets" },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = "runner", NamespaceProperty = home }],
        }, home);
        await f.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "elsewhere" } }, other);
        var token = await f.Server.IssueServiceAccountTokenAsync(home, "runner");
        using var sa = f.ClientWithToken(token);

        (await sa.CoreV1.ReadNamespacedSecretAsync("elsewhere", other)).Metadata.Name.Should().Be("elsewhere");
        (await sa.CoreV1.ListNamespacedSecretAsync(other)).Items.Should().Contain(s => s.Metadata.Name == "elsewhere");
        // what the binding does not grant stays denied
        (await TwinKubeFixture.FailureOf(() => sa.CoreV1.ListNamespacedConfigMapAsync(other))).Code.Should().Be(403);
    }

    [Fact]
    public async Task Gc_ignores_owner_references_leaves_a_background_dependent_while_foreground_still_works()
    {
        var ns = await f.NewNamespaceAsync();
        var (bg, _) = await TwinKubeFixture.OwnerWithDependentAsync(f.Client, ns, "bg");
        var (fg, _) = await TwinKubeFixture.OwnerWithDependentAsync(f.Client, ns, "fg");
        await f.Client.CoreV1.DeleteNamespacedConfigMapAsync("bg", ns);
        // the collector has one worker: once the later foreground deletion has removed its dependent, the background
        // owner (queued first) was handled too
        await f.Client.CoreV1.DeleteNamespacedConfigMapAsync("fg", ns, body: new V1DeleteOptions { PropagationPolicy = "Foreground" });
        await TwinKubeFixture.WaitSecretGoneAsync(f.Client, ns, "fg-dep");

        (await f.Client.CoreV1.ListNamespacedSecretAsync(ns, fieldSelector: "metadata.name=fg-dep")).Items.Should().BeEmpty();
        var left = await f.Client.CoreV1.ReadNamespacedSecretAsync("bg-dep", ns);
        left.Metadata.OwnerReferences.Should().ContainSingle(r => r.Uid == bg.Metadata.Uid, "nothing collected it");
        fg.Metadata.Uid.Should().NotBe(bg.Metadata.Uid);
    }
}
