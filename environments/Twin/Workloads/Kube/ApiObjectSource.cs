using System.Net;
using Conformance.Twin.Workloads.Kubelet;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Conformance.Twin.Workloads.Kube;

/// <summary>Reads Secrets and ConfigMaps through the API (the kubelet's node-scoped read); NotFound becomes null.</summary>
internal sealed class ApiObjectSource(IKubernetes client) : IKubeObjectSource
{
    public Task<V1Secret?> GetSecretAsync(string ns, string name, CancellationToken ct) =>
        OrNull(() => client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: ct));

    public Task<V1ConfigMap?> GetConfigMapAsync(string ns, string name, CancellationToken ct) =>
        OrNull(() => client.CoreV1.ReadNamespacedConfigMapAsync(name, ns, cancellationToken: ct));

    internal static async Task<TObj?> OrNull<TObj>(Func<Task<TObj>> read) where TObj : class
    {
        try { return await read(); }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound) { return null; }
    }
}
