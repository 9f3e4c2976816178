using System.Text.Json.Nodes;
using Conformance.Twin.Eso.Cluster;
using Conformance.Twin.Eso.Model;

namespace Conformance.Twin.Eso.Providers;

/// <summary>ESO esv1.ValidationResult.</summary>
public enum ValidationResult { Ready, Unknown, Error }

/// <summary>ESO's SecretsClient interface, reduced to what the twin supports (apis/externalsecrets/v1/provider.go).</summary>
public interface ISecretsClient : IAsyncDisposable
{
    Task<byte[]> GetSecretAsync(RemoteRef remoteRef, CancellationToken ct);
    Task<Dictionary<string, byte[]>> GetSecretMapAsync(RemoteRef remoteRef, CancellationToken ct);
    Task<Dictionary<string, byte[]>> GetAllSecretsAsync(JsonObject find, CancellationToken ct);
    /// <summary>Returns the result and, for Error/Unknown, the error text ESO puts in the event.</summary>
    Task<(ValidationResult Result, string? Error)> ValidateAsync(CancellationToken ct);
}

/// <summary>What a provider needs to build a client: the store, who asks, and the cluster to resolve references in.</summary>
public sealed record StoreContext(
    string StoreKind,
    string StoreName,
    string? StoreNamespace,
    JsonObject ProviderSpec,
    string Namespace,
    IEsoCluster Cluster,
    EsoOptions Options)
{
    /// <summary>
    /// The namespace a Secret or ServiceAccount ref resolves in: the ExternalSecret's (or the store's), unless a
    /// ClusterSecretStore's ref names another one (ESO: only a ClusterSecretStore may).
    /// Fault eso-cluster-store-ignores-ref-namespace (#5618): for an ExternalSecret (namespace known) the ref's namespace
    /// is dropped, as in referent auth; the store controller (namespace "") still honours it, so the store stays Ready.
    /// </summary>
    public string RefNamespace(JsonNode? reference)
    {
        var ignoreRefNamespace = Namespace != "" && Options.Faults.Has(EsoFaults.ClusterStoreIgnoresRefNamespace);
        return StoreKind == StoreRef.ClusterSecretStoreKind && reference.Str("namespace") is { Length: > 0 } other && !ignoreRefNamespace
            ? other
            : Namespace;
    }
}

/// <summary>ESO's Provider interface (NewClient); one per provider key under spec.provider.</summary>
public interface IStoreProvider
{
    /// <summary>The key under spec.provider (aws, vault).</summary>
    string Name { get; }
    Task<ISecretsClient> NewClientAsync(StoreContext context, CancellationToken ct);
}

/// <summary>ESO esv1.NoSecretErr: the remote secret does not exist (drives deletionPolicy, reference/eso.md §4).</summary>
public sealed class NoSecretException(string message = "Secret does not exist") : Exception(message);

/// <summary>Any provider error; its message is what ESO would show (event text).</summary>
public sealed class ProviderException(string message, Exception? inner = null) : Exception(message, inner);
