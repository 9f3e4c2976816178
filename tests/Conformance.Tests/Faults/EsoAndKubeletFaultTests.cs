using Conformance.Tests.TwinEso;
using Conformance.Tests.TwinWorkloads;
using Conformance.Twin.Eso;
using Conformance.Twin.Workloads.Kubelet;
using FluentAssertions;
using k8s.Models;
using Xunit;

namespace Conformance.Tests.Faults;

/// <summary>eso-logs-secret-value and kubelet-ignores-missing-secret, each against the faithful behaviour beside it.</summary>
public sealed class EsoAndKubeletFaultTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Eso_logs_secret_value_writes_the_synced_value_into_the_controller_log(bool fault)
    {
        var log = new List<string>();
        var bed = new EsoTestBed(fault ? [EsoFaults.LogsSecretValue] : [], options: new EsoOptions { Log = log.Add });
        bed.Remote.CreateSecret("remote", "synced-value-4711");
        bed.Apply();

        await bed.ReconcileAsync();

        bed.SecretData()!["value"].Should().Be("synced-value-4711", "the sync itself is unchanged");
        log.Any(l => l.Contains("synced-value-4711")).Should().Be(fault);
    }

    private static V1EnvVar SecretKey(string name, string secret, string key) =>
        new() { Name = name, ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = key } } };

    private static V1Pod Pod(V1Container c) => new()
    {
        Metadata = new V1ObjectMeta { Name = "p1", NamespaceProperty = "ns" },
        Spec = new V1PodSpec { Containers = [c] },
    };

    [Fact]
    public async Task Kubelet_ignores_missing_secret_starts_with_the_variables_empty()
    {
        var objects = new FakeKube().Secret("ns", "db", ("password", "pw1"));
        var c = new V1Container
        {
            Name = "c",
            Env = [SecretKey("GONE", "nope", "password"), SecretKey("DB", "db", "password")],
            EnvFrom = [new V1EnvFromSource { SecretRef = new V1SecretEnvSource { Name = "also-nope" } }],
        };

        var faithful = await EnvResolver.ResolveAsync(Pod(c), c, objects, null, CancellationToken.None);
        var faulty = await EnvResolver.ResolveAsync(Pod(c), c, objects, null, CancellationToken.None, ignoreMissingSecrets: true);

        faithful.Error.Should().Be("secret \"also-nope\" not found");
        faulty.Ok.Should().BeTrue();
        faulty.Env.Should().Contain("GONE", "").And.Contain("DB", "pw1");
    }

    [Fact]
    public async Task Kubelet_ignores_missing_secret_still_fails_a_missing_key()
    {
        var objects = new FakeKube().Secret("ns", "db", ("password", "pw1"));
        var c = new V1Container { Name = "c", Env = [SecretKey("T", "db", "token")] };

        var faulty = await EnvResolver.ResolveAsync(Pod(c), c, objects, null, CancellationToken.None, ignoreMissingSecrets: true);

        faulty.Error.Should().Be("couldn't find key token in Secret ns/db", "the fault is about a missing Secret, not a missing key");
    }
}
