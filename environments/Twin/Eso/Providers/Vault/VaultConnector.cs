using System.Text.Json.Nodes;
using Conformance.Twin.Eso.Cluster;
using Conformance.Twin.Eso.Model;

namespace Conformance.Twin.Eso.Providers.Vault;

/// <summary>A logged-in Vault connection and what ESO remembers about its token.</summary>
public sealed record VaultConnection(VaultHttp Http, DateTimeOffset? TokenExpiry, bool Referent);

/// <summary>ESO's vault client setup and auth (providers/v1/vault/provider.go, auth.go, auth_token.go, auth_kubernetes.go; reference/eso.md §3b).</summary>
public static class VaultConnector
{
    public static async Task<VaultConnection> ConnectAsync(HttpClient http, JsonObject vaultSpec, StoreContext ctx, CancellationToken ct)
    {
        var server = vaultSpec.Str("server");
        if (string.IsNullOrEmpty(server) || !Uri.TryCreate(server, UriKind.Absolute, out var serverUri))
            throw new ProviderException($"cannot setup new vault client: invalid server address \"{server}\"");
        var vault = new VaultHttp(http, serverUri, vaultSpec.Str("namespace"));
        var auth = vaultSpec["auth"];
        // ESO: a ClusterSecretStore with referent auth is not logged in by the store controller (namespace unknown).
        var referent = ctx.StoreKind == StoreRef.ClusterSecretStoreKind && IsReferent(auth);
        if (referent && ctx.Namespace == "") return new VaultConnection(vault, null, Referent: true);

        if (auth?["tokenSecretRef"] is JsonObject tokenRef)
        {
            // ESO auth_token.go: the token is taken from the Secret as-is; validity is only checked by Validate (lookup-self).
            // Fault eso-vault-token-ignores-key: the key the store names is replaced by "token" (auth.kubernetes.secretRef's default).
            if (ctx.Options.Faults.Has(EsoFaults.VaultTokenIgnoresKey))
            {
                tokenRef = (JsonObject)tokenRef.DeepClone();
                tokenRef["key"] = "token";
            }
            // Not trimmed: ESO passes the Secret's bytes as they are, and Vault's Go client refuses a token with a trailing
            // newline before sending anything (vault#7288; PR vault#7624, trimming it, was declined; not in reference/eso.md §3b).
            var token = await SecretKeyResolver.ResolveAsync(ctx, tokenRef, ct);
            if (token.Any(char.IsControl))
                throw new ProviderException("configured Vault token contains non-printable characters and cannot be used");
            vault.Token = token;
            return new VaultConnection(vault, null, referent);
        }
        if (auth?["kubernetes"] is JsonObject k8s)
        {
            var jwt = await KubernetesJwtAsync(k8s, ctx, ct);
            var mountPath = k8s.Str("mountPath") is { Length: > 0 } m ? m : "kubernetes";
            var role = k8s.Str("role") ?? "";
            var login = await vault.WriteAsync($"auth/{mountPath}/login", new JsonObject { ["role"] = role, ["jwt"] = jwt }, ct);
            var clientToken = login.Str("auth", "client_token");
            if (string.IsNullOrEmpty(clientToken)) throw new ProviderException("unable to log in with Kubernetes auth: no client token in the response");
            vault.Token = clientToken;
            return new VaultConnection(vault, null, referent);
        }
        // ESO auth.go: no supported auth method configured.
        throw new ProviderException("cannot initialize Vault client: no valid auth method specified");
    }

    /// <summary>ESO getJwtString: TokenRequest (600 s) for serviceAccountRef, else the secretRef's "token" key (reference/eso.md §3b).</summary>
    private static async Task<string> KubernetesJwtAsync(JsonObject k8s, StoreContext ctx, CancellationToken ct)
    {
        // Fault eso-vault-logs-in-as-controller: serviceAccountRef and secretRef are skipped, the controller's own token is used.
        if (ctx.Options.Faults.Has(EsoFaults.VaultLogsInAsController)) return await ControllerTokenAsync(ctx, ct);
        if (k8s["serviceAccountRef"] is JsonObject saRef)
        {
            var name = saRef.Str("name") ?? "";
            var ns = ctx.RefNamespace(saRef);
            try
            {
                return await ctx.Cluster.CreateServiceAccountTokenAsync(ns, name, saRef.StrList("audiences"), 600, ct);
            }
            catch (EsoApiException e) when (e.IsNotFound)
            {
                // ESO falls back to the legacy token Secret, whose lookup then fails with the service account missing.
                throw new ProviderException($"cannot request Kubernetes service account token for service account \"{name}\": cannot get Kubernetes service account \"{name}\": serviceaccounts \"{name}\" not found");
            }
            catch (EsoApiException e)
            {
                throw new ProviderException($"cannot request Kubernetes service account token for service account \"{name}\": {e.Message}");
            }
        }
        if (k8s["secretRef"] is JsonObject secretRef)
        {
            var selector = (JsonObject)secretRef.DeepClone();
            if (string.IsNullOrEmpty(selector.Str("key"))) selector["key"] = "token";
            return await SecretKeyResolver.ResolveAsync(ctx, selector, ct);
        }
        throw new ProviderException("cannot read Kubernetes service account token from file system: open /var/run/secrets/kubernetes.io/serviceaccount/token: no such file or directory");
    }

    /// <summary>ESO getJwtString's last fallback, the pod's own token file; the twin asks for a token of the service account
    /// a Helm install gives the controller (EsoOptions.ControllerServiceAccount).</summary>
    private static async Task<string> ControllerTokenAsync(StoreContext ctx, CancellationToken ct)
    {
        var (ns, name) = ctx.Options.ControllerServiceAccount;
        try
        {
            return await ctx.Cluster.CreateServiceAccountTokenAsync(ns, name, [], 600, ct);
        }
        catch (EsoApiException e)
        {
            // In a pod the file is always there; the twin has no pod, so the missing account stands for it.
            throw new ProviderException($"cannot read Kubernetes service account token from file system (the controller's service account {ns}/{name}): {e.Message}");
        }
    }

    private static bool IsReferent(JsonNode? auth)
    {
        if (auth?["tokenSecretRef"] is JsonObject t) return t.Str("namespace") is null;
        if (auth?["kubernetes"] is JsonObject k)
        {
            if (k["serviceAccountRef"] is JsonObject sa) return sa.Str("namespace") is null;
            if (k["secretRef"] is JsonObject s) return s.Str("namespace") is null;
        }
        return false;
    }

    /// <summary>ESO Validate: referent => Unknown; otherwise token lookup-self must succeed (providers/v1/vault/validate.go).</summary>
    public static async Task<(ValidationResult, string?)> ValidateAsync(VaultConnection connection, TimeProvider time, CancellationToken ct)
    {
        if (connection.Referent) return (ValidationResult.Unknown, null);
        if (connection.TokenExpiry is { } expiry && expiry > time.GetUtcNow()) return (ValidationResult.Ready, null);
        try
        {
            await connection.Http.ReadAsync("auth/token/lookup-self", null, ct);
            return (ValidationResult.Ready, null);
        }
        catch (Exception e) when (e is VaultApiException or ProviderException)
        {
            return (ValidationResult.Error, $"invalid vault credentials: {e.Message}");
        }
    }
}
