using System.Globalization;
using k8s.Models;

namespace Conformance.Twin.Injector.Injection;

/// <summary>One `agent-inject-secret-NAME` / `agent-inject-template-NAME` entry (vault-k8s agent.go Secret).</summary>
public sealed record SecretSpec
{
    public required string Name { get; init; }
    public required string RawName { get; init; }
    public string Path { get; init; } = "";
    public string Template { get; init; } = "";
    public string TemplateFile { get; init; } = "";
    public string MountPath { get; init; } = "";
    public string Command { get; init; } = "";
    public string FilePathAndName { get; init; } = "";
    public string FilePermission { get; init; } = "";
    public bool ErrMissingKey { get; init; }
    public string LeftDelimiter { get; init; } = "";
    public string RightDelimiter { get; init; } = "";
}

/// <summary>Where the agent finds the pod's service-account token (vault-k8s agent.go serviceaccount()).</summary>
public sealed record ServiceAccountTokenVolume(string Name, string MountPath, string TokenPath);

/// <summary>
/// The agent as vault-k8s 1.7.6 derives it from a pod: `Init()` writes defaults into (a copy of) the annotations,
/// `New()` parses them, `Validate()` checks them (reference/vault.md §1.2). Errors carry the handler's prefixes.
/// </summary>
public sealed class AgentSpec
{
    public const string DefaultServiceAccountMount = "/var/run/secrets/vault.hashicorp.com/serviceaccount";
    public const string SecretVolumeName = "vault-secrets";
    public const string DefaultSecretVolumePath = "/vault/secrets";
    public const string TokenVolumeNameInit = "home-init";
    public const string TokenVolumeNameSidecar = "home-sidecar";
    public const string TokenVolumePath = "/home/vault";
    public const string ConfigVolumeName = "vault-config";
    public const string ConfigVolumePath = "/vault/configs";
    public const string TlsSecretVolumeName = "vault-tls-secrets";
    public const string TlsSecretVolumePath = "/vault/tls";
    public const string ExtraSecretVolumeName = "extra-secrets";
    public const string ExtraSecretVolumePath = "/vault/custom";
    public const string CacheVolumeName = "vault-agent-cache";
    public const string CacheVolumePath = "/vault/agent-cache";
    public const string TokenFile = "/home/vault/.vault-token";
    public const string PidFile = "/home/vault/.pid";

    public required V1Pod Pod { get; init; }
    /// <summary>The annotations after `Init()` defaulted them (not written back to the pod: only the status is patched).</summary>
    public required IReadOnlyDictionary<string, string> Effective { get; init; }
    public required ServiceAccountTokenVolume ServiceAccountTokenVolume { get; init; }
    public required string ImageName { get; init; }
    public required string Namespace { get; init; }
    public required string DefaultTemplate { get; init; }
    public required IReadOnlyList<SecretSpec> Secrets { get; init; }
    public required IReadOnlyList<string> Containers { get; init; }
    public bool InitFirst { get; init; }
    public bool PrePopulate { get; init; }
    public bool PrePopulateOnly { get; init; }
    public bool RevokeOnShutdown { get; init; }
    public ulong RevokeGrace { get; init; }
    public long RunAsUser { get; init; }
    public long RunAsGroup { get; init; }
    public bool SetSecurityContext { get; init; }
    public bool? ShareProcessNamespace { get; init; }
    public bool InjectToken { get; init; }
    public bool EnableQuit { get; init; }
    public bool AutoAuthExitOnError { get; init; }
    public string ConfigMapName { get; init; } = "";
    public string ExtraSecret { get; init; } = "";
    public string LimitsCpu { get; init; } = "";
    public string LimitsMem { get; init; } = "";
    public string LimitsEphemeral { get; init; } = "";
    public string RequestsCpu { get; init; } = "";
    public string RequestsMem { get; init; } = "";
    public string RequestsEphemeral { get; init; } = "";
    public required VaultSettings Vault { get; init; }
    public required CacheSettings Cache { get; init; }
    public required TemplateSettings TemplateConfig { get; init; }
    public IReadOnlyList<string> DisableIdleConnections { get; init; } = [];
    public IReadOnlyList<string> DisableKeepAlives { get; init; } = [];

