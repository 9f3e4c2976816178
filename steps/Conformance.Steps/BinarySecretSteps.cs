using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Conformance.Fixtures.Kube;
using Conformance.Fixtures.Secrets;
using Conformance.Runner;
using Conformance.Steps.Support;

namespace Conformance.Steps;

/// <summary>
/// A Secret value that is not text (a DER key, a keystore): a generated canary followed by bytes derived from it that
/// are not UTF-8 and a trailing newline, so a volume writer that treats Secret data as a string, or trims it, changes
/// the file. The canary prefix keeps the value findable by the leak scan.
/// </summary>
[Binding]
public sealed class BinarySecretSteps(ScenarioWorld world)
{
    [Given("a Secret {string} holding a generated binary canary under {string}")]
    public async Task GivenABinarySecret(string name, string key)
    {
        var canary = world.NewCanaries(name, [key])[key];
        await world.Kube.CreateAsync(KubeResource.Secrets, world.Namespace, new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name },
            ["type"] = "Opaque",
            ["data"] = new JsonObject { [key] = Convert.ToBase64String(BytesOf(canary)) },
        }, world.Cancellation);
    }

    /// <summary>The probe's raw fingerprint of the file against the Secret's exact bytes (no stripping).</summary>
    [Then("the notebook read file {string} with exactly the bytes of Secret {string} key {string}")]
    public void ThenTheExactBytes(string path, string secret, string key)
    {
        var bytes = BytesOf(world.Canary(secret, key));
        var expected = TestRun.Ledger.Fingerprint.Of(bytes);
        var seen = world.LastRun.RequireProbe().File(path);
        if (!seen.Present)
            throw new StepFailedException($"file {path}: expected the {bytes.Length} bytes of Secret {secret} key {key} ({expected}), but it was absent{(seen.Error is null ? "" : $" ({seen.Error})")}");
        if (seen.Fingerprint != expected)
            throw new StepFailedException($"file {path}: expected the exact {bytes.Length} bytes of Secret {secret} key {key} ({expected}), but the notebook read {seen.Length} bytes ({seen.Fingerprint})");
    }

    // canary + 0xFF (never valid UTF-8) + 8 bytes of SHA-256(canary) + a lone continuation byte + "\n"
    private static byte[] BytesOf(SecretValue canary)
    {
        var text = Encoding.UTF8.GetBytes(canary.Reveal());
        var tail = SHA256.HashData(text)[..8];
        return [.. text, 0xFF, .. tail, 0x80, (byte)'\n'];
    }
}
