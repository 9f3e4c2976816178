using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conformance.Twin.Eso.Model;

namespace Conformance.Twin.Eso.Providers.Aws;

/// <summary>ESO's aws provider, service SecretsManager (providers/v1/aws, reference/eso.md §3a).</summary>
public sealed class AwsSecretsManagerProvider(HttpClient http) : IStoreProvider
{
    public string Name => "aws";

    public async Task<ISecretsClient> NewClientAsync(StoreContext ctx, CancellationToken ct)
    {
        var spec = ctx.ProviderSpec;
        var service = spec.Str("service") ?? "";
        // ESO: service must be SecretsManager | ParameterStore | CertificateManager; the twin implements SecretsManager.
        if (service != "SecretsManager")
            throw new ProviderException($"unknown AWS Provider Service: {service}" + (service is "ParameterStore" or "CertificateManager" ? " (not implemented by the twin)" : ""));
        var region = spec.Str("region") ?? "";
        var secretRef = spec.At("auth", "secretRef");
        // ESO: referent auth on a ClusterSecretStore (no namespace in the selectors) cannot be validated by the store controller.
        var referent = secretRef is not null && ctx.StoreKind == StoreRef.ClusterSecretStoreKind
            && secretRef.Str("accessKeyIDSecretRef", "namespace") is null && secretRef.Str("secretAccessKeySecretRef", "namespace") is null;
        if (referent && ctx.Namespace == "")
            return new Client(null, spec.Str("prefix") ?? "", referent: true, ctx.Options.Faults, credentialError: null);

        AwsCredentials? creds = null;
        string? credentialError = null;
        if (secretRef is not null)
        {
            // ESO credsFromSecretRef: secret access key first, then access key id (providers/v1/aws/auth/auth.go).
            string sak, akid, session = "";
            try { sak = await SecretKeyResolver.ResolveAsync(ctx, secretRef["secretAccessKeySecretRef"], ct); }
            catch (ProviderException e) { throw new ProviderException($"unable to create session: could not fetch SecretAccessKey secret: {e.Message}"); }
            try { akid = await SecretKeyResolver.ResolveAsync(ctx, secretRef["accessKeyIDSecretRef"], ct); }
            catch (ProviderException e) { throw new ProviderException($"unable to create session: could not fetch accessKeyID secret: {e.Message}"); }
            if (secretRef["sessionTokenSecretRef"] is JsonObject st)
            {
                try { session = await SecretKeyResolver.ResolveAsync(ctx, st, ct); }
                catch (ProviderException e) { throw new ProviderException($"unable to create session: could not fetch SessionToken secret: {e.Message}"); }
            }
            creds = new AwsCredentials(akid, sak, session == "" ? null : session);
            if (akid == "" || sak == "") credentialError = "static credentials are empty";
        }
        else if (spec.At("auth", "jwt") is not null)
            throw new ProviderException("unable to create session: auth.jwt (IRSA) is not implemented by the twin");
        else
            // ESO: no auth => the SDK default chain (env, IMDS); the twin's controller has none.
            credentialError = "failed to refresh cached credentials, no EC2 IMDS role found, operation error ec2imds: GetMetadata, request canceled, context deadline exceeded";

        // ESO: endpoint from the controller-wide AWS_SECRETSMANAGER_ENDPOINT, no spec field (reference/eso.md §3a).
        var endpoint = ctx.Options.AwsSecretsManagerEndpoint ?? new Uri($"https://secretsmanager.{region}.amazonaws.com/");
        var client = creds is null ? null : new SecretsManagerClient(http, endpoint, region, creds, ctx.Options.TimeProvider);
        return new Client(client, spec.Str("prefix") ?? "", referent: false, ctx.Options.Faults, credentialError);
    }

    private sealed class Client(SecretsManagerClient? sm, string prefix, bool referent, EsoFaults faults, string? credentialError) : ISecretsClient
    {
        // ESO caches GetSecretValue results per client, i.e. per reconcile (secretsmanager.go fetch).
        private readonly Dictionary<string, SecretValue> _cache = new(StringComparer.Ordinal);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        public Task<(ValidationResult Result, string? Error)> ValidateAsync(CancellationToken ct)
        {
            // ESO Validate: referent => Unknown; else only credentials.Retrieve(), no network call (reference/eso.md §4 flood gate note).
            if (referent) return Task.FromResult<(ValidationResult, string?)>((ValidationResult.Unknown, null));
            return Task.FromResult<(ValidationResult, string?)>(credentialError is null ? (ValidationResult.Ready, null) : (ValidationResult.Error, credentialError));
        }

