using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conformance.Twin.Eso.Cluster;
using Conformance.Twin.Eso.Controllers;
using Conformance.Twin.Eso.Decisions;
using Conformance.Twin.Eso.Generators;
using Conformance.Twin.Eso.Model;
using Conformance.Twin.Eso.Providers;
using Conformance.Twin.Eso.Providers.Aws;
using Conformance.Twin.Eso.Providers.Vault;
using k8s;
using k8s.Models;

namespace Conformance.Twin.Eso;

/// <summary>
/// The twin's External Secrets Operator controller (external-secrets.io/v1, ESO 2.9 behaviour, reference/eso.md):
/// a client of the Kubernetes API that list+watches SecretStores, ClusterSecretStores, ExternalSecrets and the Secrets
/// they own, writes status through /status and Events through the API, and reads AWS Secrets Manager (SigV4, JSON 1.1)
/// and Vault KV v2 / VaultDynamicSecret. Start it with <see cref="StartAsync"/>, stop it by disposing.
/// </summary>
public sealed class TwinExternalSecrets : IAsyncDisposable
{
    private const string Group = "external-secrets.io";
    private const string Version = "v1";
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly WorkQueue _queue;
    private readonly FailureBackoff _backoff = new();
    private readonly EsoOptions _options;
    private readonly HttpClient _http;
    private readonly ExternalSecretReconciler _externalSecrets;
    private readonly SecretStoreReconciler _stores;
    private readonly Informer _esInformer;
    private readonly List<Informer> _informers = [];
    private long _reconciles;

    /// <summary>ESO's default is --concurrent=1 (chart value `concurrent`); ESO's e2e runs 100. The twin uses a few.</summary>
    public const int Workers = 4;

    private TwinExternalSecrets(IKubernetes client, EsoOptions options)
    {
        _options = options;
        _queue = new WorkQueue(options.TimeProvider);
        _http = new HttpClient(options.ProviderHttpHandler ?? new SocketsHttpHandler(), disposeHandler: options.ProviderHttpHandler is null)
        {
            Timeout = TimeSpan.FromSeconds(15),
        };
        Cluster = new KubernetesEsoCluster(client, options.TimeProvider);
        var providers = DefaultProviders(_http);
        _externalSecrets = new ExternalSecretReconciler(Cluster, options, providers, new VaultDynamicSecretGenerator(_http));
        _stores = new SecretStoreReconciler(Cluster, options, providers);

        _esInformer = CustomInformer(client, "externalsecrets", OnExternalSecret, o => _queue.Add(EsKey(o)));
        _informers.Add(_esInformer);
        _informers.Add(CustomInformer(client, "secretstores", (old, o) => OnStore(old, o, StoreRef.SecretStoreKind), _ => { }));
        _informers.Add(CustomInformer(client, "clustersecretstores", (old, o) => OnStore(old, o, StoreRef.ClusterSecretStoreKind), _ => { }));
        _informers.Add(SecretInformer(client));
    }

    /// <summary>The API access the controller uses (exposed for diagnostics).</summary>
    public KubernetesEsoCluster Cluster { get; }

    /// <summary>How many reconciles have run (ExternalSecrets and stores).</summary>
    public long ReconcileCount => Interlocked.Read(ref _reconciles);

    /// <summary>The active faults.</summary>
    public IReadOnlySet<string> Faults => _options.Faults.Active;

    public static IReadOnlyDictionary<string, IStoreProvider> DefaultProviders(HttpClient http) =>
        new Dictionary<string, IStoreProvider>(StringComparer.Ordinal)
        {
            ["aws"] = new AwsSecretsManagerProvider(http),
            ["vault"] = new VaultKvProvider(http),
        };

