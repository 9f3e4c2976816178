using System.Text;
using System.Text.Json.Nodes;
using Conformance.Twin.Eso;
using Conformance.Twin.Eso.Controllers;
using Conformance.Twin.Eso.Generators;
using Conformance.Twin.Eso.Model;
using Conformance.Twin.Eso.Providers;

namespace Conformance.Tests.TwinEso;

/// <summary>
/// One default ExternalSecret plus tweaks, the shape of ESO's e2e TestCase (reference/eso.md §5): namespace "e2e",
/// store "e2e-store" (fake provider, Ready), ExternalSecret "e2e-es" with refreshInterval 5s targeting "target-secret".
/// </summary>
public sealed class EsoTestBed
{
    public const string Ns = "e2e";
    public const string EsName = "e2e-es";
    public const string Target = "target-secret";

    public ManualTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
    public InMemoryEsoCluster Cluster { get; } = new();
    public FakeRemoteProvider Remote { get; } = new();
    public EsoOptions Options { get; }
    public ExternalSecretReconciler Reconciler { get; }
    public SecretStoreReconciler Stores { get; }
    public Dictionary<string, IStoreProvider> Providers { get; }

    public EsoTestBed(IEnumerable<string>? faults = null, IEnumerable<IStoreProvider>? extraProviders = null, HttpClient? http = null, EsoOptions? options = null)
    {
        Cluster.Namespaces.Add(Ns);
        Options = (options ?? new EsoOptions()) with { TimeProvider = Time, Faults = new EsoFaults(faults) };
        Providers = new Dictionary<string, IStoreProvider>(StringComparer.Ordinal) { ["fake"] = Remote };
        foreach (var p in extraProviders ?? []) Providers[p.Name] = p;
        http ??= new HttpClient();
        Reconciler = new ExternalSecretReconciler(Cluster, Options, Providers, new VaultDynamicSecretGenerator(http));
        Stores = new SecretStoreReconciler(Cluster, Options, Providers);
        PutStore("e2e-store", new JsonObject { ["fake"] = new JsonObject() }, ready: true);
    }

    public void PutStore(string name, JsonObject provider, bool ready, string kind = StoreRef.SecretStoreKind, JsonArray? conditions = null)
    {
        var store = new JsonObject
        {
            ["apiVersion"] = "external-secrets.io/v1", ["kind"] = kind,
            ["metadata"] = kind == StoreRef.ClusterSecretStoreKind ? new JsonObject { ["name"] = name } : new JsonObject { ["name"] = name, ["namespace"] = Ns },
            ["spec"] = new JsonObject { ["provider"] = provider },
        };
        if (conditions is not null) store["spec"]!["conditions"] = conditions;
        if (ready)
            store["status"] = new JsonObject { ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True", ["reason"] = "Valid", ["message"] = "store validated" }) };
        Cluster.PutStore(kind, kind == StoreRef.ClusterSecretStoreKind ? null : Ns, store);
    }

    /// <summary>The default ExternalSecret (ESO e2e: refresh 5 s, store named for the namespace, target target-secret).</summary>
    public static JsonObject DefaultExternalSecret() => new()
    {
        ["apiVersion"] = "external-secrets.io/v1", ["kind"] = "ExternalSecret",
        ["metadata"] = new JsonObject { ["name"] = EsName, ["namespace"] = Ns },
        ["spec"] = new JsonObject
        {
            ["refreshInterval"] = "5s",
            ["secretStoreRef"] = new JsonObject { ["name"] = "e2e-store", ["kind"] = "SecretStore" },
            ["target"] = new JsonObject { ["name"] = Target, ["creationPolicy"] = "Owner", ["deletionPolicy"] = "Retain" },
            ["data"] = new JsonArray(new JsonObject { ["secretKey"] = "value", ["remoteRef"] = new JsonObject { ["key"] = "remote" } }),
        },
    };

    public JsonObject Apply(Action<JsonObject>? tweak = null)
    {
        var es = Cluster.ExternalSecret(Ns, EsName) ?? DefaultExternalSecret();
        tweak?.Invoke(es);
        return Cluster.PutExternalSecret(es);
    }

    public Task<ReconcileOutcome> ReconcileAsync() => Reconciler.ReconcileAsync(Ns, EsName, CancellationToken.None);

    public Dictionary<string, string>? SecretData() =>
        Cluster.Secret(Ns, Target)?.Data?.ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetString(kv.Value));

    public (string Status, string Reason, string Message)? Ready()
    {
        var c = Cluster.ExternalSecret(Ns, EsName)?.Objects("status", "conditions").FirstOrDefault(c => c.Str("type") == "Ready");
        return c is null ? null : (c.Str("status")!, c.Str("reason")!, c.Str("message")!);
    }

    public string? Status(string field) => Cluster.ExternalSecret(Ns, EsName).Str("status", field);

    public IEnumerable<string> EventReasons => Cluster.Events.Select(e => e.Reason);
}
