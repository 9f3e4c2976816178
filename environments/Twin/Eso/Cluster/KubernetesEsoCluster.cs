using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conformance.Twin.Eso.Model;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Conformance.Twin.Eso.Cluster;

/// <summary>IEsoCluster over a KubernetesClient (k8s.IKubernetes): the twin's ESO is an API client like the real controller.</summary>
public sealed class KubernetesEsoCluster(IKubernetes client, TimeProvider time) : IEsoCluster
{
    private const string Group = "external-secrets.io";
    private const string Version = "v1";
    private readonly ConcurrentDictionary<string, (string Name, string Namespace, int Count)> _events = new(StringComparer.Ordinal);

    public IKubernetes Client => client;

    public Task<JsonObject?> GetExternalSecretAsync(string ns, string name, CancellationToken ct) =>
        OrNull(async () => ToObject(await client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(Group, Version, ns, "externalsecrets", name, ct)));

    public Task<JsonObject> ReplaceExternalSecretStatusAsync(JsonObject es, CancellationToken ct) =>
        Translate(async () => ToObject(await client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync<JsonElement>(
            body: JsonSerializer.Deserialize<JsonElement>(es.ToJsonString()), group: Group, version: Version,
            namespaceParameter: es.Str("metadata", "namespace")!, plural: "externalsecrets", name: es.Str("metadata", "name")!, cancellationToken: ct)));

