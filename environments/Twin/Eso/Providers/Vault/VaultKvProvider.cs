using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conformance.Twin.Eso.Model;

namespace Conformance.Twin.Eso.Providers.Vault;

/// <summary>ESO's vault provider for KV v1/v2 (providers/v1/vault/client_get.go, reference/eso.md §3b).</summary>
public sealed class VaultKvProvider(HttpClient http) : IStoreProvider
{
    public string Name => "vault";

    public async Task<ISecretsClient> NewClientAsync(StoreContext ctx, CancellationToken ct)
    {
        var spec = ctx.ProviderSpec;
        var connection = await ConnectOrWrap(spec, ctx, ct);
        // ESO: version default "v2"; path is the KV mount (optional).
        return new Client(connection, spec.Str("path"), spec.Str("version") is { Length: > 0 } v ? v : "v2", ctx.Options);
    }

    private async Task<VaultConnection> ConnectOrWrap(JsonObject spec, StoreContext ctx, CancellationToken ct)
    {
        try { return await VaultConnector.ConnectAsync(http, spec, ctx, ct); }
        catch (VaultApiException e) { throw new ProviderException(e.Message, e); }
    }

    private sealed class Client(VaultConnection connection, string? mountPath, string kvVersion, EsoOptions options) : ISecretsClient
    {
        private bool V2 => kvVersion == "v2";

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        public Task<(ValidationResult Result, string? Error)> ValidateAsync(CancellationToken ct) =>
            VaultConnector.ValidateAsync(connection, options.TimeProvider, ct);

        public async Task<byte[]> GetSecretAsync(RemoteRef remoteRef, CancellationToken ct)
        {
            var data = await ReadSecretAsync(remoteRef.Key, remoteRef.Version, ct);
            return SecretValue(data, remoteRef.Property);
        }

        public async Task<Dictionary<string, byte[]>> GetSecretMapAsync(RemoteRef remoteRef, CancellationToken ct)
        {
            var bytes = await GetSecretAsync(remoteRef, ct);
            JsonObject obj;
            try { obj = JsonNode.Parse(bytes) as JsonObject ?? throw new JsonException("json: cannot unmarshal into Go value of type map[string]interface {}"); }
            catch (JsonException e) { throw new ProviderException(e.Message); }
            // ESO GetSecretMap: each value through GetByteValueFromMap.
            return obj.ToDictionary(kv => kv.Key, kv => GoJson.ByteValue(kv.Value), StringComparer.Ordinal);
        }

        public Task<Dictionary<string, byte[]>> GetAllSecretsAsync(JsonObject find, CancellationToken ct) =>
            throw new ProviderException("dataFrom.find is not implemented by the twin's vault provider");

        private async Task<JsonObject> ReadSecretAsync(string key, string version, CancellationToken ct)
        {
            var path = BuildPath(key, mountPath, V2);
            var result = await ReadAsync(path, version, ct);
            // Fault eso-writes-previous-version: read version n-1 of a KV v2 secret whose current version is n.
            if (V2 && version == "" && options.Faults.Has(EsoFaults.WritesPreviousVersion)
                && result.Long("data", "metadata", "version") is > 1 and var current)
                result = await ReadAsync(path, (current - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), ct);
            if (!V2) return result["data"] as JsonObject ?? new JsonObject();
            if (result["data"] is not JsonObject outer || !outer.ContainsKey("data")) throw new ProviderException("failed to find data field");
            // ESO: KV v2 "data": null (deleted or destroyed version) => NoSecretErr.
            if (outer["data"] is null) throw new NoSecretException();
            return outer["data"] as JsonObject ?? throw new ProviderException("failed to unmarshall JSON");
        }

        private async Task<JsonObject> ReadAsync(string path, string version, CancellationToken ct)
        {
            JsonObject? secret;
            try
            {
                secret = await connection.Http.ReadAsync(path, version == "" ? null : new Dictionary<string, string> { ["version"] = version }, ct);
            }
            catch (Exception e) when (e is VaultApiException or ProviderException)
            {
                throw new ProviderException($"cannot read secret data from Vault: {e.Message}", e);
            }
            // ESO: no secret at the path => NoSecretErr (reference/eso.md §4).
            return secret ?? throw new NoSecretException();
        }

        /// <summary>ESO getSecretValue: whole data as JSON, a top-level key, or a gjson path (reference/eso.md §5 NestedJSONWithGJSON).</summary>
        public static byte[] SecretValue(JsonObject data, string property)
        {
            var json = GoJson.Marshal(data);
            if (property == "") return Encoding.UTF8.GetBytes(json);
            if (data.ContainsKey(property)) return GoJson.ByteValue(data[property]);
            if (!JsonProperty.TryGet(json, property, out var value))
                throw new ProviderException($"cannot find secret data for key: \"{property}\"");
            return Encoding.UTF8.GetBytes(value);
        }
    }

    /// <summary>ESO buildPath: mount + "/data/" + key for KV v2, keys that already carry the mount are not doubled.</summary>
    public static string BuildPath(string key, string? mount, bool v2)
    {
        var output = key;
        if (mount is not null)
        {
            var cut = mount + "/";
            if (output.StartsWith(cut, StringComparison.Ordinal))
            {
                output = output[cut.Length..];
                if (v2 && output.StartsWith("data/", StringComparison.Ordinal)) output = output["data/".Length..];
            }
            var parts = mount.Split('/').ToList();
            if (v2) parts.Add("data");
            parts.AddRange(output.Split('/'));
            return string.Join('/', parts);
        }
        if (v2 && !output.Contains("/data/", StringComparison.Ordinal))
        {
            var parts = output.Split('/');
            return string.Join('/', new[] { parts[0], "data" }.Concat(parts.Skip(1)));
        }
        return output;
    }
}
