using System.Collections.Concurrent;
using System.Net;
using Conformance.Twin.Workloads.Kube;
using Conformance.Twin.Workloads.Programs;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Conformance.Twin.Workloads.Kubelet;

/// <summary>
/// The twin's node: a kubelet (and a one-node scheduler) that is a client of the Kubernetes API like the real ones.
/// It registers a Node (Ready, InternalIP 127.0.0.1, daemonEndpoints.kubeletEndpoint.Port = its log server), binds
/// unscheduled pods to it (pods/binding), runs bound pods with <see cref="PodRunner"/>, and serves container logs at
/// /containerLogs/... for the API server's pods/log proxy. Everything is driven by list+watch.
/// </summary>
public sealed class TwinKubelet : IAsyncDisposable
{
    private readonly IKubernetes _client;
    private readonly KubeletOptions _options;
    private readonly ContainerProgramRegistry _programs;
    private readonly ContainerLogStore _logs = new();
    private readonly ConcurrentDictionary<string, PodRunner> _runners = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _binding = new(StringComparer.Ordinal);
    private readonly List<IAsyncDisposable> _informers = [];
    private readonly KubeletApi _api;
    private readonly string _hostRoot;
    private readonly bool _ownsHostRoot;
    private KubeletLogServer? _server;
    private int _nextIp = 10;

