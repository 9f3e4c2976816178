using System.Text.Json.Nodes;
using Conformance.Twin.Eso.Model;
using Conformance.Twin.Eso.Providers;
using Conformance.Twin.Eso.Providers.Vault;

namespace Conformance.Twin.Eso.Generators;

/// <summary>
/// ESO's VaultDynamicSecret generator (generators.external-secrets.io/v1alpha1, generators/v1/vault/vault.go):
/// logs in with spec.provider (the vault provider's shape) in the ExternalSecret's namespace, calls spec.path with
/// spec.method (GET default, LIST, DELETE, anything else writes spec.parameters) and returns spec.resultType
/// (Data default, Auth, Raw) as the Secret's keys. Each sync generates anew (Tier 3 through ESO, issue 4).
/// </summary>
public sealed class VaultDynamicSecretGenerator(HttpClient http)
{
    public const string Kind = "VaultDynamicSecret";

    public async Task<Dictionary<string, byte[]>> GenerateAsync(JsonObject generator, StoreContext ctx, CancellationToken ct)
    {
        var spec = generator["spec"] as JsonObject ?? throw new ProviderException("no config spec provided");
        if (spec["provider"] is not JsonObject provider) throw new ProviderException("no Vault provider config in spec");
        VaultConnection connection;
        try { connection = await VaultConnector.ConnectAsync(http, provider, ctx with { StoreKind = "" }, ct); }
        catch (Exception e) when (e is ProviderException or VaultApiException) { throw new ProviderException($"unable to setup Vault client: {e.Message}", e); }

        var path = spec.Str("path") ?? "";
        var method = spec.Str("method") ?? "";
        JsonObject? result;
        try
        {
            result = method switch
            {
                "" or "GET" => await connection.Http.ReadAsync(path, spec.StrMap("getParameters"), ct),
                "LIST" => await connection.Http.ListAsync(path, ct),
                "DELETE" => await connection.Http.DeleteAsync(path, ct),
                _ => await connection.Http.WriteAsync(path, spec["parameters"]?.DeepClone() as JsonObject ?? new JsonObject(), ct),
            };
        }
        catch (VaultApiException e) { throw new ProviderException(e.Message, e); }

        if (result is null && spec.Bool("allowEmptyResponse")) return new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (result is null) throw new ProviderException("unable to get dynamic secret: empty response from Vault");

        JsonObject data = spec.Str("resultType") switch
        {
            "Auth" => result["auth"] as JsonObject ?? new JsonObject(),
            "Raw" => result,
            _ => result["data"] as JsonObject ?? new JsonObject(),
        };
        return data.ToDictionary(kv => kv.Key, kv => GoJson.ByteValue(kv.Value), StringComparer.Ordinal);
    }
}
