using k8s.Models;

namespace Conformance.Twin.Workloads.Kubelet;

/// <summary>The kubelet's writes to the API server (status, events, final delete, tokens) and its reads of Secrets/ConfigMaps.</summary>
public interface IKubeletApi : IKubeObjectSource
{
    /// <summary>pods/status: returns false when the pod no longer exists.</summary>
    Task<bool> WritePodStatusAsync(V1Pod pod, V1PodStatus status, CancellationToken ct);

    Task RecordEventAsync(V1Pod pod, string? fieldPath, KubeletEvent evt, CancellationToken ct);

    /// <summary>The kubelet's final delete once every container is stopped (grace period 0, precondition uid).</summary>
    Task DeletePodAsync(V1Pod pod, CancellationToken ct);

    Task<string> RequestTokenAsync(string ns, string serviceAccount, string podName, string podUid, string? audience,
        long expirationSeconds, CancellationToken ct);
}
