#pragma warning disable xUnit1051
using Conformance.Twin.Workloads.Kubelet;
using FluentAssertions;
using k8s.Models;
using Xunit;

namespace Conformance.Tests.TwinWorkloads;

/// <summary>A secret volume's file holds the Secret's exact bytes; under kubelet-writes-secret-volume-as-text it does not.</summary>
public sealed class SecretVolumeBytesTests : IDisposable
{
    private static readonly byte[] NotUtf8 = [(byte)'k', (byte)'e', (byte)'y', 0xFF, 0x00, 0xC3, 0x28, 0x80, (byte)'\n'];
    private readonly string _root = Directory.CreateTempSubdirectory("volume-bytes-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private async Task<byte[]> WrittenAsync(bool secretsAsText)
    {
        var api = new FakeKube();
        api.Secrets[("ns", "keys")] = new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "keys", NamespaceProperty = "ns" },
            Data = new Dictionary<string, byte[]> { ["key.der"] = NotUtf8 },
        };
        var pod = new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "p", NamespaceProperty = "ns", Uid = "u1" },
            Spec = new V1PodSpec { Volumes = [new V1Volume { Name = "keys", Secret = new V1SecretVolumeSource { SecretName = "keys" } }] },
        };
        var builder = new VolumeBuilder(api, (_, _, _, _, _, _, _) => throw new InvalidOperationException("no token here"))
        {
            SecretsAsText = secretsAsText,
        };
        var ready = new Dictionary<string, string>();
        var folder = Path.Combine(_root, secretsAsText ? "text" : "bytes");
        (await builder.SetUpAsync(pod, folder, ready, CancellationToken.None)).Should().BeEmpty();
        return await File.ReadAllBytesAsync(Path.Combine(ready["keys"], "key.der"));
    }

    [Fact]
    public async Task The_file_holds_the_exact_bytes() => (await WrittenAsync(false)).Should().Equal(NotUtf8);

    [Fact]
    public async Task Under_the_fault_bytes_that_are_not_utf8_are_replaced()
    {
        var written = await WrittenAsync(true);
        written.Should().NotEqual(NotUtf8);
        written.Should().ContainInOrder(new byte[] { 0xEF, 0xBF, 0xBD }); // U+FFFD
    }
}