    public Task<JsonObject> PatchExternalSecretFinalizersAsync(string ns, string name, IReadOnlyList<string> finalizers, CancellationToken ct)
    {
        var patch = new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray()) } };
        return Translate(async () => ToObject(await client.CustomObjects.PatchNamespacedCustomObjectAsync<JsonElement>(
            body: new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), group: Group, version: Version,
            namespaceParameter: ns, plural: "externalsecrets", name: name, cancellationToken: ct)));
    }

    public Task<JsonObject?> GetStoreAsync(string kind, string? ns, string name, CancellationToken ct) =>
        OrNull(async () => kind == StoreRef.ClusterSecretStoreKind
            ? ToObject(await client.CustomObjects.GetClusterCustomObjectAsync<JsonElement>(Group, Version, "clustersecretstores", name, ct))
            : ToObject(await client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(Group, Version, ns ?? "", "secretstores", name, ct)));

    public Task PatchStoreStatusAsync(string kind, string? ns, string name, JsonObject status, CancellationToken ct)
    {
        var patch = new V1Patch(new JsonObject { ["status"] = status }.ToJsonString(), V1Patch.PatchType.MergePatch);
        return Translate(async () => kind == StoreRef.ClusterSecretStoreKind
            ? await client.CustomObjects.PatchClusterCustomObjectStatusAsync<JsonElement>(body: patch, group: Group, version: Version, plural: "clustersecretstores", name: name, cancellationToken: ct)
            : await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync<JsonElement>(body: patch, group: Group, version: Version, namespaceParameter: ns ?? "", plural: "secretstores", name: name, cancellationToken: ct));
    }

    public Task<JsonObject?> GetGeneratorAsync(string ns, string apiVersion, string kind, string name, CancellationToken ct)
    {
        var slash = apiVersion.IndexOf('/');
        var group = slash < 0 ? "" : apiVersion[..slash];
        var version = slash < 0 ? apiVersion : apiVersion[(slash + 1)..];
        var plural = kind.ToLowerInvariant() + (kind.EndsWith('s') ? "es" : "s");
        return OrNull(async () => ToObject(await client.CustomObjects.GetNamespacedCustomObjectAsync<JsonElement>(group, version, ns, plural, name, ct)));
    }

    public Task<V1Secret?> GetSecretAsync(string ns, string name, CancellationToken ct) =>
        OrNull(async () => await client.CoreV1.ReadNamespacedSecretAsync(name, ns, cancellationToken: ct));

    public Task<V1Secret> CreateSecretAsync(V1Secret secret, string fieldManager, CancellationToken ct) =>
        Translate(() => client.CoreV1.CreateNamespacedSecretAsync(secret, secret.Metadata.NamespaceProperty, fieldManager: fieldManager, cancellationToken: ct));

    public Task<V1Secret> ReplaceSecretAsync(V1Secret secret, string fieldManager, CancellationToken ct) =>
        Translate(() => client.CoreV1.ReplaceNamespacedSecretAsync(secret, secret.Metadata.Name, secret.Metadata.NamespaceProperty, fieldManager: fieldManager, cancellationToken: ct));

    public Task DeleteSecretAsync(string ns, string name, CancellationToken ct) =>
        Translate(() => client.CoreV1.DeleteNamespacedSecretAsync(name, ns, cancellationToken: ct));

    public Task<IReadOnlyList<V1Secret>> ListSecretsAsync(string ns, string labelSelector, CancellationToken ct) =>
        Translate(async () => (IReadOnlyList<V1Secret>)(await client.CoreV1.ListNamespacedSecretAsync(ns, labelSelector: labelSelector, cancellationToken: ct)).Items.ToList());

    public Task<V1Namespace?> GetNamespaceAsync(string name, CancellationToken ct) =>
        OrNull(async () => await client.CoreV1.ReadNamespaceAsync(name, cancellationToken: ct));

    public Task<string> CreateServiceAccountTokenAsync(string ns, string serviceAccount, IReadOnlyList<string> audiences, long expirationSeconds, CancellationToken ct) =>
        Translate(async () =>
        {
            var request = new Authenticationv1TokenRequest
            {
                Metadata = new V1ObjectMeta { NamespaceProperty = ns },
                Spec = new V1TokenRequestSpec { Audiences = audiences.ToList(), ExpirationSeconds = expirationSeconds },
            };
            var response = await client.CoreV1.CreateNamespacedServiceAccountTokenAsync(request, serviceAccount, ns, cancellationToken: ct);
            return response.Status?.Token ?? throw new EsoApiException(500, "InternalError", "TokenRequest returned no token");
        });

    /// <summary>client-go's event recorder: one Event per (object, type, reason, message), repeats bump count and lastTimestamp.</summary>
    public async Task RecordEventAsync(EventTarget target, string type, string reason, string message, CancellationToken ct)
    {
        var ns = target.Namespace ?? "default";
        var now = time.GetUtcNow().UtcDateTime;
        var key = $"{target.Uid}\n{type}\n{reason}\n{message}";
        try
        {
            if (_events.TryGetValue(key, out var seen))
            {
                var count = seen.Count + 1;
                var patch = new JsonObject { ["count"] = count, ["lastTimestamp"] = now.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) };
                await client.CoreV1.PatchNamespacedEventAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), seen.Name, seen.Namespace, cancellationToken: ct);
                _events[key] = (seen.Name, seen.Namespace, count);
                return;
            }
            var name = $"{target.Name}.{(now.Ticks - DateTime.UnixEpoch.Ticks) * 100:x}";
            var ev = new Corev1Event
            {
                Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
                InvolvedObject = new V1ObjectReference
                {
                    ApiVersion = target.ApiVersion, Kind = target.Kind, Name = target.Name,
                    NamespaceProperty = target.Namespace, Uid = target.Uid, ResourceVersion = target.ResourceVersion,
                },
                Reason = reason, Message = message, Type = type,
                Source = new V1EventSource { Component = Eso.EsoLabels.EventSource },
                FirstTimestamp = now, LastTimestamp = now, Count = 1,
                ReportingComponent = Eso.EsoLabels.EventSource,
            };
            await client.CoreV1.CreateNamespacedEventAsync(ev, ns, cancellationToken: ct);
            _events[key] = (name, ns, 1);
        }
        catch (HttpOperationException)
        {
            // client-go drops events it cannot write; so does the twin.
            _events.TryRemove(key, out _);
        }
    }

    public static JsonObject ToObject(JsonElement element) =>
        JsonNode.Parse(element.GetRawText()) as JsonObject ?? throw new EsoApiException(500, "InternalError", "API server returned a non-object");

    private static async Task<T?> OrNull<T>(Func<Task<T>> call) where T : class
    {
        try { return await call(); }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound) { return null; }
        catch (HttpOperationException e) { throw ToApi(e); }
    }

    private static async Task<T> Translate<T>(Func<Task<T>> call)
    {
        try { return await call(); }
        catch (HttpOperationException e) { throw ToApi(e); }
    }

    private static async Task Translate(Func<Task> call)
    {
        try { await call(); }
        catch (HttpOperationException e) { throw ToApi(e); }
    }

    /// <summary>Reads the metav1.Status the API server returned (reason, message).</summary>
    public static EsoApiException ToApi(HttpOperationException e)
    {
        var status = (int)e.Response.StatusCode;
        string reason = e.Response.StatusCode.ToString(), message = e.Message;
        try
        {
            var body = JsonNode.Parse(e.Response.Content ?? "");
            reason = body.Str("reason") ?? reason;
            message = body.Str("message") ?? message;
        }
        catch (JsonException) { }
        return new EsoApiException(status, reason, message);
    }
}
