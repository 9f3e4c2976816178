using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Conformance.Twin.Vault.Http;
using Conformance.Twin.Vault.Mounts;

namespace Conformance.Twin.Vault.KubernetesAuth;

/// <summary>
/// auth/kubernetes (vault-plugin-auth-kubernetes v0.24, reference/vault.md §3.5): config, role, login validated by
/// the JWT's claims against the role and then by a real TokenReview on kubernetes_host.
/// </summary>
internal sealed class KubernetesAuthBackend(VaultCore core) : IBackend
{
    private sealed class Config
    {
        public required string Host { get; init; }
        public string CaPem { get; init; } = "";
        public string ReviewerJwt { get; init; } = "";
        public List<string> PemKeys { get; init; } = [];
        public bool DisableLocalCaJwt { get; init; }
        public bool DisableIssValidation { get; init; } = true;
        public string Issuer { get; init; } = "";
        public bool UseAnnotationsAsAliasMetadata { get; init; }
    }

    private sealed class Role
    {
        public List<string> Names { get; init; } = [];
        public List<string> Namespaces { get; init; } = [];
        public string Audience { get; init; } = "";
        public string AliasNameSource { get; init; } = "serviceaccount_uid";
        public List<string> Policies { get; init; } = [];
        public TimeSpan Ttl { get; init; }
        public TimeSpan MaxTtl { get; init; }
        public TimeSpan Period { get; init; }
        public bool NoDefaultPolicy { get; init; }
        public string TokenType { get; init; } = "default";
    }

    private Config? _config;
    private readonly Dictionary<string, Role> _roles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _entities = new(StringComparer.Ordinal);

    public bool Exists(VaultRequest req) =>
        !req.RelativePath.StartsWith("role/", StringComparison.Ordinal) || _roles.ContainsKey(req.RelativePath["role/".Length..]);

    public async Task<VaultResponse> HandleAsync(VaultRequest req, CancellationToken ct)
    {
        var p = req.RelativePath;
        if (p == "config") return req.Operation == VaultOperation.Read ? ReadConfig() : WriteConfig(req);
        if (p == "login") return await LoginAsync(req, ct);
        if (p.StartsWith("role/", StringComparison.Ordinal) || p == "role/")
        {
            var name = p["role/".Length..].TrimEnd('/');
            return req.Operation switch
            {
                VaultOperation.List => VaultResponse.ListOf(_roles.Keys.Order(StringComparer.Ordinal)),
                VaultOperation.Read => ReadRole(name),
                VaultOperation.Delete => DeleteRole(name),
                _ => WriteRole(req, name),
            };
        }
        throw new VaultException(501, $"the twin Vault does not implement \"{req.Path}\"");
    }

    private VaultResponse WriteConfig(VaultRequest req)
    {
        var d = req.Data;
        var host = d.Str("kubernetes_host") ?? "";
        if (host.Length == 0) throw VaultException.BadRequest("no host provided");
        var ca = d.Str("kubernetes_ca_cert") ?? "";
        if (ca.Length > 0)
        {
            // path_config.go: the CA must hold at least one PEM certificate.
            var certs = new X509Certificate2Collection();
            try { certs.ImportFromPem(ca); } catch (System.Security.Cryptography.CryptographicException) { certs.Clear(); }
            if (certs.Count == 0) throw VaultException.BadRequest("Configured CA PEM data contains no valid certificates, TLS verification will fail");
        }
        _config = new Config
        {
            Host = host, CaPem = ca, ReviewerJwt = d.Str("token_reviewer_jwt") ?? "", PemKeys = d.List("pem_keys") ?? [],
            DisableLocalCaJwt = d.Bool("disable_local_ca_jwt") ?? false, DisableIssValidation = d.Bool("disable_iss_validation") ?? true,
            Issuer = d.Str("issuer") ?? "", UseAnnotationsAsAliasMetadata = d.Bool("use_annotations_as_alias_metadata") ?? false,
        };
        return VaultResponse.NoContent();
    }

    private VaultResponse ReadConfig()
    {
        if (_config is not { } c) return VaultResponse.NoContent();
        return VaultResponse.Ok(new JsonObject
        {
            ["disable_iss_validation"] = c.DisableIssValidation,
            ["disable_local_ca_jwt"] = c.DisableLocalCaJwt,
            ["issuer"] = c.Issuer,
            ["kubernetes_ca_cert"] = c.CaPem,
            ["kubernetes_host"] = c.Host,
            ["pem_keys"] = Json.Array(c.PemKeys),
            ["token_reviewer_jwt_set"] = c.ReviewerJwt.Length > 0,
            ["use_annotations_as_alias_metadata"] = c.UseAnnotationsAsAliasMetadata,
        });
    }