    public sealed record VaultSettings
    {
        public string Address { get; init; } = "";
        public string ProxyAddress { get; init; } = "";
        public string AuthType { get; init; } = "";
        public string AuthPath { get; init; } = "";
        public required SortedDictionary<string, string> AuthConfig { get; init; }
        public string CaCert { get; init; } = "";
        public string CaKey { get; init; } = "";
        public string ClientCert { get; init; } = "";
        public string ClientKey { get; init; } = "";
        public string ClientMaxRetries { get; init; } = "";
        public string ClientTimeout { get; init; } = "";
        public string GoMaxProcs { get; init; } = "";
        public string LogLevel { get; init; } = "";
        public string LogFormat { get; init; } = "";
        public string Namespace { get; init; } = "";
        public string Role { get; init; } = "";
        public string TlsSecret { get; init; } = "";
        public bool TlsSkipVerify { get; init; }
        public string TlsServerName { get; init; } = "";
        public string AuthMinBackoff { get; init; } = "";
        public string AuthMaxBackoff { get; init; } = "";
    }

    public sealed record CacheSettings(bool Enable, string ListenerPort, string UseAutoAuthToken, bool Persist, bool ExitOnErr);

    public sealed record TemplateSettings(bool ExitOnRetryFailure, string StaticSecretRenderInterval, long MaxConnectionsPerHost, double LeaseRenewalThreshold);

    /// <summary>vault-k8s agent.go ShouldInject: only the pod's own `agent-inject` annotation counts (vault.md §1.1).</summary>
    public static bool ShouldInject(V1Pod pod)
    {
        var ann = pod.Metadata?.Annotations;
        if (ann is null || !ann.TryGetValue(Annotations.Inject, out var raw)) return false;
        if (!GoParse.ParseBoolWeak(raw)) return false;
        // vault-k8s: "If injection didn't happen on pod creation, then it's too late now" (vault.md §1.1)
        var phase = pod.Status?.Phase;
        if (!string.IsNullOrEmpty(phase) && phase != "Pending") return false;
        // vault-k8s: only the status "injected" blocks re-mutation; any other value still injects (vault.md §1.1)
        return !(ann.TryGetValue(Annotations.Status, out var status) && status == "injected");
    }

    /// <summary>Init + New + Validate. Throws <see cref="InjectionDeniedException"/> with the handler's message.</summary>
    public static AgentSpec Build(V1Pod pod, string requestNamespace, InjectorOptions o, TwinFaults faults)
    {
        Dictionary<string, string> ann;
        try { ann = InitDefaults(pod, requestNamespace, o); }
        catch (Exception ex) when (ex is GoParseException or InvalidOperationException)
        { throw new InjectionDeniedException($"error adding default annotations: {ex.Message}"); }

        AgentSpec spec;
        try { spec = New(pod, ann); }
        catch (Exception ex) when (ex is GoParseException or InvalidOperationException)
        { throw new InjectionDeniedException($"error creating new agent sidecar: {ex.Message}"); }

        var problem = spec.Validate(faults);
        if (problem is not null) throw new InjectionDeniedException($"error validating agent configuration: {problem}");
        return spec;
    }

