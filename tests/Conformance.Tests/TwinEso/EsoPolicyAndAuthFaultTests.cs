using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Conformance.Twin.Eso;
using Conformance.Twin.Eso.Model;
using Conformance.Twin.Eso.Providers;
using Conformance.Twin.Eso.Providers.Vault;
using FluentAssertions;
using k8s.Models;
using Xunit;

namespace Conformance.Tests.TwinEso;

/// <summary>
/// The ESO faults for refreshInterval 0, creationPolicy Orphan, ClusterSecretStore ref namespaces and Vault auth, each
/// against the faithful behaviour beside it.
/// </summary>
public sealed class EsoPolicyAndAuthFaultTests
{
    private static JsonObject Spec(JsonObject es) => (JsonObject)es["spec"]!;
    private static JsonObject TargetOf(JsonObject es) => (JsonObject)es["spec"]!["target"]!;

    [Theory]
    [InlineData(false, "v1")]
    [InlineData(true, "v2")]
    public async Task Interval_zero_syncs_on_change_only_under_the_fault(bool fault, string expected)
    {
        var bed = new EsoTestBed(fault ? [EsoFaults.IntervalZeroSyncsOnChange] : []);
        bed.Remote.CreateSecret("remote", "v1");
        bed.Apply(es => Spec(es)["refreshInterval"] = "0s");
        (await bed.ReconcileAsync()).RequeueAfter.Should().BeNull("interval 0 never requeues, with or without the fault");
        bed.Remote.CreateSecret("remote", "v2");
        bed.Time.Advance(TimeSpan.FromHours(2));
        await bed.ReconcileAsync();
        bed.SecretData()!["value"].Should().Be("v1", "time alone never refreshes under interval 0");

        bed.Apply(es => es["metadata"]!["annotations"] = new JsonObject { [EsoLabels.ForceSync] = "1" });
        await bed.ReconcileAsync();

        bed.SecretData()!["value"].Should().Be(expected);
    }

    [Fact]
    public async Task Owns_secret_under_orphan_sets_the_controller_reference_so_gc_takes_the_secret()
    {
        var bed = new EsoTestBed([EsoFaults.OwnsSecretUnderOrphan]);
        bed.Remote.CreateSecret("remote", "v1");
        bed.Apply(es => TargetOf(es)["creationPolicy"] = "Orphan");
        await bed.ReconcileAsync();

        var owner = bed.Cluster.Secret(EsoTestBed.Ns, EsoTestBed.Target)!.Metadata.OwnerReferences.Should().ContainSingle().Subject;
        owner.Kind.Should().Be("ExternalSecret");
        owner.Controller.Should().BeTrue();
        bed.Cluster.DeleteExternalSecretWithGc(EsoTestBed.Ns, EsoTestBed.EsName);
        bed.Cluster.Secret(EsoTestBed.Ns, EsoTestBed.Target).Should().BeNull();
    }

