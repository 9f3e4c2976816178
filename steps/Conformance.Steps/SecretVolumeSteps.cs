using Conformance.Fixtures.Probe;
using Conformance.Runner;
using Conformance.Steps.Support;

namespace Conformance.Steps;

/// <summary>Secrets mounted as files (podConfig.volumes + volumeMounts on the validator container, operator.md §1.1).</summary>
[Binding]
public sealed class SecretVolumeSteps(ScenarioWorld world)
{
    [Given("the notebook job mounts Secret {string} at {string}")]
    public void GivenASecretVolume(string secret, string mountPath)
    {
        world.Job.Tweak(j => j.WithSecretVolume("secret-" + j.Volumes.Count, secret, mountPath));
        var files = world.CanaryKeysOf(secret).Select(k => $"{mountPath.TrimEnd('/')}/{k}").ToArray();
        world.Job.TweakProbe(p => p.WithFile(files));
    }

    /// <summary>
    /// The file's whitespace-stripped fingerprint against the canary (canaries hold no whitespace, so this proves the value
    /// arrived); exact bytes, trailing newline and non-UTF-8 included, are BinarySecretSteps' check.
    /// </summary>
    [Then("the notebook read file {string} equal to Secret {string} key {string}")]
    public void ThenTheNotebookReadTheFile(string path, string secret, string key) =>
        ProbeExpectation.Empty.File(path, world.Canary(secret, key)).Verify(world.LastRun.RequireProbe(), TestRun.Ledger.Fingerprint);
}