    // vault-k8s annotations.go Init(): fills every missing annotation with the injector-wide default (vault.md §1.2)
    private static Dictionary<string, string> InitDefaults(V1Pod pod, string ns, InjectorOptions o)
    {
        if (string.IsNullOrEmpty(o.VaultAddress)) throw new InvalidOperationException("address for Vault required");
        if (string.IsNullOrEmpty(o.AuthPath)) throw new InvalidOperationException("Vault Auth Path required");
        if (string.IsNullOrEmpty(ns)) throw new InvalidOperationException("kubernetes namespace required");

        var a = new Dictionary<string, string>(pod.Metadata?.Annotations ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        void Default(string key, string value) { if (!a.ContainsKey(key)) a[key] = value; }

        Default(Annotations.Service, o.VaultAddress);
        Default(Annotations.AuthType, string.IsNullOrEmpty(o.AuthType) ? "kubernetes" : o.AuthType);
        Default(Annotations.AuthPath, o.AuthPath);
        Default(Annotations.VaultNamespace, "");
        Default(Annotations.ProxyAddress, "");
        Default(Annotations.AgentImage, string.IsNullOrEmpty(o.AgentImage) ? "hashicorp/vault:2.0.4" : o.AgentImage);
        Default(Annotations.RequestNamespace, ns);
        Default(Annotations.LimitsCpu, o.CpuLimit);
        Default(Annotations.LimitsMem, o.MemLimit);
        Default(Annotations.LimitsEphemeral, o.EphemeralLimit);
        Default(Annotations.RequestsCpu, o.CpuRequest);
        Default(Annotations.RequestsMem, o.MemRequest);
        Default(Annotations.RequestsEphemeral, o.EphemeralRequest);
        Default(Annotations.SecretVolumePath, DefaultSecretVolumePath);
        Default(Annotations.RevokeOnShutdown, o.RevokeOnShutdown ? "true" : "false");
        Default(Annotations.RevokeGrace, "5"); // vault-k8s DefaultRevokeGrace = 5 (vault.md §1.2)
        Default(Annotations.LogLevel, "info");
        Default(Annotations.LogFormat, "standard");
        Default(Annotations.ServiceAccountTokenVolumeName, "");
        var securityContextIsSet = a.ContainsKey(Annotations.SetSecurityContext);
        Default(Annotations.SetSecurityContext, o.SetSecurityContext ? "true" : "false");
        var runAsUserIsSet = a.ContainsKey(Annotations.RunAsUser);
        Default(Annotations.RunAsUser, string.IsNullOrEmpty(o.RunAsUser) ? "100" : o.RunAsUser);
        var runAsSameIsSet = a.ContainsKey(Annotations.RunAsSameUser);
        Default(Annotations.RunAsSameUser, o.RunAsSameUser ? "true" : "false");
        var runAsGroupIsSet = a.ContainsKey(Annotations.RunAsGroup);
        Default(Annotations.RunAsGroup, string.IsNullOrEmpty(o.RunAsGroup) ? "1000" : o.RunAsGroup);
        if (!o.SetSecurityContext && !securityContextIsSet && (runAsUserIsSet || runAsSameIsSet || runAsGroupIsSet))
            a[Annotations.SetSecurityContext] = "true";
        Default(Annotations.CacheEnable, "false");
        Default(Annotations.CacheListenerPort, "8200");
        Default(Annotations.CacheUseAutoAuthToken, "true");
        Default(Annotations.CacheExitOnErr, "false");
        // vault-k8s: agent-inject-containers defaults to every container present at admission time (vault.md §1.2)
        Default(Annotations.InjectContainers, string.Join(",", (pod.Spec?.Containers ?? []).Select(c => c.Name)));
        Default(Annotations.InjectDefaultTemplate, o.DefaultTemplate);
        Default(Annotations.TemplateConfigExitOnRetryFailure, o.ExitOnRetryFailure ? "true" : "false");
        Default(Annotations.TemplateConfigStaticSecretRenderInterval, o.StaticSecretRenderInterval);
        Default(Annotations.TemplateConfigMaxConnectionsPerHost, "0");
        // vault-k8s Init() never copies the injector-wide lease renewal threshold into the pod (vault.md §1.2)
        foreach (var key in new[] { Annotations.AuthMinBackoff, Annotations.AuthMaxBackoff })
            if (a.TryGetValue(key, out var b) && b.Length > 0)
            {
                try { GoParse.ParseDuration(b); }
                catch (GoParseException ex)
                {
                    var which = key == Annotations.AuthMinBackoff ? "min" : "max";
                    throw new InvalidOperationException($"error parsing {which} backoff as duration: {ex.Message}");
                }
            }
        Default(Annotations.DisableIdleConnections, "");
        Default(Annotations.DisableKeepAlives, "");
        if (a.TryGetValue(Annotations.JsonPatch, out var jp) && jp.Length == 0) a.Remove(Annotations.JsonPatch);
        if (a.TryGetValue(Annotations.InitJsonPatch, out var ijp) && ijp.Length == 0) a.Remove(Annotations.InitJsonPatch);
        return a;
    }

    // vault-k8s agent.go New(): parses the (defaulted) annotations in the same order, so the first bad value wins
    private static AgentSpec New(V1Pod pod, Dictionary<string, string> a)
    {
        string Get(string key) => a.TryGetValue(key, out var v) ? v : "";
        bool BoolOr(string key, bool dflt) => a.TryGetValue(key, out var v) ? GoParse.ParseBoolWeak(v) : dflt;

        var sa = FindServiceAccount(pod, Get(Annotations.ServiceAccountTokenVolumeName));
        var secrets = ParseSecrets(a);
        var role = Get(Annotations.Role);

        // vault-k8s authConfig(): token_path, auth-config-* (dashes to underscores), then role (vault.md §1.2)
        var authConfig = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (sa.MountPath.Length > 0 && sa.TokenPath.Length > 0)
            authConfig["token_path"] = JoinPath(sa.MountPath, sa.TokenPath);
        foreach (var (k, v) in a)
            if (k.StartsWith(Annotations.AuthConfig + "-", StringComparison.Ordinal))
                authConfig[k[(Annotations.AuthConfig.Length + 1)..].Replace('-', '_')] = v;
        if (role.Length > 0) authConfig["role"] = role;

        _ = BoolOr(Annotations.Inject, true);
        var initFirst = BoolOr(Annotations.InitFirst, false);
        var prePopulate = BoolOr(Annotations.PrePopulate, true);
        var prePopulateOnly = BoolOr(Annotations.PrePopulateOnly, false);
        var revokeOnShutdown = BoolOr(Annotations.RevokeOnShutdown, false);
        var containers = Get(Annotations.InjectContainers).Split(',');
        // vault-k8s revokeGrace(): strconv.ParseUint, so "5s" is rejected (vault.md §1.2)
        var revokeGrace = a.TryGetValue(Annotations.RevokeGrace, out var rg) ? GoParse.ParseUint(rg) : 0UL;
        var tlsSkipVerify = BoolOr(Annotations.TlsSkipVerify, false);
        var runAsUser = GoParse.ParseIntWeak(Get(Annotations.RunAsUser));
        var runAsGroup = GoParse.ParseIntWeak(Get(Annotations.RunAsGroup));
        if (BoolOr(Annotations.RunAsSameUser, false))
        {
            var first = pod.Spec?.Containers?.FirstOrDefault() ?? throw new InvalidOperationException("No containers found in Pod Spec");
            if (first.SecurityContext is null) throw new InvalidOperationException("No SecurityContext found for Container 0");
            if (first.SecurityContext.RunAsUser is null) throw new InvalidOperationException("RunAsUser is nil for Container 0's SecurityContext");
            if (first.SecurityContext.RunAsUser == 0) throw new InvalidOperationException("container not allowed to run as root");
            runAsUser = first.SecurityContext.RunAsUser.Value;
        }
        bool? shareProcessNamespace = null;
        if (a.TryGetValue(Annotations.ShareProcessNamespace, out var spn))
        {
            bool share;
            try { share = GoParse.ParseBoolWeak(spn); }
            catch (GoParseException ex)
            { throw new InvalidOperationException($"invalid value {spn} for annotation {GoParse.Quote(Annotations.ShareProcessNamespace)}, err={ex.Message}"); }
            if (pod.Spec?.ShareProcessNamespace == false && share)
                throw new InvalidOperationException("shareProcessNamespace explicitly disabled on the pod, refusing to enable it");
            shareProcessNamespace = share;
        }
        var setSecurityContext = BoolOr(Annotations.SetSecurityContext, true);
        var cacheEnable = BoolOr(Annotations.CacheEnable, false);
        var cacheExitOnErr = BoolOr(Annotations.CacheExitOnErr, false);
        var defaultTemplate = Get(Annotations.InjectDefaultTemplate).ToLowerInvariant();
        if (defaultTemplate is not ("map" or "json"))
            throw new InvalidOperationException($"invalid default template type: {defaultTemplate}");
        var injectToken = BoolOr(Annotations.InjectToken, false);
        var exitOnRetryFailure = BoolOr(Annotations.TemplateConfigExitOnRetryFailure, true);
        var maxConns = GoParse.ParseIntWeak(Get(Annotations.TemplateConfigMaxConnectionsPerHost));
        var threshold = a.TryGetValue(Annotations.TemplateConfigLeaseRenewalThreshold, out var th) ? GoParse.ParseFloat(th) : 0;
        var enableQuit = BoolOr(Annotations.EnableQuit, false);
        var autoAuthExitOnErr = BoolOr(Annotations.AutoAuthExitOnError, false);
        // vault-k8s cachePersist(): a persistent cache only when init and sidecar both run (vault.md §1.2 agent-cache-enable)
        var persist = cacheEnable && prePopulate && !prePopulateOnly;

        return new AgentSpec
        {
            Pod = pod,
            Effective = a,
            ServiceAccountTokenVolume = sa,
            ImageName = Get(Annotations.AgentImage),
            Namespace = Get(Annotations.RequestNamespace),
            DefaultTemplate = defaultTemplate,
            Secrets = secrets,
            Containers = containers,
            InitFirst = initFirst,
            PrePopulate = prePopulate,
            PrePopulateOnly = prePopulateOnly,
            RevokeOnShutdown = revokeOnShutdown,
            RevokeGrace = revokeGrace,
            RunAsUser = runAsUser,
            RunAsGroup = runAsGroup,
            SetSecurityContext = setSecurityContext,
            ShareProcessNamespace = shareProcessNamespace,
            InjectToken = injectToken,
            EnableQuit = enableQuit,
            AutoAuthExitOnError = autoAuthExitOnErr,
            ConfigMapName = Get(Annotations.ConfigMap),
            ExtraSecret = Get(Annotations.ExtraSecret),
            LimitsCpu = Get(Annotations.LimitsCpu),
            LimitsMem = Get(Annotations.LimitsMem),
            LimitsEphemeral = Get(Annotations.LimitsEphemeral),
            RequestsCpu = Get(Annotations.RequestsCpu),
            RequestsMem = Get(Annotations.RequestsMem),
            RequestsEphemeral = Get(Annotations.RequestsEphemeral),
            Vault = new VaultSettings
            {
                Address = Get(Annotations.Service),
                ProxyAddress = Get(Annotations.ProxyAddress),
                AuthType = Get(Annotations.AuthType),
                AuthPath = Get(Annotations.AuthPath),
                AuthConfig = authConfig,
                CaCert = Get(Annotations.CaCert),
                CaKey = Get(Annotations.CaKey),
                ClientCert = Get(Annotations.ClientCert),
                ClientKey = Get(Annotations.ClientKey),
                ClientMaxRetries = Get(Annotations.ClientMaxRetries),
                ClientTimeout = Get(Annotations.ClientTimeout),
                GoMaxProcs = Get(Annotations.GoMaxProcs),
                LogLevel = Get(Annotations.LogLevel),
                LogFormat = Get(Annotations.LogFormat),
                Namespace = Get(Annotations.VaultNamespace),
                Role = role,
                TlsSecret = Get(Annotations.TlsSecret),
                TlsSkipVerify = tlsSkipVerify,
                TlsServerName = Get(Annotations.TlsServerName),
                AuthMinBackoff = Get(Annotations.AuthMinBackoff),
                AuthMaxBackoff = Get(Annotations.AuthMaxBackoff),
            },
            Cache = new CacheSettings(cacheEnable, Get(Annotations.CacheListenerPort), Get(Annotations.CacheUseAutoAuthToken), persist, cacheExitOnErr),
            TemplateConfig = new TemplateSettings(exitOnRetryFailure, Get(Annotations.TemplateConfigStaticSecretRenderInterval), maxConns, threshold),
            DisableIdleConnections = Get(Annotations.DisableIdleConnections) is { Length: > 0 } di ? di.Split(',') : [],
            DisableKeepAlives = Get(Annotations.DisableKeepAlives) is { Length: > 0 } dk ? dk.Split(',') : [],
        };
    }

    // vault-k8s agent.go Validate() (vault.md §1.1: "no Vault role found")
    private string? Validate(TwinFaults faults)
    {
        if (Namespace.Length == 0) return "namespace missing from request";
        if (ServiceAccountTokenVolume.Name.Length == 0 || ServiceAccountTokenVolume.MountPath.Length == 0 || ServiceAccountTokenVolume.TokenPath.Length == 0)
            return "no service account token volume name, mount path or token path found";
        if (ImageName.Length == 0) return "no Vault image found";
        if (ConfigMapName.Length > 0) return null;
        if (Vault.AuthType.Length == 0) return "no Vault Auth Type found";
        if (Vault.AuthType == "kubernetes" && Vault.Role.Length == 0
            && !(Effective.TryGetValue(Annotations.AuthConfig + "-role", out var r) && r.Length > 0)
            && !faults.Has(TwinFaults.InjectorInjectsWithoutRole)) // fault: skip the role check
            return "no Vault role found";
        if (Vault.AuthPath.Length == 0) return "no Vault Auth Path found";
        if (Vault.Address.Length == 0) return "no Vault address found";
        return null;
    }

    // vault-k8s agent.go serviceaccount(): the named projected volume, else the first app mount whose path contains "serviceaccount"
    private static ServiceAccountTokenVolume FindServiceAccount(V1Pod pod, string volumeName)
    {
        var containers = pod.Spec?.Containers ?? [];
        var volumes = pod.Spec?.Volumes ?? [];
        if (volumeName.Length > 0)
        {
            foreach (var c in containers)
                foreach (var m in c.VolumeMounts ?? [])
                    if (m.Name == volumeName)
                    {
                        var vol = volumes.FirstOrDefault(v => v.Name == volumeName)
                            ?? throw new InvalidOperationException($"failed to find volume {GoParse.Quote(volumeName)} in Pod {GoParse.Quote(pod.Metadata?.Name ?? "")} volumes");
                        return new(m.Name, m.MountPath, ProjectedTokenPath(vol));
                    }
            foreach (var v in volumes)
                if (v.Name == volumeName) return new(v.Name, DefaultServiceAccountMount, ProjectedTokenPath(v));
            throw new InvalidOperationException($"failed to find service account volume {GoParse.Quote(volumeName)}");
        }
        foreach (var c in containers)
            foreach (var m in c.VolumeMounts ?? [])
                if (m.MountPath.Contains("serviceaccount", StringComparison.Ordinal))
                    return new(m.Name, m.MountPath, "token");
        // vault-k8s: "failed to find service account volume mount" (vault.md §1.1)
        throw new InvalidOperationException("failed to find service account volume mount");
    }

    private static string ProjectedTokenPath(V1Volume volume)
    {
        foreach (var s in volume.Projected?.Sources ?? [])
            if (s.ServiceAccountToken is { Path.Length: > 0 } t) return t.Path;
        throw new InvalidOperationException($"failed to find tokenPath for projected volume {GoParse.Quote(volume.Name)}");
    }

    // vault-k8s annotations.go secrets(): one secret per NAME across -secret-, -template-file-, -template- (vault.md §1.2)
    private static List<SecretSpec> ParseSecrets(Dictionary<string, string> a)
    {
        string[] prefixes = [Annotations.InjectSecret + "-", Annotations.InjectTemplateFile + "-", Annotations.InjectTemplate + "-"];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var raws = new List<(string Raw, string Name)>();
        // Go iterates the annotation map in random order; the twin sorts so configs are reproducible.
        foreach (var (key, value) in a.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (value.Trim().Length == 0) continue;
            foreach (var prefix in prefixes)
            {
                if (!key.StartsWith(prefix, StringComparison.Ordinal)) continue;
                var raw = key[prefix.Length..];
                var name = PreserveCase(a, raw) ? raw : raw.ToLowerInvariant();
                if (name.Length == 0) continue;
                if (seen.Add(raw)) raws.Add((raw, name));
                break;
            }
        }
        string Value(string annotation, string raw, string dflt) => a.TryGetValue($"{annotation}-{raw}", out var v) ? v : dflt;
        var result = new List<SecretSpec>();
        foreach (var (raw, name) in raws)
        {
            var template = Value(Annotations.InjectTemplate, raw, "");
            result.Add(new SecretSpec
            {
                Name = name,
                RawName = raw,
                Path = Value(Annotations.InjectSecret, raw, ""),
                Template = template,
                TemplateFile = template.Length == 0 ? Value(Annotations.InjectTemplateFile, raw, "") : "",
                MountPath = Value(Annotations.SecretVolumePath, raw, a.GetValueOrDefault(Annotations.SecretVolumePath, "")),
                Command = Value(Annotations.InjectCommand, raw, ""),
                LeftDelimiter = Value(Annotations.TemplateLeftDelim, raw, ""),
                RightDelimiter = Value(Annotations.TemplateRightDelim, raw, ""),
                FilePathAndName = Value(Annotations.InjectFile, raw, ""),
                FilePermission = Value(Annotations.InjectPerms, raw, ""),
                ErrMissingKey = GoParse.ParseBoolWeak(Value(Annotations.ErrorOnMissingKey, raw, "")),
            });
        }
        return result;
    }

    private static bool PreserveCase(Dictionary<string, string> a, string raw)
    {
        if (a.TryGetValue($"{Annotations.PreserveSecretCase}-{raw}", out var v)) return GoParse.TryStrconvBool(v, out var b) && b;
        return a.TryGetValue(Annotations.PreserveSecretCase, out var g) && GoParse.TryStrconvBool(g, out var gb) && gb;
    }

    /// <summary>Go path.Join for two absolute-ish segments.</summary>
    internal static string JoinPath(string a, string b)
    {
        var joined = (a.TrimEnd('/') + "/" + b.TrimStart('/'));
        var parts = new List<string>();
        foreach (var p in joined.Split('/'))
        {
            if (p is "" or ".") continue;
            if (p == ".." && parts.Count > 0) { parts.RemoveAt(parts.Count - 1); continue; }
            parts.Add(p);
        }
        return (joined.StartsWith('/') ? "/" : "") + string.Join('/', parts);
    }

    internal static string Invariant(long v) => v.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The injector's AdmissionResponse with Allowed=false: the API server rejects the pod with this message.</summary>
public sealed class InjectionDeniedException(string message) : Exception(message);