        private async Task<SecretValue> FetchAsync(RemoteRef remoteRef, CancellationToken ct)
        {
            if (sm is null) throw new ProviderException(credentialError ?? "no credentials");
            var version = remoteRef.Version == "" ? "AWSCURRENT" : remoteRef.Version;
            // Fault eso-writes-previous-version: ask for AWSPREVIOUS where AWSCURRENT is meant.
            if (version == "AWSCURRENT" && faults.Has(EsoFaults.WritesPreviousVersion)) version = "AWSPREVIOUS";
            var key = prefix + remoteRef.Key;
            var cacheKey = $"{key}#{version}";
            if (_cache.TryGetValue(cacheKey, out var cached)) return cached;
            try
            {
                // ESO: version "uuid/<id>" selects a VersionId, anything else is a VersionStage.
                var value = version.StartsWith("uuid/", StringComparison.Ordinal)
                    ? await sm.GetSecretValueAsync(key, version["uuid/".Length..], null, ct)
                    : await sm.GetSecretValueAsync(key, null, version, ct);
                _cache[cacheKey] = value;
                return value;
            }
            catch (AwsApiException e) when (e.Code == "ResourceNotFoundException")
            {
                // ESO: ResourceNotFoundException => NoSecretErr (reference/eso.md §4).
                throw new NoSecretException();
            }
            catch (AwsApiException e) when (e.Code == "InvalidParameterException" && e.AwsMessage.Contains("was marked for deletion", StringComparison.Ordinal))
            {
                // ESO >= 0.18 checks InvalidParameterException, while AWS answers InvalidRequestException for a secret
                // pending deletion, so soft-deleted secrets surface as errors (reference/eso.md §4 gotcha, §6.2 #4560).
                throw new NoSecretException();
            }
            catch (AwsApiException e)
            {
                throw new ProviderException(e.Message, e);
            }
        }

        public async Task<byte[]> GetSecretAsync(RemoteRef remoteRef, CancellationToken ct)
        {
            var value = await FetchAsync(remoteRef, ct);
            var payload = value.SecretBinary is not null ? Encoding.UTF8.GetString(value.SecretBinary) : value.SecretString;
            if (remoteRef.Property == "")
            {
                if (value.SecretString is not null) return Encoding.UTF8.GetBytes(value.SecretString);
                if (value.SecretBinary is not null) return value.SecretBinary;
                throw new ProviderException($"invalid secret received. no secret string nor binary for key: {remoteRef.Key}");
            }
            // ESO: a property with dots is first tried as one escaped key, then as a gjson path (escapeDotsIfRequired).
            var property = remoteRef.Property;
            if (property.Contains('.') && JsonProperty.TryGet(payload ?? "", property.Replace(".", "\\."), out var whole))
                return Encoding.UTF8.GetBytes(whole);
            if (!JsonProperty.TryGet(payload ?? "", property, out var found))
                throw new ProviderException($"key {remoteRef.Property} does not exist in secret {remoteRef.Key}");
            return Encoding.UTF8.GetBytes(found);
        }

        public async Task<Dictionary<string, byte[]>> GetSecretMapAsync(RemoteRef remoteRef, CancellationToken ct)
        {
            var data = await GetSecretAsync(remoteRef, ct);
            var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            try
            {
                using var doc = JsonDocument.Parse(data);
                if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException("json: cannot unmarshal into Go value of type map[string]json.RawMessage");
                // ESO: string values unquoted, other values as their raw JSON (GetSecretMap).
                foreach (var p in doc.RootElement.EnumerateObject())
                    result[p.Name] = Encoding.UTF8.GetBytes(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText());
            }
            catch (JsonException e)
            {
                throw new ProviderException($"unable to unmarshal secret {remoteRef.Key}: {e.Message}");
            }
            return result;
        }

        public Task<Dictionary<string, byte[]>> GetAllSecretsAsync(JsonObject find, CancellationToken ct) =>
            throw new ProviderException("dataFrom.find is not implemented by the twin's aws provider");
    }
}
