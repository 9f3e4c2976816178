using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace Conformance.Twin.Injector.Injection;

/// <summary>
/// The JSONPatch vault-k8s returns for an injected pod (agent.go Patch(), patch.go, container_*.go): token and secret
/// volumes, the `vault-secrets` mounts in the app containers, `vault-agent-init` and `vault-agent`, and the
/// `agent-inject-status: injected` annotation (reference/vault.md §1.2 "What the mutation produces").
/// </summary>
public static class PodPatchBuilder
{
    /// <summary>vault-k8s DefaultContainerArg: decode VAULT_CONFIG, then run the agent on it.</summary>
    public const string DefaultContainerArg = "echo ${VAULT_CONFIG?} | base64 -d > /home/vault/config.json && vault agent -config=/home/vault/config.json";

    public static JsonArray Build(AgentSpec a)
    {
        var ops = new JsonArray();
        var spec = a.Pod.Spec ?? new V1PodSpec();
        var podVolumes = spec.Volumes ?? [];

        // vault-k8s Patch(): each group is added against the ORIGINAL volume list, exactly like upstream
        AddList(ops, podVolumes.Count, TokenVolumes(a), "/spec/volumes");
        AddList(ops, podVolumes.Count, SecretVolumes(a), "/spec/volumes");
        if (a.ConfigMapName.Length > 0)
            AddList(ops, podVolumes.Count, [ToNode(new V1Volume { Name = AgentSpec.ConfigVolumeName, ConfigMap = new V1ConfigMapVolumeSource { Name = a.ConfigMapName } })], "/spec/volumes");
        if (a.ExtraSecret.Length > 0)
            AddList(ops, podVolumes.Count, [ToNode(new V1Volume { Name = AgentSpec.ExtraSecretVolumeName, Secret = new V1SecretVolumeSource { SecretName = a.ExtraSecret } })], "/spec/volumes");
        if (a.Vault.TlsSecret.Length > 0)
            AddList(ops, podVolumes.Count, [ToNode(new V1Volume { Name = AgentSpec.TlsSecretVolumeName, Secret = new V1SecretVolumeSource { SecretName = a.Vault.TlsSecret } })], "/spec/volumes");
        if (a.Cache.Persist)
            AddList(ops, podVolumes.Count, [ToNode(MemoryVolume(AgentSpec.CacheVolumeName))], "/spec/volumes");

        // vault-k8s: the secrets volume is mounted in every app container named by agent-inject-containers (vault.md §1.2)
        var containers = spec.Containers ?? [];
        for (var i = 0; i < containers.Count; i++)
            if (a.Containers.Contains(containers[i].Name))
                AddList(ops, containers[i].VolumeMounts?.Count ?? 0, SecretVolumeMounts(a), $"/spec/containers/{i}/volumeMounts");

        if (a.PrePopulate)
        {
            var init = InitContainer(a);
            var existing = spec.InitContainers ?? [];
            List<V1Container> ordered;
            if (a.InitFirst)
            {
                // vault-k8s: agent-init-first removes the init containers and re-adds them after vault-agent-init
                if (existing.Count > 0) ops.Add(new JsonObject { ["op"] = "remove", ["path"] = "/spec/initContainers" });
                ordered = [init, .. existing];
                AddList(ops, 0, ordered.Select(ToNode), "/spec/initContainers");
            }
            else
            {
                ordered = [.. existing];
                AddList(ops, existing.Count, [ToNode(init)], "/spec/initContainers");
            }
            for (var i = 0; i < ordered.Count; i++)
                if (ordered[i].Name != "vault-agent-init")
                    AddList(ops, ordered[i].VolumeMounts?.Count ?? 0, SecretVolumeMounts(a), $"/spec/initContainers/{i}/volumeMounts");
            if (a.ShareProcessNamespace is { } share)
                ops.Add(new JsonObject { ["op"] = "add", ["path"] = "/spec/shareProcessNamespace", ["value"] = share });
        }

        // vault-k8s: agent-pre-populate-only adds no sidecar (vault.md §1.2)
        if (!a.PrePopulateOnly)
            AddList(ops, containers.Count, [ToNode(SidecarContainer(a))], "/spec/containers");

        // vault-k8s: the only annotation written back is agent-inject-status: injected (vault.md §1.2)
        var podAnnotations = a.Pod.Metadata?.Annotations;
        if (podAnnotations is null || podAnnotations.Count == 0)
            ops.Add(new JsonObject { ["op"] = "add", ["path"] = "/metadata/annotations", ["value"] = new JsonObject { [Annotations.Status] = "injected" } });
        else
            ops.Add(new JsonObject { ["op"] = "add", ["path"] = "/metadata/annotations/" + EscapePointer(Annotations.Status), ["value"] = "injected" });
        return ops;
    }

