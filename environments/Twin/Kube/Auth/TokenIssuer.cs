using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Json;
using Conformance.Twin.Kube.Storage;

namespace Conformance.Twin.Kube.Auth;

/// <summary>The result of checking a bearer token: the user, or why it was refused.</summary>
public sealed record TokenCheck(UserInfo? User, string? Error, IReadOnlyList<string> Audiences);

/// <summary>
/// Service-account JWTs as kube-apiserver issues them (pkg/serviceaccount): RS256 with a key made at start, bound
/// tokens from TokenRequest with iss/aud/exp/iat/nbf/jti/sub and the kubernetes.io claim, legacy tokens for
/// kubernetes.io/service-account-token Secrets; validation re-checks the bound objects still exist.
/// </summary>
public sealed class TokenIssuer(ObjectStore store, TimeProvider time, string issuer, IReadOnlyList<string> apiAudiences)
{
    public const string LegacyIssuer = "kubernetes/serviceaccount";
    readonly Task<RSA> key = Task.Run(() => RSA.Create(2048));
    string? kid;

    public string Issuer => issuer;
    public IReadOnlyList<string> ApiAudiences => apiAudiences;

    async Task<(RSA Key, string Kid)> KeyAsync()
    {
        var k = await key.ConfigureAwait(false);
        kid ??= B64Url(SHA256.HashData(k.ExportSubjectPublicKeyInfo()));
        return (k, kid);
    }

    /// <summary>The public key (PEM) that verifies every token, as --service-account-key-file would hold it.</summary>
    public async Task<string> PublicKeyPemAsync() => (await KeyAsync().ConfigureAwait(false)).Key.ExportSubjectPublicKeyInfoPem();

    /// <summary>A bound token (TokenRequest): audiences default to the API audiences.</summary>
    public async Task<(string Token, DateTimeOffset Expiry)> IssueAsync(JsonObject sa, IReadOnlyList<string>? audiences, TimeSpan lifetime, JsonObject? boundObject, JsonObject? boundPodNode = null)
    {
        var now = time.GetUtcNow();
        var exp = now + lifetime;
        var k8s = new JsonObject { ["namespace"] = sa.Namespace() };
        if (boundObject is not null)
        {
            var kindKey = boundObject.Str("kind") == "Pod" ? "pod" : "secret";
            k8s[kindKey] = new JsonObject { ["name"] = boundObject.Name(), ["uid"] = boundObject.Uid() };
            if (boundPodNode is not null) k8s["node"] = new JsonObject { ["name"] = boundPodNode.Name(), ["uid"] = boundPodNode.Uid() };
        }
        k8s["serviceaccount"] = new JsonObject { ["name"] = sa.Name(), ["uid"] = sa.Uid() };
        var auds = audiences is { Count: > 0 } ? audiences : apiAudiences;
        var claims = new JsonObject
        {
            ["aud"] = new JsonArray(auds.Select(a => (JsonNode)a).ToArray()),
            ["exp"] = exp.ToUnixTimeSeconds(),
            ["iat"] = now.ToUnixTimeSeconds(),
            ["iss"] = issuer,
            ["jti"] = Guid.NewGuid().ToString(),
            ["kubernetes.io"] = k8s,
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["sub"] = $"system:serviceaccount:{sa.Namespace()}:{sa.Name()}",
        };
        return (await SignAsync(claims).ConfigureAwait(false), exp);
    }

    /// <summary>A legacy, non-expiring token for a service-account-token Secret (the token controller's).</summary>
    public Task<string> IssueLegacyAsync(JsonObject sa, string secretName) => SignAsync(new JsonObject
    {
        ["iss"] = LegacyIssuer,
        ["kubernetes.io/serviceaccount/namespace"] = sa.Namespace(),
        ["kubernetes.io/serviceaccount/secret.name"] = secretName,
        ["kubernetes.io/serviceaccount/service-account.name"] = sa.Name(),
        ["kubernetes.io/serviceaccount/service-account.uid"] = sa.Uid(),
        ["sub"] = $"system:serviceaccount:{sa.Namespace()}:{sa.Name()}",
    });

    async Task<string> SignAsync(JsonObject claims)
    {
        var (k, id) = await KeyAsync().ConfigureAwait(false);
        var header = new JsonObject { ["alg"] = "RS256", ["kid"] = id };
        var signingInput = B64Url(Encoding.UTF8.GetBytes(header.ToJsonString())) + "." + B64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        var sig = k.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signingInput + "." + B64Url(sig);
    }

