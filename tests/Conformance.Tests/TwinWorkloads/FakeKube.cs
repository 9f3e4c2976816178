using System.Collections.Concurrent;
using System.Text;
using Conformance.Twin.Workloads.Kubelet;
using k8s.Models;

namespace Conformance.Tests.TwinWorkloads;

/// <summary>An in-memory stand-in for the API calls the kubelet makes, recording what it wrote.</summary>
internal sealed class FakeKube : IKubeletApi
{
    public ConcurrentDictionary<(string Ns, string Name), V1Secret> Secrets { get; } = new();
    public ConcurrentDictionary<(string Ns, string Name), V1ConfigMap> ConfigMaps { get; } = new();
    public ConcurrentQueue<V1PodStatus> Statuses { get; } = new();
    public ConcurrentQueue<(string? FieldPath, KubeletEvent Event)> Events { get; } = new();
    public int Deletes;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FakeKube Secret(string ns, string name, params (string Key, string Value)[] data)
    {
        Secrets[(ns, name)] = new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Data = data.ToDictionary(d => d.Key, d => Encoding.UTF8.GetBytes(d.Value)),
        };
        return this;
    }

    public FakeKube ConfigMap(string ns, string name, params (string Key, string Value)[] data)
    {
        ConfigMaps[(ns, name)] = new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
            Data = data.ToDictionary(d => d.Key, d => d.Value),
        };
        return this;
    }

    public Task<V1Secret?> GetSecretAsync(string ns, string name, CancellationToken ct) =>
        Task.FromResult(Secrets.TryGetValue((ns, name), out var s) ? s : null);

    public Task<V1ConfigMap?> GetConfigMapAsync(string ns, string name, CancellationToken ct) =>
        Task.FromResult(ConfigMaps.TryGetValue((ns, name), out var c) ? c : null);

    public Task<bool> WritePodStatusAsync(V1Pod pod, V1PodStatus status, CancellationToken ct)
    {
        Statuses.Enqueue(status);
        Signal();
        return Task.FromResult(true);
    }

    public Task RecordEventAsync(V1Pod pod, string? fieldPath, KubeletEvent evt, CancellationToken ct)
    {
        Events.Enqueue((fieldPath, evt));
        Signal();
        return Task.CompletedTask;
    }

    public Task DeletePodAsync(V1Pod pod, CancellationToken ct)
    {
        Interlocked.Increment(ref Deletes);
        Signal();
        return Task.CompletedTask;
    }

    public Task<string> RequestTokenAsync(string ns, string serviceAccount, string podName, string podUid, string? audience, long expirationSeconds, CancellationToken ct) =>
        Task.FromResult($"token-for-{serviceAccount}-{audience}-{expirationSeconds}");

    private void Signal() => Interlocked.Exchange(ref _changed, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Waits (event-driven, with a deadline) until the last written status satisfies the condition.</summary>
    public async Task<V1PodStatus> WaitForStatusAsync(Func<V1PodStatus, bool> condition, string what, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var changed = _changed.Task;
            var last = Statuses.LastOrDefault();
            if (last is not null && condition(last)) return last;
            try { await changed.WaitAsync(cts.Token); }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"timed out waiting for {what}; last status phase={last?.Phase}, containers={Describe(last)}");
            }
        }
    }

    /// <summary>Waits (event-driven, with a deadline) until an event matching the condition was recorded.</summary>
    public async Task<KubeletEvent> WaitForEventAsync(Func<KubeletEvent, bool> condition, string what)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var changed = _changed.Task;
            if (Events.Select(e => e.Event).FirstOrDefault(condition) is { } found) return found;
            try { await changed.WaitAsync(cts.Token); }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"timed out waiting for {what}; events so far: {string.Join(" | ", Events.Select(e => e.Event.Reason))}");
            }
        }
    }

    public static string Describe(V1PodStatus? s) => s is null ? "(none)" : string.Join("; ",
        (s.InitContainerStatuses ?? []).Concat(s.ContainerStatuses ?? []).Select(c =>
            $"{c.Name}:{(c.State.Running is not null ? "Running" : c.State.Terminated is { } t ? $"Terminated({t.ExitCode},{t.Reason})" : $"Waiting({c.State.Waiting?.Reason},{c.State.Waiting?.Message})")}"));
}
