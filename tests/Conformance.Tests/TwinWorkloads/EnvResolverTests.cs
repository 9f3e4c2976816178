using Conformance.Twin.Workloads.Kubelet;
using FluentAssertions;
using k8s.Models;
using Xunit;

namespace Conformance.Tests.TwinWorkloads;

/// <summary>The kubelet's env resolution (makeEnvironmentVariables) against a table of cases with its exact error texts.</summary>
public sealed class EnvResolverTests
{
    private static FakeKube Objects() => new FakeKube()
        .Secret("ns", "db", ("password", "pw1"), ("user", "u1"))
        .Secret("ns", "aws", ("AWS_KEY", "k1"), ("REGION", "eu"), ("1BAD", "x"), ("with space", "y"))
        .Secret("ns", "aws2", ("AWS_KEY", "k2"))
        .ConfigMap("ns", "settings", ("region", "us-east-1"), ("REGION", "cm-region"));

    private static V1Pod Pod(V1Container c) => new()
    {
        Metadata = new V1ObjectMeta { Name = "p1", NamespaceProperty = "ns", Uid = "uid-1", Labels = new Dictionary<string, string> { ["app"] = "x" } },
        Spec = new V1PodSpec { Containers = [c], ServiceAccountName = "runner", NodeName = "twin-node" },
        Status = new V1PodStatus { PodIP = "10.42.0.7", HostIP = "127.0.0.1" },
    };