    /// <summary>Checks a token for the given audiences (the API audiences when none), as the authenticator and TokenReview do.</summary>
    public async Task<TokenCheck> ValidateAsync(string token, IReadOnlyList<string>? audiences)
    {
        var wanted = audiences is { Count: > 0 } ? audiences : apiAudiences;
        var parts = token.Split('.');
        if (parts.Length != 3) return Fail("invalid bearer token", wanted);
        JsonObject claims;
        try
        {
            var header = JsonNode.Parse(FromB64Url(parts[0])) as JsonObject;
            if (header.Str("alg") != "RS256") return Fail("invalid bearer token", wanted);
            var (k, _) = await KeyAsync().ConfigureAwait(false);
            if (!k.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), FromB64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
                return Fail("invalid bearer token", wanted);
            claims = JsonNode.Parse(FromB64Url(parts[1])) as JsonObject ?? throw new FormatException();
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or CryptographicException)
        {
            return Fail("invalid bearer token", wanted);
        }

        var iss = claims.Str("iss");
        if (iss == LegacyIssuer) return ValidateLegacy(claims, token, wanted);
        if (iss != issuer) return Fail("invalid bearer token", wanted);

        var tokenAuds = claims["aud"] switch
        {
            JsonArray a => a.Select(x => x?.GetValue<string>() ?? "").ToList(),
            JsonValue v => [v.GetValue<string>()],
            _ => new List<string>(),
        };
        var matched = tokenAuds.Where(wanted.Contains).ToList();
        if (matched.Count == 0)
            return Fail($"token audiences {GoList(tokenAuds)} is invalid for the target audiences {GoList(wanted)}", wanted);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        // go-jose validation allows one minute of clock skew (jwt.DefaultLeeway) on exp and nbf
        if (claims.Long("exp") is { } exp && now > exp + 60) return Fail("service account token has expired", wanted);
        if (claims.Long("nbf") is { } nbf && now < nbf - 60) return Fail("service account token is not valid yet", wanted);

        var k8s = claims.Obj("kubernetes.io");
        var ns = k8s.Str("namespace") ?? "";
        var saName = k8s.Str("serviceaccount", "name") ?? "";
        var sa = store.Table("", "serviceaccounts")?.Get(ns, saName);
        // pkg/serviceaccount/claims.go: a deleted or recreated service account (or bound pod/secret) invalidates the token
        if (sa is null || sa.Uid() != k8s.Str("serviceaccount", "uid") || sa.Get("metadata", "deletionTimestamp") is not null)
            return Fail("service account token has been invalidated", wanted);
        var extra = new Dictionary<string, string[]>();
        if (k8s.Obj("pod") is { } pod)
        {
            var p = store.Table("", "pods")?.Get(ns, pod.Str("name") ?? "");
            if (p is null || p.Uid() != pod.Str("uid") || p.Get("metadata", "deletionTimestamp") is not null)
                return Fail("service account token has been invalidated", wanted);
            extra["authentication.kubernetes.io/pod-name"] = [pod.Str("name")!];
            extra["authentication.kubernetes.io/pod-uid"] = [pod.Str("uid")!];
        }
        if (k8s.Obj("secret") is { } sec)
        {
            var s = store.Table("", "secrets")?.Get(ns, sec.Str("name") ?? "");
            if (s is null || s.Uid() != sec.Str("uid")) return Fail("service account token has been invalidated", wanted);
        }
        if (k8s.Obj("node") is { } node)
        {
            extra["authentication.kubernetes.io/node-name"] = [node.Str("name")!];
            extra["authentication.kubernetes.io/node-uid"] = [node.Str("uid")!];
        }
        if (claims.Str("jti") is { } jti) extra["authentication.kubernetes.io/credential-id"] = [$"JTI={jti}"];
        return new TokenCheck(UserInfo.ServiceAccount(ns, saName, sa.Uid(), extra), null, matched);
    }

    TokenCheck ValidateLegacy(JsonObject claims, string token, IReadOnlyList<string> wanted)
    {
        // Legacy tokens carry no audience; the authenticator treats them as valid for the API audiences (implicit auds)
        var ns = claims.Str("kubernetes.io/serviceaccount/namespace") ?? "";
        var secretName = claims.Str("kubernetes.io/serviceaccount/secret.name") ?? "";
        var saName = claims.Str("kubernetes.io/serviceaccount/service-account.name") ?? "";
        var secret = store.Table("", "secrets")?.Get(ns, secretName);
        if (secret is null) return Fail("service account token has been invalidated", wanted);
        var stored = secret.Str("data", "token");
        if (stored is null || Encoding.UTF8.GetString(Convert.FromBase64String(stored)) != token)
            return Fail("service account token has been invalidated", wanted);
        var sa = store.Table("", "serviceaccounts")?.Get(ns, saName);
        if (sa is null || sa.Uid() != claims.Str("kubernetes.io/serviceaccount/service-account.uid"))
            return Fail("service account token has been invalidated", wanted);
        var matched = wanted.Where(apiAudiences.Contains).ToList();
        if (matched.Count == 0)
            return Fail($"token audiences {GoList(apiAudiences)} is invalid for the target audiences {GoList(wanted)}", wanted);
        return new TokenCheck(UserInfo.ServiceAccount(ns, saName, sa.Uid(), new Dictionary<string, string[]>
        {
            ["authentication.kubernetes.io/credential-id"] = [$"JTI={secret.Uid()}"],
        }), null, matched);
    }

    static TokenCheck Fail(string why, IReadOnlyList<string> auds) => new(null, why, auds);

    static string GoList(IEnumerable<string> items) => "[" + string.Join(" ", items.Select(i => $"\"{i}\"")) + "]";

    public static string B64Url(byte[] b) => Convert.ToBase64String(b).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] FromB64Url(string s)
    {
        s = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '='));
    }
}
