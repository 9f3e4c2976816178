using System.Text.Json.Nodes;

namespace Conformance.Twin.Eso.Model;

public sealed record StoreRef(string Kind, string Name)
{
    public const string SecretStoreKind = "SecretStore";
    public const string ClusterSecretStoreKind = "ClusterSecretStore";
    public bool IsCluster => Kind == ClusterSecretStoreKind;

    public static StoreRef? From(JsonNode? node) =>
        node.Str("name") is { Length: > 0 } name ? new StoreRef(node.Str("kind") is { Length: > 0 } k ? k : SecretStoreKind, name) : null;
}

/// <summary>spec.data[].remoteRef / dataFrom[].extract (externalsecret_types.go ExternalSecretDataRemoteRef).</summary>
public sealed record RemoteRef(string Key, string Property, string Version, string ConversionStrategy, string DecodingStrategy, string MetadataPolicy)
{
    public static RemoteRef From(JsonNode? node) => new(
        node.Str("key") ?? "", node.Str("property") ?? "", node.Str("version") ?? "",
        node.Str("conversionStrategy") ?? "Default", node.Str("decodingStrategy") ?? "None", node.Str("metadataPolicy") ?? "None");
}

public sealed record DataItem(string SecretKey, RemoteRef RemoteRef, StoreRef? SourceStore);

public sealed record GeneratorRef(string ApiVersion, string Kind, string Name);

public sealed record DataFromItem(RemoteRef? Extract, JsonObject? Find, GeneratorRef? Generator, StoreRef? SourceStore);

public sealed record Condition(string Type, string Status, string Reason, string Message, string? LastTransitionTime);

/// <summary>A parsed view of an external-secrets.io/v1 ExternalSecret, defaults as the CRD applies them (reference/eso.md §4).</summary>
public sealed class ExternalSecretView
{
    public required JsonObject Raw { get; init; }
    public string Namespace => Raw.Str("metadata", "namespace") ?? "";
    public string Name => Raw.Str("metadata", "name") ?? "";
    public string Uid => Raw.Str("metadata", "uid") ?? "";
    public string ApiVersion => Raw.Str("apiVersion") ?? "external-secrets.io/v1";
    public long Generation => Raw.Long("metadata", "generation") ?? 0;
    public Dictionary<string, string> Labels => Raw.StrMap("metadata", "labels");
    public Dictionary<string, string> Annotations => Raw.StrMap("metadata", "annotations");
    public List<string> Finalizers => Raw.StrList("metadata", "finalizers");
    public bool BeingDeleted => Raw.Str("metadata", "deletionTimestamp") is not null;

    /// <summary>ESO: refreshInterval default "1h0m0s" (CRD default, reference/eso.md §4); "0"/"0s" = fetch once.</summary>
    public TimeSpan RefreshInterval => GoDuration.Parse(Raw.Str("spec", "refreshInterval") ?? "1h0m0s", "spec.refreshInterval");

    /// <summary>ESO: refreshPolicy CreatedOnce | Periodic | OnChange, unset = Periodic (reference/eso.md §4).</summary>
    public string RefreshPolicy => Raw.Str("spec", "refreshPolicy") ?? "";
    public StoreRef? StoreRef => StoreRef.From(Raw.At("spec", "secretStoreRef"));
    public string TargetName => Raw.Str("spec", "target", "name") is { Length: > 0 } n ? n : Name;
    public string CreationPolicy => Raw.Str("spec", "target", "creationPolicy") ?? "Owner";
    public string DeletionPolicy => Raw.Str("spec", "target", "deletionPolicy") ?? "Retain";
    public bool Immutable => Raw.Bool("spec", "target", "immutable");
    public JsonObject? Template => Raw.At("spec", "target", "template") as JsonObject;

    public IReadOnlyList<DataItem> Data => Raw.Objects("spec", "data")
        .Select(d => new DataItem(d.Str("secretKey") ?? "", RemoteRef.From(d["remoteRef"]), StoreRef.From(d.At("sourceRef", "storeRef"))))
        .ToList();

    public IReadOnlyList<DataFromItem> DataFrom => Raw.Objects("spec", "dataFrom")
        .Select(d => new DataFromItem(
            d["extract"] is JsonObject e ? RemoteRef.From(e) : null,
            d["find"] as JsonObject,
            d.At("sourceRef", "generatorRef") is JsonObject g
                ? new GeneratorRef(g.Str("apiVersion") ?? "generators.external-secrets.io/v1alpha1", g.Str("kind") ?? "", g.Str("name") ?? "")
                : null,
            StoreRef.From(d.At("sourceRef", "storeRef"))))
        .ToList();

    public string SyncedResourceVersion => Raw.Str("status", "syncedResourceVersion") ?? "";
    public DateTimeOffset? RefreshTime => Raw.Str("status", "refreshTime") is { Length: > 0 } t ? DateTimeOffset.Parse(t, System.Globalization.CultureInfo.InvariantCulture) : null;

    public IReadOnlyList<Condition> Conditions => Raw.Objects("status", "conditions")
        .Select(c => new Condition(c.Str("type") ?? "", c.Str("status") ?? "", c.Str("reason") ?? "", c.Str("message") ?? "", c.Str("lastTransitionTime")))
        .ToList();

    public static ExternalSecretView Of(JsonObject raw) => new() { Raw = raw };
}
