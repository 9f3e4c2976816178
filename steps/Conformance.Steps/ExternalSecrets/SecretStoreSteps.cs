using System.Net;
using System.Net.Sockets;
using Conformance.Fixtures.ExternalSecrets;
using Conformance.Fixtures.Kube;
using Conformance.Fixtures.Secrets;
using Conformance.Fixtures.Vault;
using Conformance.Runner;
using Conformance.Steps.Support;

namespace Conformance.Steps.ExternalSecrets;

/// <summary>
/// SecretStores and ClusterSecretStores for AWS Secrets Manager (static keys from a Secret; the endpoint is the
/// world's, set on the controller) and Vault KV v2 (a scoped token, or Kubernetes auth with a role bound to one
/// service account of the scenario's namespace). ESO only uses Ready stores (flood gate, reference/eso.md §4), so the
/// usable stores are awaited before the scenario goes on.
/// </summary>
[Binding]
public sealed class SecretStoreSteps(EsoScenario eso, ScenarioWorld world)
{
    private const string AwsCredentialsSecret = "aws-store-credentials";
    private const string VaultTokenSecret = "vault-token";

    [Given("a SecretStore {string} for {word}")]
    public async Task GivenAStore(string name, string provider)
    {
        var store = provider == "aws" ? await AwsStoreAsync(name, world.Namespace, cluster: false) : await VaultTokenStoreAsync(name, world.Namespace, cluster: false);
        await ApplyAndAwaitReadyAsync(store, world.Namespace);
    }

    [Given("a SecretStore {string} for vault that authenticates with a token")]
    public Task GivenAVaultTokenStore(string name) => GivenAStore(name, "vault");

    // reference/eso.md §3b: tokenSecretRef {name, key}; a key other than "token" shows ESO reads the key the store names.
    [Given("a SecretStore {string} for vault that authenticates with a token under key {string}")]
    public async Task GivenAVaultTokenStoreWithKey(string name, string key)
    {
        var store = await VaultTokenStoreAsync(name, world.Namespace, cluster: false, tokenKey: key);
        await ApplyAndAwaitReadyAsync(store, world.Namespace);
    }

    // ADR-002 §Implementation: ESO logs in to Vault with Kubernetes auth as a service account.
    [Given("a SecretStore {string} for vault that logs in with Kubernetes auth as service account {string}")]
    public async Task GivenAVaultKubernetesStore(string name, string serviceAccount)
    {
        await KubernetesRoleAsync(serviceAccount);
        var store = SecretStoreManifest.Vault(name, VaultInCluster, VaultStoreAuth.Kubernetes(RoleName, serviceAccount));
        await ApplyAndAwaitReadyAsync(store, world.Namespace);
    }

    [Given("a SecretStore {string} for vault that logs in with Kubernetes auth as service account {string}, which the role does not bind")]
    public async Task GivenAVaultKubernetesStoreWithUnboundAccount(string name, string serviceAccount)
    {
        await KubernetesRoleAsync("eso-reader");
        await world.Kube.CreateServiceAccountAsync(world.Namespace, serviceAccount, cancellationToken: world.Cancellation);
        var store = SecretStoreManifest.Vault(name, VaultInCluster, VaultStoreAuth.Kubernetes(RoleName, serviceAccount));
        await eso.Eso.ApplyStoreAsync(store, world.Namespace, world.Cancellation);
    }

    [Given("a ClusterSecretStore for {word}")]
    public async Task GivenAClusterStore(string provider)
    {
        // Cluster-scoped, so named after the namespace; its credentials live in the scenario's namespace and are named
        // with that namespace, so ESO resolves them there for every ExternalSecret (no "referent" auth).
        var name = eso.ClusterStoreName;
        var store = provider == "aws" ? await AwsStoreAsync(name, world.Namespace, cluster: true) : await VaultTokenStoreAsync(name, world.Namespace, cluster: true);
        eso.OnCleanup(() => world.Kube.DeleteAsync(KubeResource.ClusterSecretStores, null, name, CancellationToken.None));
        await ApplyAndAwaitReadyAsync(store, null);
    }

    [Given("a SecretStore {string} for {word} with wrong credentials")]
    public async Task GivenAStoreWithWrongCredentials(string name, string provider)
    {
        eso.UseProvider(provider);
        SecretStoreManifest store;
        if (provider == "aws")
        {
            // Keys moto's IAM never issued: moto (authenticating) answers InvalidClientTokenId, as AWS does.
            var keys = world.NewCanaries(AwsCredentialsSecret, ["access-key-id", "secret-access-key"]);
            await world.Kube.CreateSecretAsync(world.Namespace, AwsCredentialsSecret, keys, cancellationToken: world.Cancellation);
            store = SecretStoreManifest.Aws(name, eso.Aws.Region, new(AwsCredentialsSecret, "access-key-id"), new(AwsCredentialsSecret, "secret-access-key"));
        }
        else
        {
            // A token Vault never issued.
            var token = world.NewCanaries(VaultTokenSecret, ["token"]);
            await world.Kube.CreateSecretAsync(world.Namespace, VaultTokenSecret, token, cancellationToken: world.Cancellation);
            store = SecretStoreManifest.Vault(name, VaultInCluster, VaultStoreAuth.Token(new(VaultTokenSecret, "token")));
        }
        await eso.Eso.ApplyStoreAsync(store, world.Namespace, world.Cancellation);
    }

