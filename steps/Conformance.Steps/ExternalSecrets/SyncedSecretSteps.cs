using System.Text.RegularExpressions;
using Conformance.Fixtures.Kube;
using Conformance.Fixtures.Probe;
using Conformance.Runner;
using Conformance.Steps.Support;

namespace Conformance.Steps.ExternalSecrets;

/// <summary>
/// What ESO wrote: a Secret key compared with a remote value by fingerprint, waited for within a stated budget or
/// required to stay for a period; the Secret's keys, owner and existence; and what the notebook saw, compared with
/// the remote value.
/// </summary>
[Binding]
public sealed partial class SyncedSecretSteps(EsoScenario eso, ScenarioWorld world)
{
    [Given("a second fresh namespace")]
    public Task GivenASecondNamespace() => eso.CreateSecondNamespaceAsync();

    [Then("the Secret {string} key {string} holds remote {string} property {string}")]
    public Task ThenHolds(string secret, string key, string remote, string property) =>
        ThenHoldsWithin(EsoScenario.SyncBudget, world.Namespace, secret, key, remote, property, mark: false);

    [Then("within {int} seconds the Secret {string} key {string} holds remote {string} property {string}")]
    public Task ThenHoldsWithin(int seconds, string secret, string key, string remote, string property) =>
        ThenHoldsWithin(TimeSpan.FromSeconds(seconds), world.Namespace, secret, key, remote, property, mark: true);

    [Then("within {int} seconds the Secret {string} key {string} in the second namespace holds remote {string} property {string}")]
    public Task ThenHoldsInTheSecondNamespace(int seconds, string secret, string key, string remote, string property) =>
        ThenHoldsWithin(TimeSpan.FromSeconds(seconds), eso.SecondNamespace!, secret, key, remote, property, mark: false);

    [Then("for {int} seconds the Secret {string} key {string} keeps the previous value of remote {string} property {string}")]
    public Task ThenKeepsThePrevious(int seconds, string secret, string key, string remote, string property) =>
        Keeps(seconds, secret, key, eso.RemoteValue(remote, property, previous: true).Reveal(), $"the value of {remote}.{property} before the rotation");

    [Then("for {int} seconds the Secret {string} key {string} keeps remote {string} property {string}")]
    public Task ThenKeeps(int seconds, string secret, string key, string remote, string property) =>
        Keeps(seconds, secret, key, eso.RemoteValue(remote, property).Reveal(), $"the value of {remote}.{property}");

    [Then("the Secret {string} key {string} holds {string} filled in from remote {string}")]
    public async Task ThenHoldsTemplate(string secret, string key, string pattern, string remote)
    {
        // {name} in the pattern stands for the remote's property "name" (not <name>: that is an outline parameter).
        var expected = Placeholder().Replace(pattern, m => eso.RemoteValue(remote, m.Groups[1].Value).Reveal());
        TestRun.Ledger.Register(expected, $"Secret {secret} key {key} as rendered", Fixtures.Secrets.SecretKind.Canary);
        await eso.Eso.WaitForSecretKeyAsync(world.Namespace, secret, key, v => v == expected, $"hold \"{pattern}\" filled in from {remote}",
            EsoScenario.SyncBudget, secret, world.Cancellation);
    }

    [Then("the Secret {string} holds exactly the keys {names}")]
    public async Task ThenHoldsExactlyTheKeys(string secret, string[] keys) =>
        await WaitForKeysAsync(secret, keys, EsoScenario.SyncBudget);

    [Then("within {int} seconds the Secret {string} holds exactly the keys {names}")]
    public async Task ThenHoldsExactlyTheKeysWithin(int seconds, string secret, string[] keys)
    {
        await WaitForKeysAsync(secret, keys, TimeSpan.FromSeconds(seconds));
        world.Timeline.Mark("secret", $"{secret} keys now {string.Join(",", keys)}", budget: TimeSpan.FromSeconds(seconds));
    }

    [Then("within {int} seconds the Secret {string} is gone")]
    public async Task ThenGone(int seconds, string secret)
    {
        await world.Kube.WaitForAsync(KubeResource.Secrets, world.Namespace, secret, o => o is null, $"Secret {world.Namespace}/{secret} to be deleted",
            TimeSpan.FromSeconds(seconds), world.Cancellation);
        world.Timeline.Mark("secret", $"{secret} deleted", budget: TimeSpan.FromSeconds(seconds));
    }

