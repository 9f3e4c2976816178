using System.Text.Json.Nodes;
using Conformance.Twin.Eso.Cluster;
using Conformance.Twin.Eso.Model;
using k8s;
using k8s.Models;

namespace Conformance.Tests.TwinEso;

/// <summary>
/// An in-memory stand-in for the API calls the ESO controller makes, with resourceVersion conflicts and NotFound as the
/// API server answers them, so the reconciler's decisions can be tested before (and besides) the twin API server.
/// </summary>
public sealed class InMemoryEsoCluster : IEsoCluster
{
    private readonly Dictionary<string, JsonObject> _objects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, V1Secret> _secrets = new(StringComparer.Ordinal);
    private long _rv = 100;

    public List<(string Type, string Reason, string Message, string Kind, string Name)> Events { get; } = [];
    public HashSet<string> Namespaces { get; } = ["default"];
    public Dictionary<string, Dictionary<string, string>> NamespaceLabels { get; } = new();
    public List<(string Namespace, string ServiceAccount, long Expiration)> TokenRequests { get; } = [];
    public Func<string, string, string>? IssueToken { get; set; }
    public int SecretWrites { get; private set; }

    private string NextRv() => (++_rv).ToString(System.Globalization.CultureInfo.InvariantCulture);
    private static string Key(string kind, string? ns, string name) => $"{kind}/{ns}/{name}";

    // ---- test-side helpers -------------------------------------------------------------------------------------

    public JsonObject PutExternalSecret(JsonObject es)
    {
        var ns = es.Str("metadata", "namespace")!;
        var name = es.Str("metadata", "name")!;
        var key = Key("ExternalSecret", ns, name);
        var meta = (JsonObject)es["metadata"]!;
        if (_objects.TryGetValue(key, out var old))
        {
            meta["uid"] = old.Str("metadata", "uid");
            var specChanged = old["spec"]?.ToJsonString() != es["spec"]?.ToJsonString();
            meta["generation"] = (old.Long("metadata", "generation") ?? 1) + (specChanged ? 1 : 0);
            meta["finalizers"] = old.At("metadata", "finalizers")?.DeepClone();
            if (es["status"] is null && old["status"] is not null) es["status"] = old["status"]!.DeepClone();
        }
        else
        {
            meta["uid"] ??= Guid.NewGuid().ToString();
            meta["generation"] ??= 1;
        }
        meta["resourceVersion"] = NextRv();
        _objects[key] = (JsonObject)es.DeepClone();
        return es;
    }

    public JsonObject? ExternalSecret(string ns, string name) =>
        _objects.TryGetValue(Key("ExternalSecret", ns, name), out var o) ? (JsonObject)o.DeepClone() : null;

    public void PutStore(string kind, string? ns, JsonObject store)
    {
        var meta = (JsonObject)store["metadata"]!;
        meta["uid"] ??= Guid.NewGuid().ToString();
        meta["generation"] ??= 1;
        meta["resourceVersion"] = NextRv();
        _objects[Key(kind, ns, store.Str("metadata", "name")!)] = (JsonObject)store.DeepClone();
    }

    public JsonObject? Store(string kind, string? ns, string name) =>
        _objects.TryGetValue(Key(kind, ns, name), out var o) ? (JsonObject)o.DeepClone() : null;

    public void PutGenerator(string ns, JsonObject generator) =>
        _objects[Key("Generator:" + generator.Str("kind"), ns, generator.Str("metadata", "name")!)] = (JsonObject)generator.DeepClone();

    public void PutSecret(V1Secret secret)
    {
        secret.Metadata.Uid ??= Guid.NewGuid().ToString();
        secret.Metadata.ResourceVersion = NextRv();
        _secrets[Key("Secret", secret.Metadata.NamespaceProperty, secret.Metadata.Name)] = Clone(secret);
    }

    public V1Secret? Secret(string ns, string name) =>
        _secrets.TryGetValue(Key("Secret", ns, name), out var s) ? Clone(s) : null;

    /// <summary>ownerReference garbage collection, as the API server would do on ExternalSecret deletion.</summary>
    public void DeleteExternalSecretWithGc(string ns, string name)
    {
        var es = _objects[Key("ExternalSecret", ns, name)];
        _objects.Remove(Key("ExternalSecret", ns, name));
        foreach (var k in _secrets.Where(kv => kv.Value.Metadata.OwnerReferences?.Any(r => r.Uid == es.Str("metadata", "uid")) == true).Select(kv => kv.Key).ToList())
            _secrets.Remove(k);
    }

    private static V1Secret Clone(V1Secret s) => KubernetesJson.Deserialize<V1Secret>(KubernetesJson.Serialize(s));

    // ---- IEsoCluster -----------------------------------------------------------------------------------------

    public Task<JsonObject?> GetExternalSecretAsync(string ns, string name, CancellationToken ct) => Task.FromResult(ExternalSecret(ns, name));

