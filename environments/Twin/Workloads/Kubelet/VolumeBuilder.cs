using System.Text;
using Conformance.Twin.Workloads.Programs;
using k8s.Models;

namespace Conformance.Twin.Workloads.Kubelet;

/// <summary>Asks the API for a service-account token (TokenRequest), as the kubelet does for projected volumes.</summary>
public delegate Task<string> TokenRequester(string ns, string serviceAccount, string podName, string podUid,
    string? audience, long expirationSeconds, CancellationToken ct);

/// <summary>
/// Sets a pod's volumes up in per-pod host folders (root/&lt;pod uid&gt;/volumes/&lt;name&gt;) the way the kubelet's volume
/// plugins fill them: secret, configMap (items, defaultMode 0644, optional), emptyDir (medium Memory is a folder too),
/// projected (secret, configMap, downwardAPI, serviceAccountToken via TokenRequest), downwardAPI. A volume whose source
/// is missing fails with the plugin's error; the kubelet reports it as FailedMount and retries.
/// </summary>
public sealed class VolumeBuilder(IKubeObjectSource source, TokenRequester tokens)
{
    private const int DefaultMode = 420; // 0644, the API default for secret/configMap/projected/downwardAPI volumes

    /// <summary>True under <see cref="KubeletFaults.WritesSecretVolumeAsText"/>: Secret values pass through a UTF-8
    /// string on their way to the file, so bytes that are not UTF-8 come out as U+FFFD.</summary>
    public bool SecretsAsText { get; init; }

    /// <summary>Sets up every volume not yet ready; returns the FailedMount messages of the ones that are still failing.</summary>
    public async Task<IReadOnlyList<string>> SetUpAsync(V1Pod pod, string podFolder, IDictionary<string, string> ready, CancellationToken ct)
    {
        var failures = new List<string>();
        foreach (var volume in pod.Spec.Volumes ?? [])
        {
            if (ready.ContainsKey(volume.Name)) continue;
            var host = Path.Combine(podFolder, "volumes", volume.Name);
            var error = await SetUpOneAsync(pod, volume, host, ct);
            if (error is null) ready[volume.Name] = host;
            // kubelet: operation_generator reports "MountVolume.SetUp failed for volume %q : %v"
            else failures.Add($"MountVolume.SetUp failed for volume \"{volume.Name}\" : {error}");
        }
        return failures;
    }

    /// <summary>The container's mounts: each volumeMount's host folder (plus subPath), longest container path first.</summary>
    public static IReadOnlyList<ContainerMount> MountsFor(V1Container container, IReadOnlyDictionary<string, string> volumes) =>
        (container.VolumeMounts ?? [])
            .Where(m => volumes.ContainsKey(m.Name))
            .Select(m =>
            {
                // subPath: the kubelet creates a missing subPath as a directory; an existing file is mounted as that file
                var host = string.IsNullOrEmpty(m.SubPath) ? volumes[m.Name] : Path.Combine(volumes[m.Name], m.SubPath);
                if (!File.Exists(host)) Directory.CreateDirectory(host);
                return new ContainerMount(m.MountPath, host, m.ReadOnlyProperty == true, m.Name);
            })
            .OrderByDescending(m => m.ContainerPath.Length)
            .ToList();

