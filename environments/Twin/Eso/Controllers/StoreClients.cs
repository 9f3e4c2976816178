using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Conformance.Twin.Eso.Cluster;
using Conformance.Twin.Eso.Model;
using Conformance.Twin.Eso.Providers;

namespace Conformance.Twin.Eso.Controllers;

/// <summary>
/// ESO's secretstore.Manager: resolves a store reference for one reconcile, applies the ClusterSecretStore namespace
/// conditions and the flood gate, and builds (and caches) provider clients (pkg/controllers/secretstore/client_manager.go).
/// </summary>
public sealed class StoreClients(IEsoCluster cluster, EsoOptions options, IReadOnlyDictionary<string, IStoreProvider> providers) : IAsyncDisposable
{
    private readonly Dictionary<string, ISecretsClient> _clients = new(StringComparer.Ordinal);

    public async Task<ISecretsClient> GetAsync(StoreRef? storeRef, StoreRef? sourceRef, string esNamespace, CancellationToken ct)
    {
        var reference = sourceRef ?? storeRef ?? throw new ProviderException("spec.secretStoreRef is not set");
        var cacheKey = $"{reference.Kind}/{reference.Name}";
        if (_clients.TryGetValue(cacheKey, out var cached)) return cached;

        var store = await cluster.GetStoreAsync(reference.Kind, reference.IsCluster ? null : esNamespace, reference.Name, ct)
            ?? throw new ProviderException(reference.IsCluster
                ? $"could not get ClusterSecretStore \"{reference.Name}\", clustersecretstores.external-secrets.io \"{reference.Name}\" not found"
                : $"could not get SecretStore \"{reference.Name}\", secretstores.external-secrets.io \"{reference.Name}\" not found");
        // ESO: a store of another controller class cannot be referenced.
        if (!ShouldProcessStore(store, options.ControllerClass)) throw new ProviderException("can not reference unmanaged store");
        // ESO: ClusterSecretStore spec.conditions select the namespaces allowed to use it (reference/eso.md §4).
        if (reference.IsCluster && !await NamespaceAllowedAsync(store, esNamespace, ct))
            throw new ProviderException($"using cluster store \"{reference.Name}\" is not allowed from namespace \"{esNamespace}\": denied by spec.condition");
        // ESO flood gate: only Ready stores are used (assertStoreIsUsable, reference/eso.md §4).
        if (options.EnableFloodGate && !IsReady(store))
            throw new ProviderException($"{reference.Kind} \"{reference.Name}\" is not ready");

        var client = await NewClientAsync(store, reference.Kind, esNamespace, ct);
        _clients[cacheKey] = client;
        return client;
    }

    /// <summary>ESO GetFromStore: the provider named under spec.provider builds a client for this namespace.</summary>
    public async Task<ISecretsClient> NewClientAsync(JsonObject store, string kind, string namespaceForAuth, CancellationToken ct)
    {
        var (name, spec) = ProviderOf(store);
        if (!providers.TryGetValue(name, out var provider))
            throw new ProviderException($"no provider registered for \"{name}\" (the twin implements: {string.Join(", ", providers.Keys.Order())})");
        var ctx = new StoreContext(kind, store.Str("metadata", "name") ?? "", store.Str("metadata", "namespace"), spec, namespaceForAuth, cluster, options);
        return await provider.NewClientAsync(ctx, ct);
    }

    public static (string Name, JsonObject Spec) ProviderOf(JsonObject store)
    {
        if (store.At("spec", "provider") is not JsonObject provider || provider.Count == 0)
            throw new ProviderException("store has no provider configured");
        var first = provider.First(p => p.Value is JsonObject);
        return (first.Key, (JsonObject)first.Value!);
    }

    public static bool ShouldProcessStore(JsonObject store, string controllerClass) =>
        store.Str("spec", "controller") is not { Length: > 0 } c || c == controllerClass;

    public static bool IsReady(JsonObject store) =>
        store.Objects("status", "conditions").Any(c => c.Str("type") == "Ready" && c.Str("status") == "True");

    private async Task<bool> NamespaceAllowedAsync(JsonObject store, string ns, CancellationToken ct)
    {
        var conditions = store.Objects("spec", "conditions").ToList();
        if (conditions.Count == 0) return true;
        var nsObject = await cluster.GetNamespaceAsync(ns, ct)
            ?? throw new ProviderException($"failed to get a namespace \"{ns}\": namespaces \"{ns}\" not found");
        var labels = new Dictionary<string, string>(nsObject.Metadata?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        labels.TryAdd("kubernetes.io/metadata.name", ns);
        foreach (var condition in conditions)
        {
            if (condition.StrList("namespaces").Contains(ns)) return true;
            if (condition["namespaceSelector"] is JsonObject selector && LabelSelectorMatches(selector, labels)) return true;
            if (condition.StrList("namespaceRegexes").Any(r => Regex.IsMatch(ns, r))) return true;
        }
        return false;
    }

    /// <summary>metav1.LabelSelector: matchLabels and matchExpressions (In, NotIn, Exists, DoesNotExist).</summary>
    public static bool LabelSelectorMatches(JsonObject selector, IReadOnlyDictionary<string, string> labels)
    {
        foreach (var (k, v) in selector.StrMap("matchLabels"))
            if (!labels.TryGetValue(k, out var actual) || actual != v) return false;
        foreach (var e in selector.Objects("matchExpressions"))
        {
            var key = e.Str("key") ?? "";
            var values = e.StrList("values");
            var has = labels.TryGetValue(key, out var actual);
            var ok = e.Str("operator") switch
            {
                "In" => has && values.Contains(actual!),
                "NotIn" => !has || !values.Contains(actual!),
                "Exists" => has,
                "DoesNotExist" => !has,
                _ => false,
            };
            if (!ok) return false;
        }
        return true;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in _clients.Values) await c.DisposeAsync();
        _clients.Clear();
    }
}
