using System.Text.Json.Nodes;
using Conformance.Environments.Plan;
using Conformance.Fixtures.Kube;
using Conformance.Runner;
using Conformance.Steps.Support;

namespace Conformance.Steps.Vault;

/// <summary>
/// Dynamic credentials through ESO: a <c>VaultDynamicSecret</c> generator (generators.external-secrets.io/v1alpha1)
/// used by an ExternalSecret's <c>dataFrom[].sourceRef.generatorRef</c> (reference/eso.md), so the operator's job gets
/// them as an ordinary Secret: the Tier 3 path that works through the operator.
/// </summary>
[Binding]
public sealed class VaultDynamicSecretSteps(ScenarioWorld world, VaultScenario vault)
{
    public static readonly KubeResource VaultDynamicSecrets =
        new("generators.external-secrets.io", "v1alpha1", "vaultdynamicsecrets", "VaultDynamicSecret", true);

    [Given("a VaultDynamicSecret generator {string} reading the credentials of database role {string} with Kubernetes auth role {string} as ServiceAccount {string}")]
    public Task GivenAGenerator(string name, string databaseRole, string authRole, string serviceAccount)
    {
        var address = (world.World.Vault ?? throw new StepFailedException("this world has no Vault")).InClusterAddress.ToString().TrimEnd('/');
        return world.Kube.CreateAsync(VaultDynamicSecrets, world.Namespace, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = new JsonObject
            {
                ["path"] = vault.CredsPath(databaseRole),
                ["method"] = "GET",
                ["provider"] = new JsonObject
                {
                    ["server"] = address,
                    ["auth"] = new JsonObject
                    {
                        ["kubernetes"] = new JsonObject
                        {
                            ["mountPath"] = VaultConfiguration.KubernetesMount,
                            ["role"] = vault.AuthRoleName(authRole),
                            ["serviceAccountRef"] = new JsonObject { ["name"] = serviceAccount },
                        },
                    },
                },
            },
        }, world.Cancellation);
    }

    [Given("an ExternalSecret {string} filling Secret {string} from generator {string}")]
    public Task GivenAnExternalSecret(string name, string secret, string generator) =>
        world.Kube.CreateAsync(KubeResource.ExternalSecrets, world.Namespace, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = new JsonObject
            {
                // One generation per scenario: each refresh would issue a new lease (and user) without revoking the last.
                ["refreshInterval"] = "1h",
                ["target"] = new JsonObject { ["name"] = secret },
                ["dataFrom"] = new JsonArray(new JsonObject
                {
                    ["sourceRef"] = new JsonObject
                    {
                        ["generatorRef"] = new JsonObject
                        {
                            ["apiVersion"] = VaultDynamicSecrets.ApiVersion,
                            ["kind"] = VaultDynamicSecrets.Kind,
                            ["name"] = generator,
                        },
                    },
                }),
            },
        }, world.Cancellation);

    [Given("ESO has created Secret {string} with keys {names} within {int} seconds")]
    public async Task WhenEsoCreatesTheSecret(string secret, string[] keys, int seconds)
    {
        var budget = TimeSpan.FromSeconds(seconds);
        await world.Kube.WaitForAsync(KubeResource.Secrets, world.Namespace, secret,
            s => s?["data"] is JsonObject data && keys.All(data.ContainsKey),
            $"Secret {world.Namespace}/{secret} with keys {string.Join(", ", keys)}", budget, world.Cancellation);
        world.Timeline.Mark("secret", "synced", budget: budget);
        _ = await world.Kube.GetSecretDataAsync(world.Namespace, secret, world.Cancellation); // registers the values in the ledger
    }

    [Then("the notebook saw env {string} equal to the value ESO wrote to Secret {string} key {string}")]
    public async Task ThenTheNotebookSawTheSecretValue(string env, string secret, string key)
    {
        var data = await world.Kube.GetSecretDataAsync(world.Namespace, secret, world.Cancellation)
                   ?? throw new StepFailedException($"Secret {world.Namespace}/{secret} is gone");
        var value = data.TryGetValue(key, out var v) ? v : throw new StepFailedException($"Secret {secret} has no key {key}");
        Fixtures.Probe.ProbeExpectation.Empty.Env(env, value).Verify(world.LastRun.RequireProbe(), TestRun.Ledger.Fingerprint);
    }

    [Then("the username in Secret {string} is a Postgres user Vault issued for database role {string}")]
    public async Task ThenTheUsernameIsIssued(string secret, string role)
    {
        var data = await world.Kube.GetSecretDataAsync(world.Namespace, secret, world.Cancellation)
                   ?? throw new StepFailedException($"Secret {world.Namespace}/{secret} is gone");
        var username = data.TryGetValue("username", out var u) ? u : throw new StepFailedException($"Secret {secret} has no key username");
        await vault.Watch(role).WaitAsync(w => w.Users.FirstOrDefault(x => x.Name == username.Reveal()),
            $"the Postgres user {username.Fingerprint} among the users made from {role}", TimeSpan.FromSeconds(3));
        if ((await vault.LeasesAsync(role)).Count == 0)
        {
            throw new StepFailedException($"Vault holds no lease for {role}, yet the Secret holds credentials from it");
        }
    }
}