    [Fact]
    public async Task Owns_secret_under_orphan_leaves_creation_policy_merge_unowned()
    {
        var bed = new EsoTestBed([EsoFaults.OwnsSecretUnderOrphan]);
        bed.Remote.CreateSecret("remote", "v1");
        bed.Apply(es => TargetOf(es)["creationPolicy"] = "Merge");
        bed.Cluster.PutSecret(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = EsoTestBed.Target, NamespaceProperty = EsoTestBed.Ns, Labels = new Dictionary<string, string> { [EsoLabels.Managed] = "true" } },
            Data = new Dictionary<string, byte[]>(),
        });
        await bed.ReconcileAsync();
        bed.Cluster.Secret(EsoTestBed.Ns, EsoTestBed.Target)!.Metadata.OwnerReferences.Should().BeNullOrEmpty("only Orphan is affected");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Template_keeps_provider_keys_writes_the_raw_keys_beside_the_rendered_one(bool fault)
    {
        var bed = new EsoTestBed(fault ? [EsoFaults.TemplateKeepsProviderKeys] : []);
        bed.Remote.CreateSecret("remote", """{"user":"alice","pass":"s3cr3t"}""");
        bed.Apply(es =>
        {
            Spec(es)["data"] = new JsonArray();
            Spec(es)["dataFrom"] = new JsonArray(new JsonObject { ["extract"] = new JsonObject { ["key"] = "remote" } });
            TargetOf(es)["template"] = new JsonObject { ["data"] = new JsonObject { ["dsn"] = "postgres://{{ .user }}:{{ .pass }}@db" } };
        });
        await bed.ReconcileAsync();

        var expected = new Dictionary<string, string> { ["dsn"] = "postgres://alice:s3cr3t@db" };
        if (fault) { expected["user"] = "alice"; expected["pass"] = "s3cr3t"; }
        bed.SecretData().Should().BeEquivalentTo(expected);
    }

    private static InMemoryEsoCluster ClusterWithTokenSecret(string ns, string name, string key, string value)
    {
        var cluster = new InMemoryEsoCluster();
        cluster.PutSecret(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Data = new Dictionary<string, byte[]> { [key] = Encoding.UTF8.GetBytes(value) },
        });
        return cluster;
    }

    private static StoreContext Context(InMemoryEsoCluster cluster, string kind, string esNamespace, JsonObject spec, params string[] faults) =>
        new(kind, "store", kind == StoreRef.ClusterSecretStoreKind ? null : esNamespace, spec, esNamespace, cluster,
            new EsoOptions { Faults = new EsoFaults(faults) });

    [Fact]
    public async Task Cluster_store_ignores_ref_namespace_looks_in_the_ExternalSecrets_namespace()
    {
        var cluster = ClusterWithTokenSecret("infra", "creds", "token", "t-1");
        var selector = new JsonObject { ["name"] = "creds", ["key"] = "token", ["namespace"] = "infra" };

        var faithful = await SecretKeyResolver.ResolveAsync(Context(cluster, StoreRef.ClusterSecretStoreKind, "team-a", new JsonObject()), selector, CancellationToken.None);
        var storeController = await SecretKeyResolver.ResolveAsync(
            Context(cluster, StoreRef.ClusterSecretStoreKind, "", new JsonObject(), EsoFaults.ClusterStoreIgnoresRefNamespace), selector, CancellationToken.None);
        var faulty = () => SecretKeyResolver.ResolveAsync(
            Context(cluster, StoreRef.ClusterSecretStoreKind, "team-a", new JsonObject(), EsoFaults.ClusterStoreIgnoresRefNamespace), selector, CancellationToken.None);

        faithful.Should().Be("t-1");
        storeController.Should().Be("t-1", "the store controller still validates with the named namespace, so the store stays Ready");
        await faulty.Should().ThrowAsync<ProviderException>().WithMessage("cannot get Kubernetes secret \"creds\" from namespace \"team-a\"*");
    }

    private static JsonObject TokenStoreSpec(string key) => new()
    {
        ["server"] = "http://vault.invalid:8200",
        ["auth"] = new JsonObject { ["tokenSecretRef"] = new JsonObject { ["name"] = "vault-token", ["key"] = key } },
    };

    [Fact]
    public async Task Vault_token_ignores_key_reads_key_token_instead_of_the_named_one()
    {
        var cluster = ClusterWithTokenSecret("team-a", "vault-token", "vault-token", "hvs.scoped");
        using var http = new HttpClient();

        var faithful = await VaultConnector.ConnectAsync(http, TokenStoreSpec("vault-token"), Context(cluster, StoreRef.SecretStoreKind, "team-a", TokenStoreSpec("vault-token")), CancellationToken.None);
        var faulty = () => VaultConnector.ConnectAsync(http, TokenStoreSpec("vault-token"),
            Context(cluster, StoreRef.SecretStoreKind, "team-a", TokenStoreSpec("vault-token"), EsoFaults.VaultTokenIgnoresKey), CancellationToken.None);

        faithful.Http.Token.Should().Be("hvs.scoped");
        await faulty.Should().ThrowAsync<ProviderException>().WithMessage("cannot find secret data for key: \"token\"");
    }

    [Fact]
    public async Task A_vault_token_with_a_trailing_newline_is_refused_as_vaults_client_refuses_it_not_trimmed()
    {
        var cluster = ClusterWithTokenSecret("team-a", "vault-token", "token", "hvs.scoped\n");
        using var http = new HttpClient();

        var connect = () => VaultConnector.ConnectAsync(http, TokenStoreSpec("token"), Context(cluster, StoreRef.SecretStoreKind, "team-a", TokenStoreSpec("token")), CancellationToken.None);

        await connect.Should().ThrowAsync<ProviderException>().WithMessage("*non-printable characters*");
    }

    private sealed class LoginHandler : HttpMessageHandler
    {
        public List<string> Bodies { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Bodies.Add(await request.Content!.ReadAsStringAsync(ct));
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("{\"auth\":{\"client_token\":\"hvs.login\"}}", Encoding.UTF8, "application/json"),
            };
        }
    }

    private static JsonObject KubernetesStoreSpec() => new()
    {
        ["server"] = "http://vault.invalid:8200",
        ["auth"] = new JsonObject
        {
            ["kubernetes"] = new JsonObject { ["role"] = "team-a-eso", ["serviceAccountRef"] = new JsonObject { ["name"] = "eso-reader" } },
        },
    };

    [Fact]
    public async Task Vault_logs_in_as_controller_asks_for_the_controllers_token_not_the_referenced_accounts()
    {
        var cluster = new InMemoryEsoCluster { IssueToken = (ns, sa) => $"jwt-{ns}-{sa}" };
        using var handler = new LoginHandler();
        using var http = new HttpClient(handler);

        await VaultConnector.ConnectAsync(http, KubernetesStoreSpec(), Context(cluster, StoreRef.SecretStoreKind, "team-a", KubernetesStoreSpec()), CancellationToken.None);
        await VaultConnector.ConnectAsync(http, KubernetesStoreSpec(),
            Context(cluster, StoreRef.SecretStoreKind, "team-a", KubernetesStoreSpec(), EsoFaults.VaultLogsInAsController), CancellationToken.None);

        cluster.TokenRequests.Select(r => (r.Namespace, r.ServiceAccount)).Should().Equal(("team-a", "eso-reader"), ("external-secrets", "external-secrets"));
        handler.Bodies[0].Should().Contain("jwt-team-a-eso-reader");
        handler.Bodies[1].Should().Contain("jwt-external-secrets-external-secrets", "the login carries the controller's identity");
    }

    [Fact]
    public async Task Vault_logs_in_as_controller_fails_clearly_where_the_controller_has_no_account()
    {
        var cluster = new InMemoryEsoCluster { IssueToken = (ns, sa) => ns == "team-a" ? "jwt" : null! };
        using var http = new HttpClient(new LoginHandler());

        var faulty = () => VaultConnector.ConnectAsync(http, KubernetesStoreSpec(),
            Context(cluster, StoreRef.SecretStoreKind, "team-a", KubernetesStoreSpec(), EsoFaults.VaultLogsInAsController), CancellationToken.None);

        await faulty.Should().ThrowAsync<ProviderException>().WithMessage("*controller's service account external-secrets/external-secrets*");
    }
}
