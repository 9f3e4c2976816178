using System.Globalization;
using System.Text.Json.Nodes;
using Conformance.Fixtures.ExternalSecrets;
using Conformance.Fixtures.Kube;
using Conformance.Runner;
using Conformance.Steps.Support;

namespace Conformance.Steps.ExternalSecrets;

/// <summary>
/// ExternalSecrets: described as a default object plus tweaks (ESO's e2e pattern), then created, force-synced or
/// deleted; their Ready condition awaited with a stated budget.
/// </summary>
[Binding]
public sealed class ExternalSecretSteps(EsoScenario eso, ScenarioWorld world)
{
    // ADR-016 §Pattern: AWS Secrets Manager: data[] with remoteRef key and property; the Secret is named after the ExternalSecret.
    [Given("an ExternalSecret {string} from SecretStore {string} with refreshInterval {string} maps:")]
    public void GivenMapped(string name, string store, string interval, DataTable table) =>
        eso.Draft(Mapped(new ExternalSecretManifest(name, StoreReference.SecretStore(store)), interval, table));

    [Given("an ExternalSecret {string} from the ClusterSecretStore with refreshInterval {string} maps:")]
    public void GivenMappedFromClusterStore(string name, string interval, DataTable table) =>
        eso.Draft(Mapped(new ExternalSecretManifest(name, StoreReference.ClusterSecretStore(eso.ClusterStoreName)), interval, table));

    [Given("an ExternalSecret {string} from SecretStore {string} with refreshInterval {string} extracts remote {string}")]
    public void GivenExtracted(string name, string store, string interval, string remote) =>
        eso.Draft(new ExternalSecretManifest(name, StoreReference.SecretStore(store)).RefreshingEvery(Duration(interval))
            .WithExtract(new RemoteRef(eso.RemoteKey(remote))));

    [Given("the ExternalSecret {string} has creationPolicy {string}")]
    public void GivenCreationPolicy(string name, string policy) => eso.Tweak(name, m => m.WithCreationPolicy(policy));

    [Given("the ExternalSecret {string} has deletionPolicy {string}")]
    public void GivenDeletionPolicy(string name, string policy) => eso.Tweak(name, m => m.WithDeletionPolicy(policy));

    [Given("the ExternalSecret {string} renders key {string} from template {string}")]
    public void GivenTemplate(string name, string key, string template) => eso.Tweak(name, m => m.WithTemplateData(key, template));

    [Given("the ExternalSecret {string} is created")]
    [When("the ExternalSecret {string} is created")]
    public async Task WhenCreated(string name)
    {
        var manifest = eso.DraftOf(name);
        world.Timeline.Configure("refreshInterval", manifest.RefreshInterval ?? TimeSpan.FromHours(1));
        await eso.Eso.ApplyAsync(manifest, world.Namespace, world.Cancellation);
        world.Timeline.Mark("externalsecret", $"{name} created");
    }

    [When("the same ExternalSecret {string} is created in the second namespace")]
    public async Task WhenCreatedInTheSecondNamespace(string name)
    {
        var second = eso.SecondNamespace ?? throw new InvalidOperationException("no second namespace yet: add 'Given a second fresh namespace'");
        await eso.Eso.ApplyAsync(eso.DraftOf(name), second, world.Cancellation);
    }

    /// <summary>Created, Ready with SecretSynced, and every mapped key holding its remote value: the starting point of lifecycle scenarios.</summary>
    [Given("the ExternalSecret {string} has synced")]
    public async Task GivenSynced(string name)
    {
        await WhenCreated(name);
        await eso.Eso.WaitForReadyAsync(KubeResource.ExternalSecrets, world.Namespace, name, true, "SecretSynced", EsoScenario.SyncBudget, world.Cancellation);
        var manifest = eso.DraftOf(name);
        foreach (var entry in manifest.Data)
        {
            var expected = eso.RemoteValue(RemoteName(entry.Remote.Key), entry.Remote.Property ?? "").Reveal();
            await eso.Eso.WaitForSecretKeyAsync(world.Namespace, manifest.SecretName, entry.SecretKey, v => v == expected, "hold the remote value",
                EsoScenario.SyncBudget, name, world.Cancellation);
        }
        world.Timeline.Mark("secret", $"{manifest.SecretName} synced");
    }

    // reference/eso.md §4 "Force sync": any annotation change forces a sync; ESO's docs use a timestamp annotation.
    [When("the ExternalSecret {string} is annotated to force a sync")]
    public async Task WhenForceSynced(string name)
    {
        var at = await eso.Eso.ForceSyncAsync(world.Namespace, name, world.Cancellation);
        world.Timeline.Mark("externalsecret", "force-sync annotation set", at);
    }

