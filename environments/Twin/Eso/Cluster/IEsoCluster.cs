using System.Text.Json.Nodes;
using k8s.Models;

namespace Conformance.Twin.Eso.Cluster;

/// <summary>A Kubernetes API error as the controller sees it (metav1.Status reason and message).</summary>
public sealed class EsoApiException(int statusCode, string reason, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
    public string Reason { get; } = reason;
    public bool IsConflict => StatusCode == 409 && Reason != "AlreadyExists";
    public bool IsNotFound => StatusCode == 404;
    public bool IsAlreadyExists => Reason == "AlreadyExists";
}

/// <summary>The object an Event is about.</summary>
public sealed record EventTarget(string ApiVersion, string Kind, string? Namespace, string Name, string Uid, string? ResourceVersion);

/// <summary>
/// Every Kubernetes API call the ESO controller makes, so that the reconcilers are the same code against the twin's
/// API server (KubernetesEsoCluster) and an in-memory cluster in unit tests. Getters return null on NotFound;
/// writes throw EsoApiException.
/// </summary>
public interface IEsoCluster
{
    Task<JsonObject?> GetExternalSecretAsync(string ns, string name, CancellationToken ct);
    /// <summary>PUT .../externalsecrets/{name}/status with the object's resourceVersion (ESO: r.Status().Update); 409 on a stale object.</summary>
    Task<JsonObject> ReplaceExternalSecretStatusAsync(JsonObject externalSecret, CancellationToken ct);
    /// <summary>Merge-patch metadata.finalizers (ESO adds/removes its cleanup finalizer with a patch).</summary>
    Task<JsonObject> PatchExternalSecretFinalizersAsync(string ns, string name, IReadOnlyList<string> finalizers, CancellationToken ct);

    /// <summary>kind SecretStore (namespaced) or ClusterSecretStore (ns ignored).</summary>
    Task<JsonObject?> GetStoreAsync(string kind, string? ns, string name, CancellationToken ct);
    /// <summary>Merge-patch the store's /status (ESO: cl.Status().Patch).</summary>
    Task PatchStoreStatusAsync(string kind, string? ns, string name, JsonObject status, CancellationToken ct);

    Task<JsonObject?> GetGeneratorAsync(string ns, string apiVersion, string kind, string name, CancellationToken ct);

    Task<V1Secret?> GetSecretAsync(string ns, string name, CancellationToken ct);
    Task<V1Secret> CreateSecretAsync(V1Secret secret, string fieldManager, CancellationToken ct);
    Task<V1Secret> ReplaceSecretAsync(V1Secret secret, string fieldManager, CancellationToken ct);
    Task DeleteSecretAsync(string ns, string name, CancellationToken ct);
    Task<IReadOnlyList<V1Secret>> ListSecretsAsync(string ns, string labelSelector, CancellationToken ct);

    Task<V1Namespace?> GetNamespaceAsync(string name, CancellationToken ct);
    /// <summary>TokenRequest for a service account (ESO createServiceAccountToken, reference/eso.md §3b).</summary>
    Task<string> CreateServiceAccountTokenAsync(string ns, string serviceAccount, IReadOnlyList<string> audiences, long expirationSeconds, CancellationToken ct);

    Task RecordEventAsync(EventTarget target, string type, string reason, string message, CancellationToken ct);
}