    public static V1Container InitContainer(AgentSpec a)
    {
        List<V1VolumeMount> mounts =
        [
            Mount(AgentSpec.TokenVolumePath, AgentSpec.TokenVolumeNameInit, false),
            Mount(a.ServiceAccountTokenVolume.MountPath, a.ServiceAccountTokenVolume.Name, true),
            .. SecretVolumeMountModels(a),
        ];
        var arg = DefaultContainerArg;
        AddOptionalMounts(a, mounts, ref arg, "config-init.hcl");
        var c = new V1Container
        {
            Name = "vault-agent-init",
            Image = a.ImageName,
            Env = Env(a, init: true),
            Resources = Resources(a),
            VolumeMounts = mounts,
            Command = ["/bin/sh", "-ec"],
            Args = [arg],
        };
        if (a.SetSecurityContext) c.SecurityContext = SecurityContext(a);
        return c;
    }

    public static V1Container SidecarContainer(AgentSpec a)
    {
        List<V1VolumeMount> mounts =
        [
            Mount(a.ServiceAccountTokenVolume.MountPath, a.ServiceAccountTokenVolume.Name, true),
            Mount(AgentSpec.TokenVolumePath, AgentSpec.TokenVolumeNameSidecar, false),
            .. SecretVolumeMountModels(a),
        ];
        var arg = DefaultContainerArg;
        AddOptionalMounts(a, mounts, ref arg, "config.hcl");
        var c = new V1Container
        {
            Name = "vault-agent",
            Image = a.ImageName,
            Env = Env(a, init: false),
            Resources = Resources(a),
            VolumeMounts = mounts,
            Lifecycle = Lifecycle(a),
            Command = ["/bin/sh", "-ec"],
            Args = [arg],
        };
        if (a.SetSecurityContext) c.SecurityContext = SecurityContext(a);
        return c;
    }

    private static void AddOptionalMounts(AgentSpec a, List<V1VolumeMount> mounts, ref string arg, string configFile)
    {
        if (a.ExtraSecret.Length > 0) mounts.Add(Mount(AgentSpec.ExtraSecretVolumePath, AgentSpec.ExtraSecretVolumeName, true));
        if (a.ConfigMapName.Length > 0)
        {
            mounts.Add(Mount(AgentSpec.ConfigVolumePath, AgentSpec.ConfigVolumeName, true));
            arg = $"touch {AgentSpec.TokenFile} && vault agent -config={AgentSpec.ConfigVolumePath}/{configFile}";
        }
        if (a.Vault.TlsSecret.Length > 0) mounts.Add(Mount(AgentSpec.TlsSecretVolumePath, AgentSpec.TlsSecretVolumeName, true));
        if (a.Cache.Persist) mounts.Add(Mount(AgentSpec.CacheVolumePath, AgentSpec.CacheVolumeName, false));
    }

    // vault-k8s createLifecycle(): the sidecar's preStop sleeps the grace, then `vault token revoke -self` (vault.md §2.5)
    private static V1Lifecycle Lifecycle(AgentSpec a)
    {
        var lifecycle = new V1Lifecycle();
        if (!a.RevokeOnShutdown) return lifecycle;
        var flags = new List<string> { $"-address={a.Vault.Address}" };
        if (a.Vault.CaCert.Length > 0) flags.Add($"-ca-cert={a.Vault.CaCert}");
        if (a.Vault.ClientCert.Length > 0) flags.Add($"-client-cert={a.Vault.ClientCert}");
        if (a.Vault.ClientKey.Length > 0) flags.Add($"-client-key={a.Vault.ClientKey}");
        flags.Add("-self");
        lifecycle.PreStop = new V1LifecycleHandler
        {
            Exec = new V1ExecAction { Command = ["/bin/sh", "-c", $"/bin/sleep {a.RevokeGrace} && /bin/vault token revoke {string.Join(' ', flags)}"] },
        };
        return lifecycle;
    }

    // vault-k8s container_env.go: downward-API env, log settings and VAULT_CONFIG as base64 JSON (vault.md §1.2)
    private static List<V1EnvVar> Env(AgentSpec a, bool init)
    {
        var env = new List<V1EnvVar>
        {
            FieldEnv("NAMESPACE", "metadata.namespace"),
            FieldEnv("HOST_IP", "status.hostIP"),
            FieldEnv("POD_IP", "status.podIP"),
        };
        void Add(string name, string value) { if (value.Length > 0) env.Add(new V1EnvVar { Name = name, Value = value }); }
        Add("GOMAXPROCS", a.Vault.GoMaxProcs);
        Add("VAULT_CLIENT_TIMEOUT", a.Vault.ClientTimeout);
        Add("VAULT_MAX_RETRIES", a.Vault.ClientMaxRetries);
        Add("VAULT_LOG_LEVEL", a.Vault.LogLevel);
        Add("VAULT_LOG_FORMAT", a.Vault.LogFormat);
        Add("HTTPS_PROXY", a.Vault.ProxyAddress);
        if (a.ConfigMapName.Length == 0)
        {
            env.Add(new V1EnvVar { Name = "VAULT_CONFIG", Value = AgentConfigJson.RenderBase64(a, init) });
        }
        else
        {
            Add("VAULT_ADDR", a.Vault.Address);
            Add("VAULT_CACERT", a.Vault.CaCert);
            Add("VAULT_CAPATH", a.Vault.CaKey);
            Add("VAULT_CLIENT_CERT", a.Vault.ClientCert);
            Add("VAULT_CLIENT_KEY", a.Vault.ClientKey);
            env.Add(new V1EnvVar { Name = "VAULT_SKIP_VERIFY", Value = a.Vault.TlsSkipVerify ? "true" : "false" });
            Add("VAULT_TLS_SERVER_NAME", a.Vault.TlsServerName);
        }
        return env;
    }