    private TwinKubelet(IKubernetes client, KubeletOptions options, ContainerProgramRegistry programs)
    {
        _client = client;
        _options = options;
        _programs = programs;
        _api = new KubeletApi(client, options.NodeName, options.Time);
        _ownsHostRoot = options.HostRoot is null;
        _hostRoot = options.HostRoot ?? Path.Combine(Path.GetTempPath(), "conformance-twin-kubelet-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_hostRoot);
    }

    public string NodeName => _options.NodeName;

    /// <summary>The port of the kubelet's HTTP endpoint on 127.0.0.1 (also in the Node's daemonEndpoints).</summary>
    public int Port => _server?.Port ?? 0;

    public string HostRoot => _hostRoot;

    public ContainerProgramRegistry Programs => _programs;

    public static async Task<TwinKubelet> StartAsync(IKubernetes client, KubeletOptions? options = null,
        ContainerProgramRegistry? programs = null, CancellationToken ct = default)
    {
        var kubelet = new TwinKubelet(client, options ?? new KubeletOptions(), programs ?? ContainerProgramRegistry.CreateDefault());
        try
        {
            await kubelet.StartCoreAsync(ct);
            return kubelet;
        }
        catch
        {
            await kubelet.DisposeAsync();
            throw;
        }
    }

    private async Task StartCoreAsync(CancellationToken ct)
    {
        _server = await KubeletLogServer.StartAsync(_logs, ct);
        await RegisterNodeAsync(ct);

        var pods = new Informer<V1Pod, V1PodList>(
            (rv, watch, c) => _client.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(
                allowWatchBookmarks: watch ? true : null, resourceVersion: rv, watch: watch ? true : null, cancellationToken: c),
            OnPodAsync, OnError, _options.Time);
        // Anything a blocked pod may wait for: a Secret, ConfigMap or ServiceAccount appearing or changing.
        var secrets = new Informer<V1Secret, V1SecretList>(
            (rv, watch, c) => _client.CoreV1.ListSecretForAllNamespacesWithHttpMessagesAsync(
                allowWatchBookmarks: watch ? true : null, resourceVersion: rv, watch: watch ? true : null, cancellationToken: c),
            (_, s) => PokeNamespace(s.Metadata.NamespaceProperty), OnError, _options.Time);
        var configMaps = new Informer<V1ConfigMap, V1ConfigMapList>(
            (rv, watch, c) => _client.CoreV1.ListConfigMapForAllNamespacesWithHttpMessagesAsync(
                allowWatchBookmarks: watch ? true : null, resourceVersion: rv, watch: watch ? true : null, cancellationToken: c),
            (_, s) => PokeNamespace(s.Metadata.NamespaceProperty), OnError, _options.Time);
        var serviceAccounts = new Informer<V1ServiceAccount, V1ServiceAccountList>(
            (rv, watch, c) => _client.CoreV1.ListServiceAccountForAllNamespacesWithHttpMessagesAsync(
                allowWatchBookmarks: watch ? true : null, resourceVersion: rv, watch: watch ? true : null, cancellationToken: c),
            (_, s) => PokeNamespace(s.Metadata.NamespaceProperty), OnError, _options.Time);
        _informers.AddRange([pods, secrets, configMaps, serviceAccounts]);
        await Task.WhenAll(secrets.StartAsync(ct), configMaps.StartAsync(ct), serviceAccounts.StartAsync(ct));
        await pods.StartAsync(ct);
    }

    private void OnError(Exception ex) => _options.Log?.Invoke($"kubelet: watch error: {ex.GetType().Name}: {ex.Message}");

    private Task PokeNamespace(string ns)
    {
        foreach (var runner in _runners.Values)
            runner.PokeIfIn(ns);
        return Task.CompletedTask;
    }

    private async Task OnPodAsync(WatchEventType type, V1Pod pod)
    {
        var uid = pod.Metadata.Uid;
        if (type == WatchEventType.Deleted)
        {
            _binding.TryRemove(uid, out _);
            if (_runners.TryRemove(uid, out var gone)) gone.Removed();
            return;
        }
        if (string.IsNullOrEmpty(pod.Spec.NodeName))
        {
            if (_options.RunScheduler) await ScheduleAsync(pod);
            return;
        }
        if (pod.Spec.NodeName != _options.NodeName) return;

        if (_runners.TryGetValue(uid, out var runner))
        {
            runner.Update(pod);
            return;
        }
        var phase = pod.Status?.Phase;
        if (phase is "Succeeded" or "Failed")
        {
            // A finished pod from before this kubelet started: nothing to run; a deletion still needs the final delete.
            if (pod.Metadata.DeletionTimestamp is not null) await _api.DeletePodAsync(pod, CancellationToken.None);
            return;
        }
        var folder = Path.Combine(_hostRoot, $"{pod.Metadata.NamespaceProperty}_{pod.Metadata.Name}_{uid}");
        var ip = _options.PodIpPrefix + (Interlocked.Increment(ref _nextIp) % 250 + 2).ToString(System.Globalization.CultureInfo.InvariantCulture);
        runner = new PodRunner(pod, _api, _programs, _logs, _options, folder, ip);
        if (!_runners.TryAdd(uid, runner)) return;
        runner.Start();
        if (pod.Metadata.DeletionTimestamp is not null) runner.Update(pod);
        _ = runner.Finished.ContinueWith(_ => _runners.TryRemove(KeyValuePair.Create(uid, runner)), TaskScheduler.Default);
    }

    /// <summary>default-scheduler on one node: nodeSelector must match the node's labels; then pods/binding.</summary>
    private async Task ScheduleAsync(V1Pod pod)
    {
        if (pod.Metadata.DeletionTimestamp is not null) return;
        if (pod.Spec.SchedulerName is { Length: > 0 } s && s != "default-scheduler") return;
        if (!_binding.TryAdd(pod.Metadata.Uid, 0)) return;
        var ns = pod.Metadata.NamespaceProperty;
        try
        {
            if (pod.Spec.NodeSelector is { Count: > 0 } selector && !selector.All(kv => NodeLabels().TryGetValue(kv.Key, out var v) && v == kv.Value))
            {
                // scheduler: unschedulable pods get PodScheduled=False/Unschedulable and a FailedScheduling event
                const string message = "0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.";
                var status = new V1PodStatus
                {
                    Phase = "Pending",
                    Conditions = [new V1PodCondition { Type = "PodScheduled", Status = "False", Reason = "Unschedulable", Message = message, LastTransitionTime = _options.Time.GetUtcNow().UtcDateTime }],
                };
                await _api.WritePodStatusAsync(pod, status, CancellationToken.None);
                await RecordSchedulerEventAsync(pod, "Warning", "FailedScheduling", message);
                return;
            }
            var binding = new V1Binding
            {
                Metadata = new V1ObjectMeta { Name = pod.Metadata.Name, NamespaceProperty = ns, Uid = pod.Metadata.Uid },
                Target = new V1ObjectReference { ApiVersion = "v1", Kind = "Node", Name = _options.NodeName },
            };
            await _client.CoreV1.CreateNamespacedPodBindingAsync(binding, pod.Metadata.Name, ns);
            await RecordSchedulerEventAsync(pod, "Normal", "Scheduled", $"Successfully assigned {ns}/{pod.Metadata.Name} to {_options.NodeName}");
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound)
        {
            // already bound or gone
        }
        catch (Exception ex)
        {
            _binding.TryRemove(pod.Metadata.Uid, out _);
            OnError(ex);
        }
    }

    private async Task RecordSchedulerEventAsync(V1Pod pod, string type, string reason, string message)
    {
        var now = _options.Time.GetUtcNow().UtcDateTime;
        try
        {
            await _client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
            {
                Metadata = new V1ObjectMeta { Name = $"{pod.Metadata.Name}.{Guid.NewGuid():N}"[..^16], NamespaceProperty = pod.Metadata.NamespaceProperty },
                InvolvedObject = new V1ObjectReference { ApiVersion = "v1", Kind = "Pod", Name = pod.Metadata.Name, NamespaceProperty = pod.Metadata.NamespaceProperty, Uid = pod.Metadata.Uid, ResourceVersion = pod.Metadata.ResourceVersion },
                Type = type, Reason = reason, Message = message,
                Source = new V1EventSource { Component = "default-scheduler" },
                ReportingComponent = "default-scheduler", ReportingInstance = "default-scheduler",
                FirstTimestamp = now, LastTimestamp = now, Count = 1,
            }, pod.Metadata.NamespaceProperty);
        }
        catch (HttpOperationException ex) { OnError(ex); }
    }

