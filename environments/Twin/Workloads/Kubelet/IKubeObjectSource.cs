using k8s.Models;

namespace Conformance.Twin.Workloads.Kubelet;

/// <summary>Where the kubelet reads the Secrets and ConfigMaps a pod refers to; null means NotFound.</summary>
public interface IKubeObjectSource
{
    Task<V1Secret?> GetSecretAsync(string ns, string name, CancellationToken ct);
    Task<V1ConfigMap?> GetConfigMapAsync(string ns, string name, CancellationToken ct);
}

/// <summary>A kubelet-side event about a pod (reason and message exactly as the real kubelet writes them).</summary>
public sealed record KubeletEvent(string Type, string Reason, string Message)
{
    public static KubeletEvent Normal(string reason, string message) => new("Normal", reason, message);
    public static KubeletEvent Warning(string reason, string message) => new("Warning", reason, message);
}