    [When("the ExternalSecret {string} is deleted")]
    public async Task WhenDeleted(string name)
    {
        await eso.Eso.DeleteAsync(world.Namespace, name, EsoScenario.SyncBudget, world.Cancellation);
        world.Timeline.Mark("externalsecret", $"{name} deleted");
    }

    [Then("within {int} seconds the ExternalSecret {string} is Ready with reason {string}")]
    public Task ThenReady(int seconds, string name, string reason) =>
        eso.Eso.WaitForReadyAsync(KubeResource.ExternalSecrets, world.Namespace, name, true, reason, TimeSpan.FromSeconds(seconds), world.Cancellation);

    [Then("within {int} seconds the ExternalSecret {string} is not Ready with reason {string}")]
    public async Task ThenNotReady(int seconds, string name, string reason)
    {
        await eso.Eso.WaitForReadyAsync(KubeResource.ExternalSecrets, world.Namespace, name, false, reason, TimeSpan.FromSeconds(seconds), world.Cancellation);
        world.Timeline.Mark("externalsecret", $"{name} not Ready: {reason}");
    }

    [Then("within {int} seconds the ExternalSecret {string} in the second namespace is Ready with reason {string}")]
    public Task ThenReadyInTheSecondNamespace(int seconds, string name, string reason) =>
        eso.Eso.WaitForReadyAsync(KubeResource.ExternalSecrets, eso.SecondNamespace, name, true, reason, TimeSpan.FromSeconds(seconds), world.Cancellation);

    [Then("the ExternalSecret {string} has a {string} event mentioning {string}")]
    public async Task ThenAnEvent(string name, string reason, string text)
    {
        var events = await world.Kube.EventsForAsync(world.Namespace, "ExternalSecret", name, cancellationToken: world.Cancellation);
        if (!events.Any(e => e.Reason == reason && e.Message.Contains(text, StringComparison.Ordinal)))
            throw new StepFailedException($"expected a {reason} event mentioning \"{text}\"; {await eso.Eso.DescribeAsync(world.Namespace, name, world.Cancellation)}");
    }

    // ---------------------------------------------------------------- malformed input

    // reference/eso.md §1: v1 CRDs carry the schema; the API server rejects a bad enum value and names the field.
    [When("an ExternalSecret {string} with {string} set to {string} is submitted")]
    public async Task WhenMalformedSubmitted(string name, string field, string value)
    {
        var manifest = new ExternalSecretManifest(name, StoreReference.SecretStore("store"))
            .WithData("password", new RemoteRef(eso.RemoteKey("app/db"), "password")).ToJson(world.Namespace);
        Set(manifest, field, value);
        try
        {
            await world.Kube.CreateAsync(KubeResource.ExternalSecrets, world.Namespace, manifest, world.Cancellation);
            _rejection = null;
        }
        catch (KubeApiException e)
        {
            _rejection = e;
        }
    }

    [Then("the API server rejects it with a message naming {string}")]
    public void ThenRejected(string field)
    {
        if (_rejection is null)
            throw new StepFailedException("expected the API server to reject the ExternalSecret, but it was created");
        if ((int)_rejection.Status != 422 || _rejection.StatusMessage?.Contains(field, StringComparison.Ordinal) != true)
            throw new StepFailedException($"expected HTTP 422 naming {field}, got HTTP {(int)_rejection.Status}: {_rejection.StatusMessage}");
    }

    private KubeApiException? _rejection;

    // ---------------------------------------------------------------- helpers

    private ExternalSecretManifest Mapped(ExternalSecretManifest manifest, string interval, DataTable table)
    {
        manifest = manifest.RefreshingEvery(Duration(interval));
        foreach (var row in table.Rows)
            manifest = manifest.WithData(row["secret key"], new RemoteRef(eso.RemoteKey(row["remote"]), row["property"]));
        return manifest;
    }

    private string RemoteName(string remoteKey) => remoteKey[(world.Namespace.Length + 1)..];

    /// <summary>"3s", "2m", "1h", "0s": the refreshInterval as the manifest writes it.</summary>
    public static TimeSpan Duration(string text)
    {
        if (text.Length >= 2 && long.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            switch (text[^1])
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
            }
        }
        throw new FormatException($"refreshInterval \"{text}\" is not a whole number of s, m or h (e.g. \"3s\", \"1h\", \"0s\")");
    }

    private static void Set(JsonObject obj, string dottedPath, string value)
    {
        var parts = dottedPath.Split('.');
        var node = obj;
        foreach (var part in parts[..^1])
        {
            if (node[part] is not JsonObject child)
                node[part] = child = new JsonObject();
            node = child;
        }
        node[parts[^1]] = value;
    }
}