    private Dictionary<string, string> NodeLabels() => new(StringComparer.Ordinal)
    {
        ["kubernetes.io/hostname"] = _options.NodeName,
        ["kubernetes.io/os"] = "linux",
        ["kubernetes.io/arch"] = "amd64",
        ["beta.kubernetes.io/os"] = "linux",
        ["beta.kubernetes.io/arch"] = "amd64",
        ["node-role.kubernetes.io/control-plane"] = "true",
    };

    private async Task RegisterNodeAsync(CancellationToken ct)
    {
        var now = _options.Time.GetUtcNow().UtcDateTime;
        var status = new V1NodeStatus
        {
            Addresses = [new V1NodeAddress { Type = "InternalIP", Address = "127.0.0.1" }, new V1NodeAddress { Type = "Hostname", Address = _options.NodeName }],
            DaemonEndpoints = new V1NodeDaemonEndpoints { KubeletEndpoint = new V1DaemonEndpoint { Port = Port } },
            Capacity = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("2"), ["memory"] = new("8Gi"), ["pods"] = new("110") },
            Allocatable = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("2"), ["memory"] = new("8Gi"), ["pods"] = new("110") },
            Conditions =
            [
                new V1NodeCondition { Type = "MemoryPressure", Status = "False", Reason = "KubeletHasSufficientMemory", Message = "kubelet has sufficient memory available", LastHeartbeatTime = now, LastTransitionTime = now },
                new V1NodeCondition { Type = "DiskPressure", Status = "False", Reason = "KubeletHasNoDiskPressure", Message = "kubelet has no disk pressure", LastHeartbeatTime = now, LastTransitionTime = now },
                new V1NodeCondition { Type = "PIDPressure", Status = "False", Reason = "KubeletHasSufficientPID", Message = "kubelet has sufficient PID available", LastHeartbeatTime = now, LastTransitionTime = now },
                new V1NodeCondition { Type = "Ready", Status = "True", Reason = "KubeletReady", Message = "kubelet is posting ready status", LastHeartbeatTime = now, LastTransitionTime = now },
            ],
            NodeInfo = new V1NodeSystemInfo
            {
                Architecture = "amd64", OperatingSystem = "linux", OsImage = "Conformance twin", KernelVersion = Environment.OSVersion.VersionString,
                ContainerRuntimeVersion = "twin://1.0", KubeletVersion = "v1.33.1-twin", KubeProxyVersion = "", BootID = Guid.NewGuid().ToString(),
                MachineID = "twin", SystemUUID = Guid.NewGuid().ToString(),
            },
        };
        var node = new V1Node
        {
            ApiVersion = "v1", Kind = "Node",
            Metadata = new V1ObjectMeta { Name = _options.NodeName, Labels = NodeLabels() },
            Status = status,
        };
        try { await _client.CoreV1.CreateNodeAsync(node, cancellationToken: ct); }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict) { }
        // kubelet: node status (addresses, daemon endpoint, Ready) is written through nodes/status
        var patch = KubernetesJson.Serialize(new { status });
        await _client.CoreV1.PatchNodeStatusAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), _options.NodeName, cancellationToken: ct);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var informer in _informers) await informer.DisposeAsync();
        await Task.WhenAll(_runners.Values.Select(r => r.StopAsync()));
        if (_server is not null) await _server.DisposeAsync();
        if (_ownsHostRoot)
        {
            try { Directory.Delete(_hostRoot, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
