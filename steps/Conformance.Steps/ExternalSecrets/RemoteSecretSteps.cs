using Conformance.Fixtures.ExternalSecrets;
using Conformance.Runner;
using Conformance.Steps.Support;

namespace Conformance.Steps.ExternalSecrets;

/// <summary>
/// Remote secrets in AWS Secrets Manager or Vault KV v2, written by the harness with generated canaries: created,
/// rotated (a new current version), deleted. Each change is marked on the scenario's timeline.
/// </summary>
[Binding]
public sealed class RemoteSecretSteps(EsoScenario eso, ScenarioWorld world)
{
    [Given("remote secret {string} in {word} holds generated canaries under {names}")]
    public Task GivenARemoteSecret(string name, string provider, string[] properties) =>
        eso.CreateRemoteAsync(provider, name, properties);

    // GUIDE §Secret Rotation Procedures: with ESO, rotation is a new value in the external store.
    [When("remote secret {string} is rotated")]
    public async Task WhenRotated(string name)
    {
        await eso.RotateRemoteAsync(name);
        world.Timeline.Mark("remote", $"{name} rotated");
    }

    // A remote secret with history: its previous version (AWSPREVIOUS, KV v2 version n-1) holds other values than the
    // current one, so a Secret written from the wrong version shows.
    [Given("remote secret {string} has an earlier version")]
    public async Task GivenAnEarlierVersion(string name)
    {
        await eso.RotateRemoteAsync(name);
        world.Timeline.Mark("remote", $"{name} rotated before the ExternalSecret exists");
    }

    [When("remote secret {string} is deleted")]
    public async Task WhenDeleted(string name)
    {
        await eso.Remote(eso.Provider).DeleteAsync(eso.RemoteKey(name), world.Cancellation);
        world.Timeline.Mark("remote", $"{name} deleted");
    }

    [When("remote secret {string} is scheduled for deletion with a recovery window")]
    public async Task WhenSoftDeleted(string name)
    {
        if (eso.Remote(eso.Provider) is not AwsRemoteSecrets aws)
            throw new InvalidOperationException("a recovery window is an AWS Secrets Manager notion; use this step with provider aws");
        await aws.SoftDeleteAsync(eso.RemoteKey(name), world.Cancellation);
        world.Timeline.Mark("remote", $"{name} scheduled for deletion");
    }
}
