using System.Text.Json.Nodes;
using Conformance.Twin.Injector;
using Conformance.Twin.Injector.Agent;
using Conformance.Twin.Injector.Injection;
using k8s;
using k8s.Models;

namespace Conformance.Tests.TwinInjector.Support;

/// <summary>Pods as the API server hands them to mutating webhooks, and the injector's patch applied to them.</summary>
public static class PodFixtures
{
    public const string VaultAddress = "http://external-vault.vault.svc:8200";

    /// <summary>
    /// An app pod after the ServiceAccount admission plugin ran (it runs before mutating webhooks): the projected
    /// kube-api-access volume mounted at /var/run/secrets/kubernetes.io/serviceaccount.
    /// </summary>
    public static V1Pod AppPod(IDictionary<string, string>? annotations = null, bool automountToken = true, string name = "app")
    {
        var pod = new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta { Name = name, Annotations = annotations is null ? null : new Dictionary<string, string>(annotations) },
            Spec = new V1PodSpec
            {
                ServiceAccountName = "app",
                Containers = [new V1Container { Name = "app", Image = "python:3.12", Command = ["sleep", "infinity"] }],
            },
        };
        if (automountToken)
        {
            pod.Spec.Volumes =
            [
                new V1Volume
                {
                    Name = "kube-api-access-abcde",
                    Projected = new V1ProjectedVolumeSource
                    {
                        Sources = [new V1VolumeProjection { ServiceAccountToken = new V1ServiceAccountTokenProjection { Path = "token", ExpirationSeconds = 3607 } }],
                    },
                },
            ];
            pod.Spec.Containers[0].VolumeMounts =
            [
                new V1VolumeMount { Name = "kube-api-access-abcde", MountPath = "/var/run/secrets/kubernetes.io/serviceaccount", ReadOnlyProperty = true },
            ];
        }
        return pod;
    }

    public static AdmissionHandler Handler(params string[] faults) =>
        new(new InjectorOptions { VaultAddress = VaultAddress }, new TwinFaults(faults));

    /// <summary>Runs admission and applies the JSONPatch like the API server does; throws when denied.</summary>
    public static V1Pod Inject(V1Pod pod, string ns = "demo", params string[] faults)
    {
        var decision = Handler(faults).Decide("uid-1", pod, ns);
        if (!decision.Allowed) throw new InvalidOperationException("denied: " + decision.Message);
        return decision.Patch is null ? pod : Apply(pod, decision.Patch);
    }

    public static V1Pod Apply(V1Pod pod, JsonArray patch)
    {
        var doc = JsonNode.Parse(KubernetesJson.Serialize(pod))!;
        foreach (var op in patch)
            doc = JsonPatch.ApplyOne(doc, op!.AsObject());
        return KubernetesJson.Deserialize<V1Pod>(doc.ToJsonString());
    }

    public static string DecodeConfig(V1Container c) =>
        System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(c.Env.Single(e => e.Name == "VAULT_CONFIG").Value));
}

/// <summary>RFC 6902 add/remove/replace, enough to apply the injector's patches in tests.</summary>
public static class JsonPatch
{
    public static JsonNode ApplyOne(JsonNode doc, JsonObject op)
    {
        var kind = op["op"]!.GetValue<string>();
        var path = op["path"]!.GetValue<string>();
        var parts = path.Split('/').Skip(1).Select(p => p.Replace("~1", "/").Replace("~0", "~")).ToList();
        var parent = doc;
        foreach (var p in parts.SkipLast(1))
            parent = parent is JsonArray a ? a[int.Parse(p, System.Globalization.CultureInfo.InvariantCulture)]! : parent[p]!;
        var last = parts[^1];
        switch (kind)
        {
            case "add" or "replace":
                var value = op["value"]?.DeepClone();
                if (parent is JsonArray arr)
                {
                    if (last == "-") arr.Add(value);
                    else if (kind == "add") arr.Insert(int.Parse(last, System.Globalization.CultureInfo.InvariantCulture), value);
                    else arr[int.Parse(last, System.Globalization.CultureInfo.InvariantCulture)] = value;
                }
                else
                {
                    parent.AsObject()[last] = value;
                }
                break;
            case "remove":
                if (parent is JsonArray ra) ra.RemoveAt(int.Parse(last, System.Globalization.CultureInfo.InvariantCulture));
                else parent.AsObject().Remove(last);
                break;
            default:
                throw new NotSupportedException(kind);
        }
        return doc;
    }
}

/// <summary>Runs the agent containers of an injected pod against folders in a temp directory, as the kubelet would.</summary>
public sealed class AgentPodHarness : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "twin-agent-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly List<CancellationTokenSource> _terminations = [];

    public AgentPodHarness(V1Pod pod, string jwt = "sa-jwt")
    {
        Pod = pod;
        Directory.CreateDirectory(Path.Combine(_root, "volumes", "kube-api-access-abcde"));
        File.WriteAllText(Path.Combine(_root, "volumes", "kube-api-access-abcde", "token"), jwt);
    }

    public V1Pod Pod { get; }
    public List<AgentEvent> Events { get; } = [];
    public StringWriter Log { get; } = new();

    public V1Container Container(string name) =>
        (Pod.Spec.InitContainers ?? []).Concat(Pod.Spec.Containers).Single(c => c.Name == name);

    /// <summary>The host file behind a volume path (mounts resolved by volume name, like the kubelet's per-pod folders).</summary>
    public string HostPath(string containerName, string containerPath)
    {
        var c = Container(containerName);
        foreach (var m in (c.VolumeMounts ?? []).OrderByDescending(m => m.MountPath.Length))
        {
            var mp = m.MountPath.TrimEnd('/');
            if (containerPath == mp || containerPath.StartsWith(mp + "/", StringComparison.Ordinal))
                return Path.Combine(_root, "volumes", m.Name, containerPath[mp.Length..].TrimStart('/'));
        }
        return Path.Combine(_root, "rootfs", containerName, containerPath.TrimStart('/'));
    }

    public AgentContainer ContainerContext(string name, out CancellationTokenSource terminate)
    {
        terminate = new CancellationTokenSource();
        _terminations.Add(terminate);
        var c = Container(name);
        var env = (c.Env ?? []).Where(e => e.Value is not null).ToDictionary(e => e.Name, e => e.Value);
        return new AgentContainer
        {
            Pod = Pod,
            Container = c,
            IsInitContainer = name == "vault-agent-init",
            Env = env,
            MapPath = p => HostPath(name, p),
            Log = TextWriter.Synchronized(Log),
            Terminate = terminate.Token,
        };
    }

    public AgentOptions Options(TimeProvider time, FakeVault vault, int seed = 7, params string[] faults) => new()
    {
        Time = time,
        Random = new Random(seed),
        VaultHttpHandler = vault,
        ResolveVaultAddress = _ => new Uri("http://vault.test/"),
        Faults = faults,
        OnEvent = e => { lock (Events) Events.Add(e); },
    };

    public string? ReadSecret(string containerPath, string container = "vault-agent") =>
        File.Exists(HostPath(container, containerPath)) ? File.ReadAllText(HostPath(container, containerPath)) : null;

    public void Dispose()
    {
        foreach (var t in _terminations) { t.Cancel(); t.Dispose(); }
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }
}