    /// <summary>Starts the informers and workers; returns once each informer made its first list attempt.</summary>
    public static async Task<TwinExternalSecrets> StartAsync(IKubernetes client, EsoOptions options, CancellationToken ct = default)
    {
        // The twin runs no pod, so the account a Helm install gives the controller exists only when a fault logs in with it:
        // then Vault, not the twin, refuses the login (the role binds another account).
        if (options.Faults.Has(EsoFaults.VaultLogsInAsController)) await EnsureControllerServiceAccountAsync(client, options.ControllerServiceAccount, ct);
        var eso = new TwinExternalSecrets(client, options);
        foreach (var informer in eso._informers) eso._loops.Add(Task.Run(() => informer.RunAsync(eso._stop.Token), CancellationToken.None));
        for (var i = 0; i < Workers; i++) eso._loops.Add(Task.Run(() => eso.WorkAsync(eso._stop.Token), CancellationToken.None));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, eso._stop.Token);
        await Task.WhenAll(eso._informers.Select(i => i.FirstAttempt)).WaitAsync(linked.Token);
        return eso;
    }

    private static async Task EnsureControllerServiceAccountAsync(IKubernetes client, (string Namespace, string Name) account, CancellationToken ct)
    {
        try { await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = account.Namespace } }, cancellationToken: ct); }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict) { }
        try
        {
            await client.CoreV1.CreateNamespacedServiceAccountAsync(
                new V1ServiceAccount { Metadata = new V1ObjectMeta { Name = account.Name, NamespaceProperty = account.Namespace } }, account.Namespace, cancellationToken: ct);
        }
        catch (k8s.Autorest.HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.Conflict) { }
    }

    private static string EsKey(JsonObject o) => $"es/{o.Str("metadata", "namespace")}/{o.Str("metadata", "name")}";

    private void OnExternalSecret(JsonObject? old, JsonObject current)
    {
        if (old is null) { _queue.Add(EsKey(current)); return; }
        var a = ExternalSecretView.Of(old);
        var b = ExternalSecretView.Of(current);
        // ESO: status-only updates do not enqueue; spec, label, annotation, finalizer, deletion changes do (reference/eso.md §4).
        if (RefreshDecisions.ShouldEnqueueUpdate(a.Generation, b.Generation, a.Labels, b.Labels, a.Annotations, b.Annotations,
                a.Finalizers, b.Finalizers, a.BeingDeleted, b.BeingDeleted, _options.Faults))
            _queue.Add(EsKey(current));
    }

    private void OnStore(JsonObject? old, JsonObject current, string kind)
    {
        var key = kind == StoreRef.ClusterSecretStoreKind
            ? $"css//{current.Str("metadata", "name")}"
            : $"ss/{current.Str("metadata", "namespace")}/{current.Str("metadata", "name")}";
        // Stores are re-validated on creation and spec/metadata changes, then every store refresh interval.
        if (old is null || old.Long("metadata", "generation") != current.Long("metadata", "generation")
            || old["metadata"]?["labels"]?.ToJsonString() != current["metadata"]?["labels"]?.ToJsonString()
            || old["metadata"]?["annotations"]?.ToJsonString() != current["metadata"]?["annotations"]?.ToJsonString())
            _queue.Add(key);
    }

    private void OnSecret(JsonObject secret)
    {
        // ESO findObjectsForSecret: ExternalSecrets in the Secret's namespace whose target is this Secret.
        var ns = secret.Str("metadata", "namespace");
        var name = secret.Str("metadata", "name");
        foreach (var es in _esInformer.Snapshot())
        {
            var view = ExternalSecretView.Of(es);
            if (view.Namespace == ns && view.TargetName == name) _queue.Add(EsKey(es));
        }
    }

    private async Task WorkAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            string key;
            try { key = await _queue.TakeAsync(ct); }
            catch (Exception e) when (e is OperationCanceledException or System.Threading.Channels.ChannelClosedException) { return; }
            try
            {
                var parts = key.Split('/', 3);
                var outcome = parts[0] switch
                {
                    "es" => await _externalSecrets.ReconcileAsync(parts[1], parts[2], ct),
                    "ss" => await _stores.ReconcileAsync(StoreRef.SecretStoreKind, parts[1], parts[2], ct),
                    _ => await _stores.ReconcileAsync(StoreRef.ClusterSecretStoreKind, null, parts[2], ct),
                };
                Interlocked.Increment(ref _reconciles);
                Schedule(key, outcome);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e)
            {
                // controller-runtime: a reconcile error requeues the key with the failure rate limiter.
                _options.Log?.Invoke($"eso: reconcile {key} failed: {e.GetType().Name}: {e.Message}");
                _queue.AddAfter(key, _backoff.NextDelay(key));
            }
            finally
            {
                _queue.Done(key);
            }
        }
    }

    /// <summary>controller-runtime: error or Requeue => rate-limited requeue (1 s doubling to 7 min); RequeueAfter => Forget + timer.</summary>
    private void Schedule(string key, ReconcileOutcome outcome)
    {
        if (outcome.Error is not null || outcome.RequeueNow)
        {
            _queue.AddAfter(key, _backoff.NextDelay(key));
            return;
        }
        _backoff.Forget(key);
        if (outcome.RequeueAfter is { } after) _queue.AddAfter(key, after);
    }

    private Informer CustomInformer(IKubernetes client, string plural, Action<JsonObject?, JsonObject> onUpsert, Action<JsonObject> onDelete) =>
        new(plural,
            async ct =>
            {
                var list = await client.CustomObjects.ListClusterCustomObjectAsync<JsonElement>(Group, Version, plural, cancellationToken: ct);
                var obj = KubernetesEsoCluster.ToObject(list);
                return (obj.Objects("items").Select(i => (JsonObject)i.DeepClone()).ToList(), obj.Str("metadata", "resourceVersion") ?? "");
            },
            (rv, ct) => WatchCustom(client, plural, rv, ct),
            onUpsert, onDelete, _options.TimeProvider, _options.Log);

    private async IAsyncEnumerable<(WatchEventType, JsonObject)> WatchCustom(IKubernetes client, string plural, string rv, [EnumeratorCancellation] CancellationToken ct)
    {
        var response = client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync(
            Group, Version, plural, allowWatchBookmarks: true, resourceVersion: rv, timeoutSeconds: 300, watch: true, cancellationToken: ct);
#pragma warning disable CS0618 // the typed WatchAsync over a list response is what KubernetesClient 21 offers for custom objects as JsonElement
        await foreach (var (type, item) in response.WatchAsync<JsonElement, object>(cancellationToken: ct))
#pragma warning restore CS0618
        {
            if (type == WatchEventType.Bookmark) continue;
            yield return (type, KubernetesEsoCluster.ToObject(item));
        }
    }

    private Informer SecretInformer(IKubernetes client)
    {
        const string selector = EsoLabels.Managed + "=true";
        return new("secrets",
            async ct =>
            {
                var list = await client.CoreV1.ListSecretForAllNamespacesAsync(labelSelector: selector, cancellationToken: ct);
                return (list.Items.Select(ToJson).ToList(), list.Metadata?.ResourceVersion ?? "");
            },
            (rv, ct) => WatchSecrets(client, selector, rv, ct),
            (_, s) => OnSecret(s), OnSecret, _options.TimeProvider, _options.Log);
    }

    private static async IAsyncEnumerable<(WatchEventType, JsonObject)> WatchSecrets(IKubernetes client, string selector, string rv, [EnumeratorCancellation] CancellationToken ct)
    {
        var response = client.CoreV1.ListSecretForAllNamespacesWithHttpMessagesAsync(
            allowWatchBookmarks: true, labelSelector: selector, resourceVersion: rv, timeoutSeconds: 300, watch: true, cancellationToken: ct);
#pragma warning disable CS0618 // see WatchCustom
        await foreach (var (type, item) in response.WatchAsync<V1Secret, V1SecretList>(cancellationToken: ct))
#pragma warning restore CS0618
        {
            if (type == WatchEventType.Bookmark) continue;
            yield return (type, ToJson(item));
        }
    }

    // Only metadata is kept for Secrets (ESO watches Secret metadata only); values never enter the informer cache.
    private static JsonObject ToJson(V1Secret s) => new()
    {
        ["metadata"] = new JsonObject
        {
            ["name"] = s.Metadata?.Name, ["namespace"] = s.Metadata?.NamespaceProperty, ["resourceVersion"] = s.Metadata?.ResourceVersion,
        },
    };

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _queue.Dispose();
        try { await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(5)); }
        catch (Exception) { /* loops end on cancellation; a stuck HTTP call must not block disposal */ }
        _http.Dispose();
        _stop.Dispose();
    }
}
