using Conformance.Twin.Eso.Cluster;
using Conformance.Twin.Eso.Model;
using System.Text.Json.Nodes;

namespace Conformance.Twin.Eso.Providers;

/// <summary>ESO resolvers.SecretKeyRef: reads a key of a Secret referenced by a store (runtime/esutils/resolvers/secret_ref.go).</summary>
public static class SecretKeyResolver
{
    public static async Task<string> ResolveAsync(StoreContext ctx, JsonNode? selector, CancellationToken ct)
    {
        var name = selector.Str("name") ?? "";
        var key = selector.Str("key") ?? "";
        var ns = ctx.RefNamespace(selector);
        var secret = await ctx.Cluster.GetSecretAsync(ns, name, ct);
        if (secret is null)
            throw new ProviderException($"cannot get Kubernetes secret \"{name}\" from namespace \"{ns}\": secrets \"{name}\" not found");
        if (secret.Data is null || !secret.Data.TryGetValue(key, out var value))
            throw new ProviderException($"cannot find secret data for key: \"{key}\"");
        return System.Text.Encoding.UTF8.GetString(value);
    }
}