    public Task<JsonObject> ReplaceExternalSecretStatusAsync(JsonObject es, CancellationToken ct)
    {
        var key = Key("ExternalSecret", es.Str("metadata", "namespace"), es.Str("metadata", "name")!);
        if (!_objects.TryGetValue(key, out var current)) throw new EsoApiException(404, "NotFound", "externalsecrets.external-secrets.io not found");
        if (current.Str("metadata", "resourceVersion") != es.Str("metadata", "resourceVersion"))
            throw new EsoApiException(409, "Conflict", "Operation cannot be fulfilled: the object has been modified; please apply your changes to the latest version and try again");
        current["status"] = es["status"]?.DeepClone();
        current["metadata"]!["resourceVersion"] = NextRv();
        return Task.FromResult((JsonObject)current.DeepClone());
    }

    public Task<JsonObject> PatchExternalSecretFinalizersAsync(string ns, string name, IReadOnlyList<string> finalizers, CancellationToken ct)
    {
        if (!_objects.TryGetValue(Key("ExternalSecret", ns, name), out var current)) throw new EsoApiException(404, "NotFound", "not found");
        current["metadata"]!["finalizers"] = new JsonArray(finalizers.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray());
        current["metadata"]!["resourceVersion"] = NextRv();
        return Task.FromResult((JsonObject)current.DeepClone());
    }

    public Task<JsonObject?> GetStoreAsync(string kind, string? ns, string name, CancellationToken ct) =>
        Task.FromResult(Store(kind, kind == StoreRef.ClusterSecretStoreKind ? null : ns, name));

    public Task PatchStoreStatusAsync(string kind, string? ns, string name, JsonObject status, CancellationToken ct)
    {
        if (!_objects.TryGetValue(Key(kind, ns, name), out var current)) throw new EsoApiException(404, "NotFound", "not found");
        current["status"] = status.DeepClone();
        current["metadata"]!["resourceVersion"] = NextRv();
        return Task.CompletedTask;
    }

    public Task<JsonObject?> GetGeneratorAsync(string ns, string apiVersion, string kind, string name, CancellationToken ct) =>
        Task.FromResult(_objects.TryGetValue(Key("Generator:" + kind, ns, name), out var o) ? (JsonObject?)o.DeepClone() : null);

    public Task<V1Secret?> GetSecretAsync(string ns, string name, CancellationToken ct) => Task.FromResult(Secret(ns, name));

    public Task<V1Secret> CreateSecretAsync(V1Secret secret, string fieldManager, CancellationToken ct)
    {
        var key = Key("Secret", secret.Metadata.NamespaceProperty, secret.Metadata.Name);
        if (_secrets.ContainsKey(key)) throw new EsoApiException(409, "AlreadyExists", $"secrets \"{secret.Metadata.Name}\" already exists");
        var stored = Clone(secret);
        stored.Metadata.Uid = Guid.NewGuid().ToString();
        stored.Metadata.ResourceVersion = NextRv();
        _secrets[key] = stored;
        SecretWrites++;
        return Task.FromResult(Clone(stored));
    }

    public Task<V1Secret> ReplaceSecretAsync(V1Secret secret, string fieldManager, CancellationToken ct)
    {
        var key = Key("Secret", secret.Metadata.NamespaceProperty, secret.Metadata.Name);
        if (!_secrets.TryGetValue(key, out var current)) throw new EsoApiException(404, "NotFound", $"secrets \"{secret.Metadata.Name}\" not found");
        if (current.Metadata.ResourceVersion != secret.Metadata.ResourceVersion)
            throw new EsoApiException(409, "Conflict", "Operation cannot be fulfilled on secrets: the object has been modified");
        var stored = Clone(secret);
        stored.Metadata.ResourceVersion = NextRv();
        _secrets[key] = stored;
        SecretWrites++;
        return Task.FromResult(Clone(stored));
    }

    public Task DeleteSecretAsync(string ns, string name, CancellationToken ct)
    {
        if (!_secrets.Remove(Key("Secret", ns, name))) throw new EsoApiException(404, "NotFound", $"secrets \"{name}\" not found");
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<V1Secret>> ListSecretsAsync(string ns, string labelSelector, CancellationToken ct)
    {
        var (k, v) = (labelSelector.Split('=')[0], labelSelector.Split('=')[1]);
        IReadOnlyList<V1Secret> result = _secrets.Values
            .Where(s => s.Metadata.NamespaceProperty == ns && s.Metadata.Labels?.TryGetValue(k, out var actual) == true && actual == v)
            .Select(Clone).ToList();
        return Task.FromResult(result);
    }

    public Task<V1Namespace?> GetNamespaceAsync(string name, CancellationToken ct) =>
        Task.FromResult(Namespaces.Contains(name)
            ? new V1Namespace { Metadata = new V1ObjectMeta { Name = name, Labels = NamespaceLabels.GetValueOrDefault(name) ?? new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = name } } }
            : null);

    public Task<string> CreateServiceAccountTokenAsync(string ns, string serviceAccount, IReadOnlyList<string> audiences, long expirationSeconds, CancellationToken ct)
    {
        TokenRequests.Add((ns, serviceAccount, expirationSeconds));
        var token = IssueToken?.Invoke(ns, serviceAccount) ?? throw new EsoApiException(404, "NotFound", $"serviceaccounts \"{serviceAccount}\" not found");
        return Task.FromResult(token);
    }

    public Task RecordEventAsync(EventTarget target, string type, string reason, string message, CancellationToken ct)
    {
        Events.Add((type, reason, message, target.Kind, target.Name));
        return Task.CompletedTask;
    }
}