    [Given("a SecretStore {string} for vault at an address where nothing listens")]
    public async Task GivenAnUnreachableVaultStore(string name)
    {
        eso.UseProvider("vault");
        var token = world.NewCanaries(VaultTokenSecret, ["token"]);
        await world.Kube.CreateSecretAsync(world.Namespace, VaultTokenSecret, token, cancellationToken: world.Cancellation);
        var store = SecretStoreManifest.Vault(name, new Uri($"http://127.0.0.1:{ClosedPort()}"), VaultStoreAuth.Token(new(VaultTokenSecret, "token")));
        await eso.Eso.ApplyStoreAsync(store, world.Namespace, world.Cancellation);
    }

    [Then("within {int} seconds the SecretStore {string} is not Ready with reason {string}")]
    public Task ThenTheStoreIsNotReady(int seconds, string name, string reason) =>
        eso.Eso.WaitForReadyAsync(KubeResource.SecretStores, world.Namespace, name, false, reason, TimeSpan.FromSeconds(seconds), world.Cancellation);

    // ---------------------------------------------------------------- building blocks

    private async Task ApplyAndAwaitReadyAsync(SecretStoreManifest store, string? @namespace)
    {
        await eso.Eso.ApplyStoreAsync(store, @namespace, world.Cancellation);
        await eso.Eso.WaitForReadyAsync(store.Resource, @namespace, store.Name, c => c.IsTrue, "Ready=True (store validated)", EsoScenario.SyncBudget,
            world.Cancellation);
    }

    private async Task<SecretStoreManifest> AwsStoreAsync(string name, string @namespace, bool cluster)
    {
        eso.UseProvider("aws");
        var aws = eso.Aws;
        var keys = new Dictionary<string, SecretValue>
        {
            ["access-key-id"] = TestRun.Ledger.Register(aws.AccessKeyId, "AWS access key id", SecretKind.AwsKey),
            ["secret-access-key"] = TestRun.Ledger.Register(aws.SecretAccessKey, "AWS secret access key", SecretKind.AwsKey),
        };
        await world.Kube.ApplySecretAsync(@namespace, AwsCredentialsSecret, keys, cancellationToken: world.Cancellation);
        var ns = cluster ? @namespace : null;
        var store = SecretStoreManifest.Aws(name, aws.Region, new(AwsCredentialsSecret, "access-key-id", ns), new(AwsCredentialsSecret, "secret-access-key", ns));
        return cluster ? store.AsClusterStore() : store;
    }

    /// <summary>A token that can read only this scenario's part of KV (least privilege, GUIDE §Security Best Practices).</summary>
    private async Task<SecretStoreManifest> VaultTokenStoreAsync(string name, string @namespace, bool cluster, string tokenKey = "token")
    {
        eso.UseProvider("vault");
        await ScenarioPolicyAsync();
        var auth = await eso.Vault.CreateTokenAsync([PolicyName], ttl: TimeSpan.FromMinutes(15), displayName: "eso-" + world.Namespace,
            cancellationToken: world.Cancellation);
        var token = TestRun.Ledger.Register(auth.ClientToken, $"Vault token for ESO in {world.Namespace}", SecretKind.Token);
        eso.OnCleanup(() => eso.Vault.RevokeTokenAsync(token.Reveal(), CancellationToken.None));
        await world.Kube.ApplySecretAsync(@namespace, VaultTokenSecret, new Dictionary<string, SecretValue> { [tokenKey] = token },
            cancellationToken: world.Cancellation);
        var store = SecretStoreManifest.Vault(name, VaultInCluster, VaultStoreAuth.Token(new(VaultTokenSecret, tokenKey, cluster ? @namespace : null)));
        return cluster ? store.AsClusterStore() : store;
    }

    /// <summary>A Kubernetes auth role bound to one service account of this namespace, reading this scenario's KV part.</summary>
    private async Task KubernetesRoleAsync(string serviceAccount)
    {
        eso.UseProvider("vault");
        await ScenarioPolicyAsync();
        if (await world.Kube.GetServiceAccountAsync(world.Namespace, serviceAccount, world.Cancellation) is null)
            await world.Kube.CreateServiceAccountAsync(world.Namespace, serviceAccount, cancellationToken: world.Cancellation);
        await eso.Vault.WriteKubernetesRoleAsync(RoleName,
            new KubernetesAuthRole([serviceAccount], [world.Namespace], [PolicyName], TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30)),
            cancellationToken: world.Cancellation);
        var role = RoleName;
        eso.OnCleanup(() => eso.Vault.DeleteAsync($"auth/{VaultClient.DefaultKubernetesAuthMount}/role/{role}", CancellationToken.None));
    }

    private async Task ScenarioPolicyAsync()
    {
        if (eso.VaultPolicyWritten)
            return;
        var hcl = $"path \"{VaultClient.DefaultKvMount}/data/{world.Namespace}/*\" {{\n  capabilities = [\"read\"]\n}}\n";
        await eso.Vault.PutPolicyAsync(PolicyName, hcl, world.Cancellation);
        var policy = PolicyName;
        eso.OnCleanup(() => eso.Vault.DeletePolicyAsync(policy, CancellationToken.None));
        eso.VaultPolicyWritten = true;
    }

    private string PolicyName => "conformance-" + world.Namespace;

    private string RoleName => world.Namespace + "-eso";

    private Uri VaultInCluster => (world.World.Vault ?? throw new InvalidOperationException("this world has no Vault")).InClusterAddress;

    // A port that was free a moment ago and that nothing listens on: connection refused, at once.
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