    private VaultResponse WriteRole(VaultRequest req, string name)
    {
        var d = req.Data;
        _roles.TryGetValue(name, out var old);
        var role = new Role
        {
            Names = d.List("bound_service_account_names") ?? old?.Names ?? [],
            Namespaces = d.List("bound_service_account_namespaces") ?? old?.Namespaces ?? [],
            Audience = d.Str("audience") ?? old?.Audience ?? "",
            AliasNameSource = d.Str("alias_name_source") ?? old?.AliasNameSource ?? "serviceaccount_uid",
            Policies = d.List("token_policies") ?? d.List("policies") ?? old?.Policies ?? [],
            Ttl = d.Duration("token_ttl") ?? d.Duration("ttl") ?? old?.Ttl ?? TimeSpan.Zero,
            MaxTtl = d.Duration("token_max_ttl") ?? d.Duration("max_ttl") ?? old?.MaxTtl ?? TimeSpan.Zero,
            Period = d.Duration("token_period") ?? d.Duration("period") ?? old?.Period ?? TimeSpan.Zero,
            NoDefaultPolicy = d.Bool("token_no_default_policy") ?? old?.NoDefaultPolicy ?? false,
            TokenType = d.Str("token_type") ?? old?.TokenType ?? "default",
        };
        // path_role.go validation messages.
        if (role.Names.Count == 0) throw VaultException.BadRequest("\"bound_service_account_names\" can not be empty");
        if (role.Namespaces.Count == 0) throw VaultException.BadRequest("\"bound_service_account_namespaces\" can not be empty");
        if (role.Names.Count == 1 && role.Names[0] == "*" && role.Namespaces.Count == 1 && role.Namespaces[0] == "*")
            throw VaultException.BadRequest("bound_service_account_names and bound_service_account_namespaces can not both be \"*\"");
        if (role.MaxTtl > TimeSpan.Zero && role.Ttl > role.MaxTtl) throw VaultException.BadRequest("token ttl should not be greater than token max ttl");
        _roles[name] = role;
        var resp = VaultResponse.NoContent();
        if (role.Audience.Length == 0)
            resp.Warnings.Add("Role does not have an audience configured. While audiences are not required, consider specifying one if your use case would benefit from additional JWT claim verification.");
        return resp;
    }

    private VaultResponse ReadRole(string name)
    {
        if (!_roles.TryGetValue(name, out var r)) throw VaultException.NotFound();
        return VaultResponse.Ok(new JsonObject
        {
            ["alias_name_source"] = r.AliasNameSource,
            ["audience"] = r.Audience,
            ["bound_service_account_names"] = Json.Array(r.Names),
            ["bound_service_account_namespace_selector"] = "",
            ["bound_service_account_namespaces"] = Json.Array(r.Namespaces),
            ["policies"] = Json.Array(r.Policies),
            ["token_bound_cidrs"] = new JsonArray(),
            ["token_explicit_max_ttl"] = 0,
            ["token_max_ttl"] = (long)r.MaxTtl.TotalSeconds,
            ["token_no_default_policy"] = r.NoDefaultPolicy,
            ["token_num_uses"] = 0,
            ["token_period"] = (long)r.Period.TotalSeconds,
            ["token_policies"] = Json.Array(r.Policies),
            ["token_ttl"] = (long)r.Ttl.TotalSeconds,
            ["token_type"] = r.TokenType,
            ["ttl"] = (long)r.Ttl.TotalSeconds,
            ["max_ttl"] = (long)r.MaxTtl.TotalSeconds,
            ["period"] = (long)r.Period.TotalSeconds,
        });
    }

    private VaultResponse DeleteRole(string name)
    {
        _roles.Remove(name);
        return VaultResponse.NoContent();
    }