    [Then("the Secret {string} does not exist")]
    public async Task ThenDoesNotExist(string secret)
    {
        var obj = await world.Kube.GetAsync(KubeResource.Secrets, world.Namespace, secret, world.Cancellation);
        if (obj is not null)
            throw new StepFailedException($"expected no Secret {secret}, but it exists: {world.Kube.Render(obj)}");
    }

    [Then("the Secret {string} is controlled by the ExternalSecret {string}")]
    public async Task ThenControlledBy(string secret, string externalSecret)
    {
        var (obj, owner) = await ControllerAsync(secret);
        if (owner is null || (string?)owner["kind"] != "ExternalSecret" || (string?)owner["name"] != externalSecret)
            throw new StepFailedException($"expected Secret {secret} to carry a controller ownerReference to ExternalSecret {externalSecret}; " +
                $"ownerReferences: {obj["metadata"]?["ownerReferences"]?.ToJsonString() ?? "none"}");
    }

    [Then("the Secret {string} has no owner")]
    public async Task ThenNoOwner(string secret)
    {
        var (obj, _) = await ControllerAsync(secret);
        if (obj["metadata"]?["ownerReferences"] is System.Text.Json.Nodes.JsonArray { Count: > 0 } refs)
            throw new StepFailedException($"expected Secret {secret} to have no ownerReferences, but it has {refs.ToJsonString()}");
    }

    [Then("the notebook saw env {string} equal to remote {string} property {string}")]
    public void ThenTheNotebookSaw(string env, string remote, string property)
    {
        ProbeExpectation.Empty.Env(env, eso.RemoteValue(remote, property)).Verify(world.LastRun.RequireProbe(), TestRun.Ledger.Fingerprint);
        world.Timeline.Mark("job", $"job saw {remote}.{property}");
    }

    // ---------------------------------------------------------------- helpers

    private async Task ThenHoldsWithin(TimeSpan budget, string @namespace, string secret, string key, string remote, string property, bool mark)
    {
        var value = eso.RemoteValue(remote, property);
        var expected = value.Reveal();
        var at = await eso.Eso.WaitForSecretKeyAsync(@namespace, secret, key, v => v == expected, $"hold {value}", budget,
            ExternalSecretOf(secret), world.Cancellation);
        if (mark)
            world.Timeline.Mark("secret", $"{secret}.{key} updated", at, budget);
    }

    private async Task Keeps(int seconds, string secret, string key, string expected, string what)
    {
        await eso.Eso.RequireSecretKeyStaysAsync(world.Namespace, secret, key, v => v == expected, what, TimeSpan.FromSeconds(seconds),
            ExternalSecretOf(secret), world.Cancellation);
        world.Timeline.Mark("secret", $"{secret}.{key} unchanged for {seconds} s");
    }

    private async Task WaitForKeysAsync(string secret, string[] keys, TimeSpan budget)
    {
        var wanted = keys.Order(StringComparer.Ordinal).ToList();
        await world.Kube.WaitForAsync(KubeResource.Secrets, world.Namespace, secret,
            o => o?["data"] is System.Text.Json.Nodes.JsonObject data && data.Select(p => p.Key).Order(StringComparer.Ordinal).SequenceEqual(wanted),
            $"Secret {world.Namespace}/{secret} to hold exactly the keys {string.Join(", ", wanted)}", budget, world.Cancellation);
    }

    private async Task<(System.Text.Json.Nodes.JsonObject Secret, System.Text.Json.Nodes.JsonNode? Controller)> ControllerAsync(string secret)
    {
        var obj = await world.Kube.GetAsync(KubeResource.Secrets, world.Namespace, secret, world.Cancellation)
                  ?? throw new StepFailedException($"Secret {world.Namespace}/{secret} does not exist");
        var controller = (obj["metadata"]?["ownerReferences"] as System.Text.Json.Nodes.JsonArray ?? [])
            .FirstOrDefault(r => (bool?)r?["controller"] == true);
        return (obj, controller);
    }

    // The ExternalSecrets here write the Secret named after them (ESO's default target name).
    private static string ExternalSecretOf(string secret) => secret;

    [GeneratedRegex(@"\{([A-Za-z0-9_]+)\}")]
    private static partial Regex Placeholder();
}