    private async Task<string?> SetUpOneAsync(V1Pod pod, V1Volume volume, string host, CancellationToken ct)
    {
        var ns = pod.Metadata.NamespaceProperty;
        var files = new List<(string Path, byte[] Content, int Mode)>();
        string? error = null;

        if (volume.Secret is { } sv)
        {
            var secret = await source.GetSecretAsync(ns, sv.SecretName, ct);
            if (secret is null)
            {
                if (sv.Optional != true) return $"secret \"{sv.SecretName}\" not found";
            }
            else error = Payload(SecretData(secret), sv.Items, sv.DefaultMode, sv.Optional == true, files, "references non-existent secret key: ");
        }
        else if (volume.ConfigMap is { } cv)
        {
            var cm = await source.GetConfigMapAsync(ns, cv.Name, ct);
            if (cm is null)
            {
                if (cv.Optional != true) return $"configmap \"{cv.Name}\" not found";
            }
            else error = Payload(ConfigMapData(cm), cv.Items, cv.DefaultMode, cv.Optional == true, files, "configmap references non-existent config key: ");
        }
        else if (volume.Projected is { } pv)
        {
            var errors = new List<string>();
            foreach (var src in pv.Sources ?? [])
            {
                if (src.Secret is { } ps)
                {
                    var secret = await source.GetSecretAsync(ns, ps.Name, ct);
                    if (secret is null) { if (ps.Optional != true) errors.Add($"secret \"{ps.Name}\" not found"); continue; }
                    if (Payload(SecretData(secret), ps.Items, pv.DefaultMode, ps.Optional == true, files, "references non-existent secret key: ") is { } e) errors.Add(e);
                }
                else if (src.ConfigMap is { } pc)
                {
                    var cm = await source.GetConfigMapAsync(ns, pc.Name, ct);
                    if (cm is null) { if (pc.Optional != true) errors.Add($"configmap \"{pc.Name}\" not found"); continue; }
                    if (Payload(ConfigMapData(cm), pc.Items, pv.DefaultMode, pc.Optional == true, files, "configmap references non-existent config key: ") is { } e) errors.Add(e);
                }
                else if (src.DownwardAPI is { } pd)
                {
                    if (DownwardPayload(pod, pd.Items, pv.DefaultMode, files) is { } e) errors.Add(e);
                }
                else if (src.ServiceAccountToken is { } st)
                {
                    try
                    {
                        var token = await tokens(ns, pod.Spec.ServiceAccountName ?? "default", pod.Metadata.Name, pod.Metadata.Uid,
                            string.IsNullOrEmpty(st.Audience) ? null : st.Audience, st.ExpirationSeconds ?? 3600, ct);
                        files.Add((st.Path, Encoding.UTF8.GetBytes(token), pv.DefaultMode ?? DefaultMode));
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        errors.Add($"failed to fetch token: {ex.Message}");
                    }
                }
            }
            // projected volume: errors of all sources aggregated (utilerrors.NewAggregate)
            if (errors.Count == 1) error = errors[0];
            else if (errors.Count > 1) error = "[" + string.Join(", ", errors) + "]";
        }
        else if (volume.DownwardAPI is { } dv)
        {
            error = DownwardPayload(pod, dv.Items, dv.DefaultMode, files);
        }
        else if (volume.PersistentVolumeClaim is { } pvc)
        {
            // The twin has no storage provisioner: a claim is a folder shared by every pod of the namespace using it.
            host = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(host)!)!)!, "claims", ns, pvc.ClaimName);
        }
        // emptyDir (medium "" or Memory), hostPath and anything else: an empty per-pod folder

        if (error is not null) return error;
        Directory.CreateDirectory(host);
        foreach (var (path, content, mode) in files)
        {
            var full = Path.Combine(host, path);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            await File.WriteAllBytesAsync(full, content, ct);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(full, (UnixFileMode)(mode & 0x1FF));
        }
        return null;
    }

    private IDictionary<string, byte[]>? SecretData(V1Secret secret) =>
        !SecretsAsText || secret.Data is null
            ? secret.Data
            : secret.Data.ToDictionary(kv => kv.Key, kv => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(kv.Value)), StringComparer.Ordinal);

    private static Dictionary<string, byte[]> ConfigMapData(V1ConfigMap cm)
    {
        var data = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (k, v) in cm.Data ?? new Dictionary<string, string>()) data[k] = Encoding.UTF8.GetBytes(v);
        foreach (var (k, v) in cm.BinaryData ?? new Dictionary<string, byte[]>()) data[k] = v;
        return data;
    }

    private static string? Payload(IDictionary<string, byte[]>? data, IList<V1KeyToPath>? items, int? defaultMode, bool optional,
        List<(string, byte[], int)> files, string missingKeyPrefix)
    {
        data ??= new Dictionary<string, byte[]>();
        var mode = defaultMode ?? DefaultMode;
        if (items is null || items.Count == 0)
        {
            foreach (var (k, v) in data) files.Add((k, v, mode));
            return null;
        }
        foreach (var item in items)
        {
            if (!data.TryGetValue(item.Key, out var v))
            {
                if (optional) continue;
                return missingKeyPrefix + item.Key;
            }
            files.Add((item.Path, v, item.Mode ?? mode));
        }
        return null;
    }

    private static string? DownwardPayload(V1Pod pod, IList<V1DownwardAPIVolumeFile>? items, int? defaultMode, List<(string, byte[], int)> files)
    {
        foreach (var item in items ?? [])
        {
            string value;
            if (item.FieldRef is { } f)
            {
                var (v, err) = EnvResolver.FieldValue(pod, f.FieldPath);
                if (err is not null) return err;
                value = v!;
            }
            else value = "0";
            files.Add((item.Path, Encoding.UTF8.GetBytes(value), item.Mode ?? defaultMode ?? DefaultMode));
        }
        return null;
    }
}