    // vault-k8s parseResources(): limits 500m/128Mi, requests 250m/64Mi by default (vault.md §1.2)
    private static V1ResourceRequirements Resources(AgentSpec a)
    {
        Dictionary<string, ResourceQuantity> Quantities(string cpu, string mem, string eph)
        {
            var d = new Dictionary<string, ResourceQuantity>();
            void Put(string key, string raw) { if (raw.Length > 0) { GoParse.CheckQuantity(raw); d[key] = new ResourceQuantity(raw); } }
            Put("cpu", cpu);
            Put("memory", mem);
            Put("ephemeral-storage", eph);
            return d;
        }
        return new V1ResourceRequirements
        {
            Limits = Quantities(a.LimitsCpu, a.LimitsMem, a.LimitsEphemeral),
            Requests = Quantities(a.RequestsCpu, a.RequestsMem, a.RequestsEphemeral),
        };
    }

    // vault-k8s securityContext(): uid 100 / gid 1000, non-root, read-only root, drop ALL (vault.md §1.2)
    private static V1SecurityContext SecurityContext(AgentSpec a) => new()
    {
        RunAsUser = a.RunAsUser,
        RunAsGroup = a.RunAsGroup,
        RunAsNonRoot = !(a.RunAsUser == 0 || a.RunAsGroup == 0),
        ReadOnlyRootFilesystem = true,
        Capabilities = new V1Capabilities { Drop = ["ALL"] },
        AllowPrivilegeEscalation = false,
    };

    private static IEnumerable<JsonNode> TokenVolumes(AgentSpec a)
    {
        // vault-k8s: init and sidecar get separate Memory emptyDirs home-init / home-sidecar (vault.md §1.2)
        if (a.PrePopulate) yield return ToNode(MemoryVolume(AgentSpec.TokenVolumeNameInit));
        if (!a.PrePopulateOnly) yield return ToNode(MemoryVolume(AgentSpec.TokenVolumeNameSidecar));
    }

    private static IEnumerable<JsonNode> SecretVolumes(AgentSpec a)
    {
        // vault-k8s: `vault-secrets` is an emptyDir with medium Memory (vault.md §1.2 secret-volume-path)
        yield return ToNode(MemoryVolume(AgentSpec.SecretVolumeName));
        var i = 0;
        foreach (var _ in UniqueCustomMountPaths(a)) yield return ToNode(MemoryVolume($"{AgentSpec.SecretVolumeName}-custom-{i++}"));
    }

    private static IEnumerable<JsonNode> SecretVolumeMounts(AgentSpec a) => SecretVolumeMountModels(a).Select(ToNode);

    private static IEnumerable<V1VolumeMount> SecretVolumeMountModels(AgentSpec a)
    {
        yield return Mount(a.Effective.GetValueOrDefault(Annotations.SecretVolumePath, AgentSpec.DefaultSecretVolumePath), AgentSpec.SecretVolumeName, false);
        var i = 0;
        foreach (var path in UniqueCustomMountPaths(a))
            yield return Mount(path, $"{AgentSpec.SecretVolumeName}-custom-{i++}", false);
    }

    private static List<string> UniqueCustomMountPaths(AgentSpec a)
    {
        var common = a.Effective.GetValueOrDefault(Annotations.SecretVolumePath, "");
        var paths = new List<string>();
        foreach (var s in a.Secrets)
            if (!paths.Contains(s.MountPath) && s.MountPath != common) paths.Add(s.MountPath);
        return paths;
    }

    // Go omits readOnly=false (omitempty)
    private static V1VolumeMount Mount(string path, string name, bool readOnly) =>
        new() { MountPath = path, Name = name, ReadOnlyProperty = readOnly ? true : null };

    private static V1Volume MemoryVolume(string name) => new() { Name = name, EmptyDir = new V1EmptyDirVolumeSource { Medium = "Memory" } };

    private static V1EnvVar FieldEnv(string name, string fieldPath) =>
        new() { Name = name, ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { FieldPath = fieldPath } } };

    /// <summary>vault-k8s patch.go addVolumes/addContainers: an empty target gets the whole list at first, then `/-` appends.</summary>
    private static void AddList(JsonArray ops, int targetCount, IEnumerable<JsonNode> items, string basePath)
    {
        var first = targetCount == 0;
        foreach (var item in items)
        {
            if (first)
            {
                first = false;
                ops.Add(new JsonObject { ["op"] = "add", ["path"] = basePath, ["value"] = new JsonArray(item) });
            }
            else
            {
                ops.Add(new JsonObject { ["op"] = "add", ["path"] = basePath + "/-", ["value"] = item });
            }
        }
    }

    internal static JsonNode ToNode(object model) => JsonNode.Parse(KubernetesJson.Serialize(model))!;

    private static string EscapePointer(string s) => s.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
