using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Conformance.Twin.Workloads.Kubelet;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Conformance.Twin.Workloads.Kube;

/// <summary>The kubelet's API calls, made with KubernetesClient against the twin's (or any) API server.</summary>
internal sealed class KubeletApi(IKubernetes client, string nodeName, TimeProvider time) : IKubeletApi
{
    private readonly ApiObjectSource _objects = new(client);

    public Task<V1Secret?> GetSecretAsync(string ns, string name, CancellationToken ct) => _objects.GetSecretAsync(ns, name, ct);

    public Task<V1ConfigMap?> GetConfigMapAsync(string ns, string name, CancellationToken ct) => _objects.GetConfigMapAsync(ns, name, ct);

    public async Task<bool> WritePodStatusAsync(V1Pod pod, V1PodStatus status, CancellationToken ct)
    {
        // kubelet status manager: a patch of the whole status, conditional on the pod's uid
        var body = KubernetesJson.Serialize(new { metadata = new { uid = pod.Metadata.Uid }, status });
        try
        {
            await client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch(body, V1Patch.PatchType.MergePatch),
                pod.Metadata.Name, pod.Metadata.NamespaceProperty, cancellationToken: ct);
            return true;
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict)
        {
            return false;
        }
    }

    public async Task RecordEventAsync(V1Pod pod, string? fieldPath, KubeletEvent evt, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        // kubelet event recorder: name <pod>.<hex>, source kubelet on this node, involvedObject the pod (and container fieldPath)
        var e = new Corev1Event
        {
            Metadata = new V1ObjectMeta
            {
                Name = $"{pod.Metadata.Name}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}",
                NamespaceProperty = pod.Metadata.NamespaceProperty,
            },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = "v1", Kind = "Pod", Name = pod.Metadata.Name, NamespaceProperty = pod.Metadata.NamespaceProperty,
                Uid = pod.Metadata.Uid, ResourceVersion = pod.Metadata.ResourceVersion, FieldPath = fieldPath,
            },
            Type = evt.Type,
            Reason = evt.Reason,
            Message = evt.Message,
            Source = new V1EventSource { Component = "kubelet", Host = nodeName },
            ReportingComponent = "kubelet",
            ReportingInstance = nodeName,
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
        };
        await client.CoreV1.CreateNamespacedEventAsync(e, pod.Metadata.NamespaceProperty, cancellationToken: ct);
    }

    public async Task DeletePodAsync(V1Pod pod, CancellationToken ct)
    {
        try
        {
            await client.CoreV1.DeleteNamespacedPodAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty,
                new V1DeleteOptions { GracePeriodSeconds = 0, Preconditions = new V1Preconditions { Uid = pod.Metadata.Uid } },
                cancellationToken: ct);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Conflict) { }
    }

    public async Task<string> RequestTokenAsync(string ns, string serviceAccount, string podName, string podUid, string? audience,
        long expirationSeconds, CancellationToken ct)
    {
        try
        {
            var request = new Authenticationv1TokenRequest
            {
                Spec = new V1TokenRequestSpec
                {
                    Audiences = audience is null ? [] : [audience],
                    ExpirationSeconds = expirationSeconds,
                    BoundObjectRef = new V1BoundObjectReference { ApiVersion = "v1", Kind = "Pod", Name = podName, Uid = podUid },
                },
            };
            var response = await client.CoreV1.CreateNamespacedServiceAccountTokenAsync(request, serviceAccount, ns, cancellationToken: ct);
            return response.Status.Token;
        }
        catch (HttpOperationException ex)
        {
            throw new InvalidOperationException(StatusMessage(ex), ex);
        }
    }

    internal static string StatusMessage(HttpOperationException ex)
    {
        try
        {
            var status = KubernetesJson.Deserialize<V1Status>(ex.Response.Content ?? "");
            if (!string.IsNullOrEmpty(status?.Message)) return status.Message;
        }
        catch (JsonException) { }
        return $"{(int)ex.Response.StatusCode} {ex.Response.ReasonPhrase}";
    }
}
