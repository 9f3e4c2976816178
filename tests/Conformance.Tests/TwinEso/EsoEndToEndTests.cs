using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conformance.Twin.Eso;
using Conformance.Twin.Eso.Model;
using FluentAssertions;
using k8s;
using k8s.Models;
using Xunit;

namespace Conformance.Tests.TwinEso;

/// <summary>
/// The twin ESO controller end to end: stores and ExternalSecrets created through the twin Kubernetes API (real ESO
/// CRDs, schema validation), secrets read from the twin Vault and moto_server, Secrets watched appearing and changing.
/// </summary>
public sealed class EsoEndToEndTests(TwinWorldFixture world, ITestOutputHelper output) : IClassFixture<TwinWorldFixture>
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(20);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private IKubernetes Client => world.Client;

    private void SkipIfUnavailable() => Assert.SkipWhen(world.SkipReason is not null, world.SkipReason ?? "");

    private Task CreateAsync(string ns, string plural, JsonObject body) =>
        Client.CustomObjects.CreateNamespacedCustomObjectAsync(JsonSerializer.Deserialize<JsonElement>(body.ToJsonString()), "external-secrets.io", "v1", ns, plural);

    private async Task PutTokenSecretAsync(string ns, string token) =>
        await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "vault-token" },
            Data = new Dictionary<string, byte[]> { ["token"] = Encoding.UTF8.GetBytes(token) },
        }, ns);

    private JsonObject VaultStore(string name, JsonObject auth) => new()
    {
        ["apiVersion"] = "external-secrets.io/v1", ["kind"] = "SecretStore",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject
        {
            ["provider"] = new JsonObject
            {
                ["vault"] = new JsonObject { ["server"] = world.Vault.Address.ToString().TrimEnd('/'), ["path"] = "secret", ["version"] = "v2", ["auth"] = auth },
            },
        },
    };

    private static JsonObject TokenAuth() => new() { ["tokenSecretRef"] = new JsonObject { ["name"] = "vault-token", ["key"] = "token" } };

    private static JsonObject ExternalSecret(string name, string store, string remoteKey, string interval = "2s", string deletionPolicy = "Retain", string property = "password") => new()
    {
        ["apiVersion"] = "external-secrets.io/v1", ["kind"] = "ExternalSecret",
        ["metadata"] = new JsonObject { ["name"] = name },
        ["spec"] = new JsonObject
        {
            ["refreshInterval"] = interval,
            ["secretStoreRef"] = new JsonObject { ["name"] = store, ["kind"] = "SecretStore" },
            ["target"] = new JsonObject { ["name"] = name + "-secret", ["deletionPolicy"] = deletionPolicy },
            ["data"] = new JsonArray(new JsonObject { ["secretKey"] = "password", ["remoteRef"] = new JsonObject { ["key"] = remoteKey, ["property"] = property } }),
        },
    };

    private Task<JsonObject?> StoreReadyAsync(string ns, string name, string status) =>
        KubeWait.CustomAsync(Client, "external-secrets.io", "v1", "secretstores", ns, name,
            o => Ready(o)?.Status == status, Budget, $"SecretStore {ns}/{name} Ready={status}");

    private Task<JsonObject?> EsReadyAsync(string ns, string name, string reason) =>
        KubeWait.CustomAsync(Client, "external-secrets.io", "v1", "externalsecrets", ns, name,
            o => Ready(o)?.Reason == reason, Budget, $"ExternalSecret {ns}/{name} Ready reason {reason}");

    private static (string Status, string Reason, string Message)? Ready(JsonObject? o) =>
        o?.Objects("status", "conditions").FirstOrDefault(c => c.Str("type") == "Ready") is { } c ? (c.Str("status")!, c.Str("reason")!, c.Str("message")!) : null;

    private static string Value(V1Secret? s, string key) => s?.Data is { } d && d.TryGetValue(key, out var v) ? Encoding.UTF8.GetString(v) : "<absent>";

    [Fact]
    public async Task Vault_token_store_syncs_rotates_and_force_syncs()
    {
        SkipIfUnavailable();
        var ns = await world.NewNamespaceAsync("eso-vault");
        await world.VaultKvPutAsync($"{ns}/db", new { password = "p1" });
        await PutTokenSecretAsync(ns, world.Vault.RootToken);
        await CreateAsync(ns, "secretstores", VaultStore("vault", TokenAuth()));
        var store = await StoreReadyAsync(ns, "vault", "True");
        Ready(store).Should().Be(("True", "Valid", "store validated"));

        var sw = Stopwatch.StartNew();
        await CreateAsync(ns, "externalsecrets", ExternalSecret("app", "vault", $"{ns}/db"));
        var secret = await KubeWait.SecretAsync(Client, ns, "app-secret", s => Value(s, "password") == "p1", Budget, "the first sync");
        output.WriteLine($"first sync after {sw.ElapsedMilliseconds} ms");
        secret!.Metadata.Labels.Should().Contain(EsoLabels.Managed, "true");
        secret.Metadata.OwnerReferences.Should().ContainSingle(r => r.Kind == "ExternalSecret" && r.Name == "app" && r.Controller == true);
        var es = await EsReadyAsync(ns, "app", "SecretSynced");
        Ready(es).Should().Be(("True", "SecretSynced", "secret synced"));
        es.Str("status", "binding", "name").Should().Be("app-secret");
        es.Str("status", "refreshTime").Should().NotBeNullOrEmpty();

        // Rotation reaches the Secret within the 2 s refresh interval.
        sw.Restart();
        await world.VaultKvPutAsync($"{ns}/db", new { password = "p2" });
        await KubeWait.SecretAsync(Client, ns, "app-secret", s => Value(s, "password") == "p2", TimeSpan.FromSeconds(10), "the rotation within refreshInterval 2s");
        output.WriteLine($"rotation seen after {sw.ElapsedMilliseconds} ms (interval 2 s)");

        // Force-sync: with a 1 h interval only an annotation change brings the new value.
        var patch = new V1Patch("""{"spec":{"refreshInterval":"1h"}}""", V1Patch.PatchType.MergePatch);
        await Client.CustomObjects.PatchNamespacedCustomObjectAsync(patch, "external-secrets.io", "v1", ns, "externalsecrets", "app", cancellationToken: Ct);
        await world.VaultKvPutAsync($"{ns}/db", new { password = "p3" });
        sw.Restart();
        var annotations = new JsonObject { ["metadata"] = new JsonObject { ["annotations"] = new JsonObject { [EsoLabels.ForceSync] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture) } } };
        var annotate = new V1Patch(annotations.ToJsonString(), V1Patch.PatchType.MergePatch);
        await Client.CustomObjects.PatchNamespacedCustomObjectAsync(annotate, "external-secrets.io", "v1", ns, "externalsecrets", "app", cancellationToken: Ct);
        await KubeWait.SecretAsync(Client, ns, "app-secret", s => Value(s, "password") == "p3", TimeSpan.FromSeconds(10), "the force-sync");
        output.WriteLine($"force-sync seen after {sw.ElapsedMilliseconds} ms");

        var events = await Client.CoreV1.ListNamespacedEventAsync(ns, cancellationToken: Ct);
        events.Items.Should().Contain(e => e.Reason == "Created" && e.InvolvedObject.Name == "app" && e.Source.Component == "external-secrets");
        events.Items.Should().Contain(e => e.Reason == "Updated" && e.Message == "secret updated");
    }

    [Fact]
    public async Task Bad_vault_token_fails_the_store_and_the_ExternalSecret()
    {
        SkipIfUnavailable();
        var ns = await world.NewNamespaceAsync("eso-badtoken");
        await PutTokenSecretAsync(ns, "hvs.not-a-token");
        await CreateAsync(ns, "secretstores", VaultStore("vault", TokenAuth()));
        var store = await StoreReadyAsync(ns, "vault", "False");
        Ready(store).Should().Be(("False", "InvalidProviderConfig", "unable to validate store"));
        await CreateAsync(ns, "externalsecrets", ExternalSecret("app", "vault", $"{ns}/db"));
        var es = await EsReadyAsync(ns, "app", "SecretSyncedError");
        Ready(es)!.Value.Message.Should().Be("could not get secret data from provider");
        (await Client.CoreV1.ListNamespacedSecretAsync(ns, fieldSelector: "metadata.name=app-secret", cancellationToken: Ct)).Items.Should().BeEmpty();
        var events = await Client.CoreV1.ListNamespacedEventAsync(ns, cancellationToken: Ct);
        events.Items.Should().Contain(e => e.Reason == "UpdateFailed" && e.Message.Contains("SecretStore \"vault\" is not ready"));
        events.Items.Should().Contain(e => e.Reason == "InvalidProviderConfig" && e.Message.StartsWith("invalid vault credentials: Error making API request.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Retain")]
    [InlineData("Delete")]
    public async Task Remote_deletion_follows_the_deletionPolicy(string policy)
    {
        SkipIfUnavailable();
        var ns = await world.NewNamespaceAsync("eso-del-" + policy.ToLowerInvariant());
        await world.VaultKvPutAsync($"{ns}/db", new { password = "p1" });
        await PutTokenSecretAsync(ns, world.Vault.RootToken);
        await CreateAsync(ns, "secretstores", VaultStore("vault", TokenAuth()));
        await StoreReadyAsync(ns, "vault", "True");
        await CreateAsync(ns, "externalsecrets", ExternalSecret("app", "vault", $"{ns}/db", deletionPolicy: policy));
        await KubeWait.SecretAsync(Client, ns, "app-secret", s => Value(s, "password") == "p1", Budget, "the first sync");

        await world.VaultAsync(HttpMethod.Delete, $"secret/metadata/{ns}/db");
        if (policy == "Retain")
        {
            var es = await EsReadyAsync(ns, "app", "SecretSyncedError");
            Ready(es)!.Value.Message.Should().Be("could not get secret data from provider");
            Value(await Client.CoreV1.ReadNamespacedSecretAsync("app-secret", ns, cancellationToken: Ct), "password").Should().Be("p1");
        }
        else
        {
            await KubeWait.SecretAsync(Client, ns, "app-secret", s => s is null, Budget, "the Secret to be deleted under DeletionPolicy=Delete");
            var es = await EsReadyAsync(ns, "app", "SecretDeleted");
            Ready(es).Should().Be(("True", "SecretDeleted", "secret deleted due to DeletionPolicy=Delete"));
        }
    }

    [Fact]
    public async Task Owned_secret_is_garbage_collected_with_its_ExternalSecret()
    {
        SkipIfUnavailable();
        var ns = await world.NewNamespaceAsync("eso-gc");
        await world.VaultKvPutAsync($"{ns}/db", new { password = "p1" });
        await PutTokenSecretAsync(ns, world.Vault.RootToken);
        await CreateAsync(ns, "secretstores", VaultStore("vault", TokenAuth()));
        await StoreReadyAsync(ns, "vault", "True");
        await CreateAsync(ns, "externalsecrets", ExternalSecret("app", "vault", $"{ns}/db"));
        await KubeWait.SecretAsync(Client, ns, "app-secret", s => s is not null, Budget, "the first sync");
        await Client.CustomObjects.DeleteNamespacedCustomObjectAsync("external-secrets.io", "v1", ns, "externalsecrets", "app", cancellationToken: Ct);
        await KubeWait.CustomAsync(Client, "external-secrets.io", "v1", "externalsecrets", ns, "app", o => o is null, Budget, "the ExternalSecret to go (finalizer removed)");
        await KubeWait.SecretAsync(Client, ns, "app-secret", s => s is null, Budget, "the owned Secret to be garbage-collected");
    }

    [Fact]
    public async Task Vault_kubernetes_auth_through_a_TokenRequest()
    {
        SkipIfUnavailable();
        var ns = await world.NewNamespaceAsync("eso-k8sauth");
        await Client.CoreV1.CreateNamespacedServiceAccountAsync(new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = "eso-reader" } }, ns, cancellationToken: Ct);
        var mount = "k8s-" + ns;
        await world.VaultAsync(HttpMethod.Post, $"sys/auth/{mount}", new { type = "kubernetes" });
        await world.VaultAsync(HttpMethod.Post, $"auth/{mount}/config", new
        {
            kubernetes_host = world.Kube.BaseAddress.ToString().TrimEnd('/'), kubernetes_ca_cert = world.Kube.CaCertificatePem,
            token_reviewer_jwt = world.Kube.AdminToken, disable_local_ca_jwt = true,
        });
        await world.VaultAsync(HttpMethod.Post, $"sys/policies/acl/{ns}", new { policy = $"path \"secret/data/{ns}/*\" {{ capabilities = [\"read\"] }}" });
        await world.VaultAsync(HttpMethod.Post, $"auth/{mount}/role/eso", new { bound_service_account_names = "eso-reader", bound_service_account_namespaces = ns, token_policies = ns, ttl = "1h" });
        await world.VaultKvPutAsync($"{ns}/db", new { password = "k8s-p1" });

        var auth = new JsonObject { ["kubernetes"] = new JsonObject { ["mountPath"] = mount, ["role"] = "eso", ["serviceAccountRef"] = new JsonObject { ["name"] = "eso-reader" } } };
        await CreateAsync(ns, "secretstores", VaultStore("vault", auth));
        var store = await StoreReadyAsync(ns, "vault", "True");
        Ready(store)!.Value.Reason.Should().Be("Valid");
        await CreateAsync(ns, "externalsecrets", ExternalSecret("app", "vault", $"{ns}/db"));
        await KubeWait.SecretAsync(Client, ns, "app-secret", s => Value(s, "password") == "k8s-p1", Budget, "the sync through Kubernetes auth");
    }

    [Fact]
    public async Task VaultDynamicSecret_generator_issues_fresh_credentials()
    {
        SkipIfUnavailable();
        var ns = await world.NewNamespaceAsync("eso-gen");
        await PutTokenSecretAsync(ns, world.Vault.RootToken);
        var generator = new JsonObject
        {
            ["apiVersion"] = "generators.external-secrets.io/v1alpha1", ["kind"] = "VaultDynamicSecret",
            ["metadata"] = new JsonObject { ["name"] = "child-token" },
            ["spec"] = new JsonObject
            {
                ["path"] = "auth/token/create", ["method"] = "POST", ["resultType"] = "Auth",
                ["parameters"] = new JsonObject { ["ttl"] = "10m", ["policies"] = new JsonArray("default") },
                ["provider"] = new JsonObject { ["server"] = world.Vault.Address.ToString().TrimEnd('/'), ["auth"] = TokenAuth() },
            },
        };
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(JsonSerializer.Deserialize<JsonElement>(generator.ToJsonString()), "generators.external-secrets.io", "v1alpha1", ns, "vaultdynamicsecrets", cancellationToken: Ct);
        var es = new JsonObject
        {
            ["apiVersion"] = "external-secrets.io/v1", ["kind"] = "ExternalSecret",
            ["metadata"] = new JsonObject { ["name"] = "dyn" },
            ["spec"] = new JsonObject
            {
                ["refreshInterval"] = "2s",
                ["target"] = new JsonObject { ["name"] = "dyn-secret" },
                ["dataFrom"] = new JsonArray(new JsonObject { ["sourceRef"] = new JsonObject { ["generatorRef"] = new JsonObject { ["apiVersion"] = "generators.external-secrets.io/v1alpha1", ["kind"] = "VaultDynamicSecret", ["name"] = "child-token" } } }),
            },
        };
        await CreateAsync(ns, "externalsecrets", es);
        var first = await KubeWait.SecretAsync(Client, ns, "dyn-secret", s => Value(s, "client_token") != "<absent>", Budget, "generated credentials");
        var firstToken = Value(first, "client_token");
        (await world.VaultAsync(HttpMethod.Get, "auth/token/lookup-self", token: firstToken)).Should().NotBeNull();
        // Each refresh generates anew (ESO generators have no memory without generator state).
        await KubeWait.SecretAsync(Client, ns, "dyn-secret", s => Value(s, "client_token") is var t && t != "<absent>" && t != firstToken, TimeSpan.FromSeconds(10), "regenerated credentials after refreshInterval");
    }

    [Fact]
    public async Task Aws_store_reads_from_moto_with_static_keys()
    {
        SkipIfUnavailable();
        Assert.SkipWhen(world.Moto.SkipReason is not null, world.Moto.SkipReason ?? "");
        var ns = await world.NewNamespaceAsync("eso-aws");
        var sm = new Conformance.Twin.Eso.Providers.Aws.SecretsManagerClient(world.Http, world.Moto.Endpoint!, "us-east-1", new("AKIDTWIN", "secret"), TimeProvider.System);
        await sm.CallAsync("CreateSecret", new JsonObject { ["Name"] = $"{ns}/db", ["SecretString"] = """{"password":"aws-p1"}""" }, CancellationToken.None);
        await Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "awssm-creds" },
            Data = new Dictionary<string, byte[]> { ["access-key-id"] = "AKIDTWIN"u8.ToArray(), ["secret-access-key"] = "secret"u8.ToArray() },
        }, ns, cancellationToken: Ct);
        await CreateAsync(ns, "secretstores", new JsonObject
        {
            ["apiVersion"] = "external-secrets.io/v1", ["kind"] = "SecretStore",
            ["metadata"] = new JsonObject { ["name"] = "aws" },
            ["spec"] = new JsonObject
            {
                ["provider"] = new JsonObject
                {
                    ["aws"] = new JsonObject
                    {
                        ["service"] = "SecretsManager", ["region"] = "us-east-1",
                        ["auth"] = new JsonObject { ["secretRef"] = new JsonObject
                        {
                            ["accessKeyIDSecretRef"] = new JsonObject { ["name"] = "awssm-creds", ["key"] = "access-key-id" },
                            ["secretAccessKeySecretRef"] = new JsonObject { ["name"] = "awssm-creds", ["key"] = "secret-access-key" },
                        } },
                    },
                },
            },
        });
        await StoreReadyAsync(ns, "aws", "True");
        await CreateAsync(ns, "externalsecrets", ExternalSecret("app", "aws", $"{ns}/db"));
        await KubeWait.SecretAsync(Client, ns, "app-secret", s => Value(s, "password") == "aws-p1", Budget, "the sync from moto");
        await sm.CallAsync("PutSecretValue", new JsonObject { ["SecretId"] = $"{ns}/db", ["SecretString"] = """{"password":"aws-p2"}""" }, CancellationToken.None);
        await KubeWait.SecretAsync(Client, ns, "app-secret", s => Value(s, "password") == "aws-p2", TimeSpan.FromSeconds(10), "the rotation from moto");
    }

    [Fact]
    public void Controller_starts_fast()
    {
        SkipIfUnavailable();
        output.WriteLine($"TwinExternalSecrets.StartAsync took {world.EsoStartTime.TotalMilliseconds:0} ms");
        world.EsoStartTime.Should().BeLessThan(TimeSpan.FromSeconds(2));
    }
}