    private async Task<VaultResponse> LoginAsync(VaultRequest req, CancellationToken ct)
    {
        var roleName = req.Data.Str("role") ?? "";
        if (roleName.Length == 0) throw VaultException.BadRequest("missing role");
        var jwt = req.Data.Str("jwt") ?? "";
        if (jwt.Length == 0) throw VaultException.BadRequest("missing jwt");
        if (!_roles.TryGetValue(roleName, out var role)) throw VaultException.BadRequest($"invalid role name \"{roleName}\"");
        var config = _config ?? throw new VaultException(500, "could not load backend configuration");
        // path_config.go loadConfig: without disable_local_ca_jwt the plugin reads the pod's CA and token; outside a pod that fails.
        if (!config.DisableLocalCaJwt && config.CaPem.Length == 0)
            throw new VaultException(500, "open /var/run/secrets/kubernetes.io/serviceaccount/ca.crt: no such file or directory");

        var claims = ParseClaims(jwt);
        var sa = ServiceAccount.From(claims);
        if (role.Audience.Length > 0 && !sa.Audiences.Contains(role.Audience))
            throw new VaultException(403, "invalid audience (aud) claim: audience claim does not match any expected audience");
        var skipBinding = core.Faults.Contains(TwinVaultFaults.AcceptsUnboundServiceAccount);
        // path_login.go parseAndValidateJWT: names first, then namespaces, each a 403 CodedError.
        if (!skipBinding && !(role.Names.Count == 1 && role.Names[0] == "*") && !Glob.AnyMatches(role.Names, sa.Name))
            throw new VaultException(403, "service account name not authorized");
        if (!skipBinding && !(role.Namespaces.Count > 0 && (role.Namespaces[0] == "*" || Glob.AnyMatches(role.Namespaces, sa.Namespace))))
            throw new VaultException(403, "namespace not authorized");
        if (sa.Uid.Length == 0) throw new VaultException(500, "could not parse UID from claims");

        // token_review.go: the reviewer JWT when configured, else the client's own. Fault vault-k8s-auth-reviews-with-client-jwt
        // always sends the client's, as Vault does when token_reviewer_jwt is unset: refused unless it holds system:auth-delegator.
        var bearer = config.ReviewerJwt.Length > 0 && !core.Faults.Contains(TwinVaultFaults.ReviewsWithClientJwt) ? config.ReviewerJwt : jwt;
        var custom = core.Options.KubernetesReviewHttpClientFactory;
        HttpClient? owned = null;
        try
        {
            // A client from the caller's factory may be shared, so only the default one is disposed here.
            var client = custom?.Invoke(config.CaPem) ?? (owned = TokenReviewClient.DefaultClient(config.CaPem));
            var audiences = role.Audience.Length > 0 ? [role.Audience] : sa.Audiences;
            var reviewed = await TokenReviewClient.ReviewAsync(client, config.Host, bearer, jwt, audiences, ct);
            if (reviewed.Name != sa.Name) throw new InvalidOperationException("JWT names did not match");
            if (reviewed.Uid != sa.Uid) throw new InvalidOperationException("JWT UIDs did not match");
            if (reviewed.Namespace != sa.Namespace) throw new InvalidOperationException("JWT namepaces did not match");
        }
        catch (Exception e) when (e is InvalidOperationException or HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            // path_login.go: any lookup failure is logical.ErrPermissionDenied.
            LastReviewError = e.Message;
            throw VaultException.PermissionDenied();
        }
        finally
        {
            owned?.Dispose();
        }

        var alias = role.AliasNameSource == "serviceaccount_name" ? $"{sa.Namespace}/{sa.Name}" : sa.Uid;
        var entityKey = req.Mount!.Accessor + "/" + alias;
        if (!_entities.TryGetValue(entityKey, out var entityId)) _entities[entityKey] = entityId = Ids.Uuid();
        return new VaultResponse
        {
            Auth = new AuthResult
            {
                // request_handling.go prefixes the mount path ("kubernetes-") to the plugin's "<ns>-<sa>".
                DisplayName = req.Mount.Name.Replace('/', '-') + "-" + $"{sa.Namespace}-{sa.Name}",
                Policies = role.Policies.ToList(),
                Metadata = new Dictionary<string, string>
                {
                    ["role"] = roleName,
                    ["service_account_name"] = sa.Name,
                    ["service_account_namespace"] = sa.Namespace,
                    ["service_account_secret_name"] = sa.SecretName,
                    ["service_account_uid"] = sa.Uid,
                },
                Ttl = role.Ttl, MaxTtl = role.MaxTtl, NoDefaultPolicy = role.NoDefaultPolicy, Renewable = true, Orphan = true,
                EntityId = entityId, Role = roleName,
            },
        };
    }

    /// <summary>The reason of the last failed TokenReview (Vault logs it at debug level and answers "permission denied").</summary>
    public string? LastReviewError { get; private set; }

    private static JsonObject ParseClaims(string jwt)
    {
        var parts = jwt.Split('.');
        try
        {
            if (parts.Length != 3) throw new FormatException();
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
            return JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload))) as JsonObject ?? throw new FormatException();
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            // cap/jwt: a malformed token fails validation, a 403 CodedError in path_login.go.
            throw new VaultException(403, "failed to parse JWT: malformed token");
        }
    }

    private sealed record ServiceAccount(string Name, string Namespace, string Uid, string SecretName, List<string> Audiences)
    {
        // path_login.go serviceAccount: legacy claims, or the projected token's nested "kubernetes.io" claim.
        public static ServiceAccount From(JsonObject c)
        {
            var k = c["kubernetes.io"] as JsonObject;
            var name = k?["serviceaccount"]?["name"]?.GetValue<string>() ?? c["kubernetes.io/serviceaccount/service-account.name"]?.GetValue<string>() ?? "";
            var ns = k?["namespace"]?.GetValue<string>() ?? c["kubernetes.io/serviceaccount/namespace"]?.GetValue<string>() ?? "";
            var uid = k?["serviceaccount"]?["uid"]?.GetValue<string>() ?? c["kubernetes.io/serviceaccount/service-account.uid"]?.GetValue<string>() ?? "";
            var secret = c["kubernetes.io/serviceaccount/secret.name"]?.GetValue<string>() ?? "";
            var aud = c["aud"] switch
            {
                JsonArray a => a.Select(x => x!.GetValue<string>()).ToList(),
                JsonValue v => [v.GetValue<string>()],
                _ => new List<string>(),
            };
            return new ServiceAccount(name, ns, uid, secret, aud);
        }
    }
}
