using System.Text;
using System.Text.Json.Nodes;
using Conformance.Twin.Eso.Model;
using Conformance.Twin.Eso.Providers;

namespace Conformance.Tests.TwinEso;

/// <summary>
/// A provider whose remote secrets live in memory (ESO's e2e SecretStoreProvider shape: CreateSecret / DeleteSecret),
/// registered under spec.provider.fake so the reconciler's decisions can be tested without a network.
/// </summary>
public sealed class FakeRemoteProvider : IStoreProvider
{
    private readonly Dictionary<string, List<string>> _versions = new(StringComparer.Ordinal);
    public string Name => "fake";
    public int Reads { get; private set; }
    public string? ValidationError { get; set; }

    public void CreateSecret(string key, string value)
    {
        if (!_versions.TryGetValue(key, out var list)) _versions[key] = list = [];
        list.Add(value);
    }

    public void DeleteSecret(string key) => _versions.Remove(key);

    public Task<ISecretsClient> NewClientAsync(StoreContext context, CancellationToken ct) => Task.FromResult<ISecretsClient>(new Client(this));

    private sealed class Client(FakeRemoteProvider owner) : ISecretsClient
    {
        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        public Task<(ValidationResult Result, string? Error)> ValidateAsync(CancellationToken ct) =>
            Task.FromResult<(ValidationResult, string?)>(owner.ValidationError is null ? (ValidationResult.Ready, null) : (ValidationResult.Error, owner.ValidationError));

        private string Value(RemoteRef r)
        {
            owner.Reads++;
            if (!owner._versions.TryGetValue(r.Key, out var list) || list.Count == 0) throw new NoSecretException();
            return r.Version == "" ? list[^1] : list[int.Parse(r.Version, System.Globalization.CultureInfo.InvariantCulture) - 1];
        }

        public Task<byte[]> GetSecretAsync(RemoteRef r, CancellationToken ct)
        {
            var value = Value(r);
            if (r.Property == "") return Task.FromResult(Encoding.UTF8.GetBytes(value));
            return JsonProperty.TryGet(value, r.Property, out var found)
                ? Task.FromResult(Encoding.UTF8.GetBytes(found))
                : throw new ProviderException($"key {r.Property} does not exist in secret {r.Key}");
        }

        public Task<Dictionary<string, byte[]>> GetSecretMapAsync(RemoteRef r, CancellationToken ct)
        {
            var obj = (JsonObject)JsonNode.Parse(Value(r))!;
            return Task.FromResult(obj.ToDictionary(kv => kv.Key, kv => GoJson.ByteValue(kv.Value), StringComparer.Ordinal));
        }

        public Task<Dictionary<string, byte[]>> GetAllSecretsAsync(JsonObject find, CancellationToken ct) =>
            throw new ProviderException("find not supported by the fake");
    }
}
