using System.Text.Json.Nodes;
using Conformance.Twin.Eso.Cluster;

namespace Conformance.Tests.TwinEso;

/// <summary>Answers the first status write with 409 Conflict, as the API server does for a stale resourceVersion.</summary>
public sealed class ConflictOnceCluster(InMemoryEsoCluster inner) : IEsoCluster
{
    private bool _conflicted;
    public Task<JsonObject?> GetExternalSecretAsync(string ns, string name, CancellationToken ct) => inner.GetExternalSecretAsync(ns, name, ct);
    public Task<JsonObject> ReplaceExternalSecretStatusAsync(JsonObject es, CancellationToken ct)
    {
        if (_conflicted) return inner.ReplaceExternalSecretStatusAsync(es, ct);
        _conflicted = true;
        throw new EsoApiException(409, "Conflict", "the object has been modified");
    }
    public Task<JsonObject> PatchExternalSecretFinalizersAsync(string ns, string name, IReadOnlyList<string> f, CancellationToken ct) => inner.PatchExternalSecretFinalizersAsync(ns, name, f, ct);
    public Task<JsonObject?> GetStoreAsync(string kind, string? ns, string name, CancellationToken ct) => inner.GetStoreAsync(kind, ns, name, ct);
    public Task PatchStoreStatusAsync(string kind, string? ns, string name, JsonObject status, CancellationToken ct) => inner.PatchStoreStatusAsync(kind, ns, name, status, ct);
    public Task<JsonObject?> GetGeneratorAsync(string ns, string apiVersion, string kind, string name, CancellationToken ct) => inner.GetGeneratorAsync(ns, apiVersion, kind, name, ct);
    public Task<k8s.Models.V1Secret?> GetSecretAsync(string ns, string name, CancellationToken ct) => inner.GetSecretAsync(ns, name, ct);
    public Task<k8s.Models.V1Secret> CreateSecretAsync(k8s.Models.V1Secret s, string m, CancellationToken ct) => inner.CreateSecretAsync(s, m, ct);
    public Task<k8s.Models.V1Secret> ReplaceSecretAsync(k8s.Models.V1Secret s, string m, CancellationToken ct) => inner.ReplaceSecretAsync(s, m, ct);
    public Task DeleteSecretAsync(string ns, string name, CancellationToken ct) => inner.DeleteSecretAsync(ns, name, ct);
    public Task<IReadOnlyList<k8s.Models.V1Secret>> ListSecretsAsync(string ns, string sel, CancellationToken ct) => inner.ListSecretsAsync(ns, sel, ct);
    public Task<k8s.Models.V1Namespace?> GetNamespaceAsync(string name, CancellationToken ct) => inner.GetNamespaceAsync(name, ct);
    public Task<string> CreateServiceAccountTokenAsync(string ns, string sa, IReadOnlyList<string> aud, long exp, CancellationToken ct) => inner.CreateServiceAccountTokenAsync(ns, sa, aud, exp, ct);
    public Task RecordEventAsync(EventTarget t, string type, string reason, string message, CancellationToken ct) => inner.RecordEventAsync(t, type, reason, message, ct);
}