    private static V1EnvVar SecretKey(string name, string secret, string key, bool? optional = null) =>
        new() { Name = name, ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = key, Optional = optional } } };

    private static V1EnvVar ConfigMapKey(string name, string cm, string key, bool? optional = null) =>
        new() { Name = name, ValueFrom = new V1EnvVarSource { ConfigMapKeyRef = new V1ConfigMapKeySelector { Name = cm, Key = key, Optional = optional } } };

    private static V1EnvVar Field(string name, string path) =>
        new() { Name = name, ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = path } } };

    public static TheoryData<string, V1Container, string?, string[]> Cases() => new()
    {
        { "secretKeyRef", new V1Container { Name = "c", Env = [SecretKey("DB_PASSWORD", "db", "password")] }, null, ["DB_PASSWORD=pw1"] },
        { "missing secret", new V1Container { Name = "c", Env = [SecretKey("DB_PASSWORD", "nope", "password")] }, "secret \"nope\" not found", [] },
        { "missing key", new V1Container { Name = "c", Env = [SecretKey("T", "db", "token")] }, "couldn't find key token in Secret ns/db", [] },
        { "optional missing secret", new V1Container { Name = "c", Env = [SecretKey("T", "nope", "k", optional: true), new() { Name = "A", Value = "1" }] }, null, ["A=1"] },
        { "optional missing key", new V1Container { Name = "c", Env = [SecretKey("T", "db", "token", optional: true)] }, null, [] },
        { "configMapKeyRef", new V1Container { Name = "c", Env = [ConfigMapKey("R", "settings", "region")] }, null, ["R=us-east-1"] },
        { "missing configmap", new V1Container { Name = "c", Env = [ConfigMapKey("R", "nope", "region")] }, "configmap \"nope\" not found", [] },
        { "missing configmap key", new V1Container { Name = "c", Env = [ConfigMapKey("R", "settings", "zone")] }, "couldn't find key zone in ConfigMap ns/settings", [] },
        { "envFrom missing secret", new V1Container { Name = "c", EnvFrom = [new() { SecretRef = new V1SecretEnvSource { Name = "gone" } }] }, "secret \"gone\" not found", [] },
        { "envFrom missing optional secret", new V1Container { Name = "c", EnvFrom = [new() { SecretRef = new V1SecretEnvSource { Name = "gone", Optional = true } }] }, null, [] },
        { "envFrom missing configmap", new V1Container { Name = "c", EnvFrom = [new() { ConfigMapRef = new V1ConfigMapEnvSource { Name = "gone" } }] }, "configmap \"gone\" not found", [] },
        { "later envFrom wins", new V1Container { Name = "c", EnvFrom = [new() { SecretRef = new V1SecretEnvSource { Name = "aws" } }, new() { SecretRef = new V1SecretEnvSource { Name = "aws2" } }] }, null, ["AWS_KEY=k2", "REGION=eu"] },
        { "env wins over envFrom", new V1Container { Name = "c", EnvFrom = [new() { SecretRef = new V1SecretEnvSource { Name = "aws" } }], Env = [new() { Name = "AWS_KEY", Value = "literal" }] }, null, ["AWS_KEY=literal"] },
        { "prefix", new V1Container { Name = "c", EnvFrom = [new() { Prefix = "CFG_", ConfigMapRef = new V1ConfigMapEnvSource { Name = "settings" } }] }, null, ["CFG_region=us-east-1", "CFG_REGION=cm-region"] },
        { "expansion", new V1Container { Name = "c", Env = [SecretKey("U", "db", "user"), new() { Name = "DSN", Value = "pg://$(U)@h/$(MISSING)$$(U)" }] }, null, ["DSN=pg://u1@h/$(MISSING)$(U)"] },
        { "fieldRef", new V1Container { Name = "c", Env = [Field("N", "metadata.name"), Field("NS", "metadata.namespace"), Field("SA", "spec.serviceAccountName"), Field("IP", "status.podIP"), Field("L", "metadata.labels['app']"), Field("NODE", "spec.nodeName")] }, null, ["N=p1", "NS=ns", "SA=runner", "IP=10.42.0.7", "L=x", "NODE=twin-node"] },
        { "unsupported fieldRef", new V1Container { Name = "c", Env = [Field("X", "spec.bogus")] }, "unsupported fieldPath: spec.bogus", [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Resolves_like_the_kubelet(string @case, V1Container container, string? error, string[] expected)
    {
        var result = await EnvResolver.ResolveAsync(Pod(container), container, Objects(), null, TestContext.Current.CancellationToken);
        result.Error.Should().Be(error, @case);
        if (error is null)
            foreach (var kv in expected)
            {
                var (k, v) = (kv[..kv.IndexOf('=')], kv[(kv.IndexOf('=') + 1)..]);
                result.Env.Should().ContainKey(k, @case).WhoseValue.Should().Be(v, @case);
            }
    }

    [Fact]
    public async Task Invalid_envFrom_keys_are_skipped_with_the_kubelets_event()
    {
        var c = new V1Container { Name = "c", EnvFrom = [new() { SecretRef = new V1SecretEnvSource { Name = "aws" } }] };
        var result = await EnvResolver.ResolveAsync(Pod(c), c, Objects(), null, TestContext.Current.CancellationToken);
        result.Ok.Should().BeTrue();
        result.Env.Should().NotContainKey("1BAD").And.NotContainKey("with space");
        result.Events.Should().ContainSingle().Which.Should().Be(KubeletEvent.Warning("InvalidEnvironmentVariableNames",
            "Keys [1BAD, with space] from the EnvFrom secret ns/aws were skipped since they are considered invalid environment variable names."));
    }

    [Fact]
    public async Task Service_env_never_overrides_declared_env()
    {
        var c = new V1Container { Name = "c", Env = [new() { Name = "KUBERNETES_SERVICE_HOST", Value = "mine" }] };
        var service = new Dictionary<string, string> { ["KUBERNETES_SERVICE_HOST"] = "10.43.0.1", ["KUBERNETES_SERVICE_PORT"] = "443" };
        var result = await EnvResolver.ResolveAsync(Pod(c), c, Objects(), service, TestContext.Current.CancellationToken);
        result.Env["KUBERNETES_SERVICE_HOST"].Should().Be("mine");
        result.Env["KUBERNETES_SERVICE_PORT"].Should().Be("443");
    }
}
