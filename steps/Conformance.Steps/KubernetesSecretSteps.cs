using Conformance.Runner;
using Conformance.Steps.Support;

namespace Conformance.Steps;

/// <summary>Namespaces, Secrets and ConfigMaps a scenario stands on. Secret values are generated canaries, never literals.</summary>
[Binding]
public sealed class KubernetesSecretSteps(ScenarioWorld world)
{
    [Given("a fresh namespace")]
    public Task GivenAFreshNamespace() => world.CreateNamespaceAsync();

    [Given("a Secret {string} holding generated canaries under {names}")]
    public async Task GivenASecretHoldingCanaries(string name, string[] keys)
    {
        var values = world.NewCanaries(name, keys);
        await world.Kube.CreateSecretAsync(world.Namespace, name, values, cancellationToken: world.Cancellation);
    }

    [Given("a ConfigMap {string} with {string} set to {string}")]
    public Task GivenAConfigMap(string name, string key, string value) =>
        world.Kube.CreateConfigMapAsync(world.Namespace, name, new Dictionary<string, string> { [key] = value }, world.Cancellation);
}
