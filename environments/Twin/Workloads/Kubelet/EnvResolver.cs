using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using k8s.Models;

namespace Conformance.Twin.Workloads.Kubelet;

/// <summary>The outcome of resolving a container's env: the variables, or the kubelet's error text (CreateContainerConfigError).</summary>
public sealed record EnvResolution(IReadOnlyDictionary<string, string> Env, string? Error, IReadOnlyList<KubeletEvent> Events)
{
    public bool Ok => Error is null;
}

/// <summary>
/// Resolves a container's environment the way the kubelet's makeEnvironmentVariables does (kubelet_pods.go):
/// envFrom first, in order (a later source overwrites an earlier one, with prefix, invalid names skipped with an
/// InvalidEnvironmentVariableNames event); then env in declaration order, overriding envFrom, with $(VAR) expansion
/// of literal values, valueFrom secretKeyRef/configMapKeyRef/fieldRef/resourceFieldRef; `optional` skips missing
/// objects and keys. Error texts are the kubelet's: `secret "X" not found`, `couldn't find key K in Secret ns/X`.
/// </summary>
public static partial class EnvResolver
{
    public static async Task<EnvResolution> ResolveAsync(
        V1Pod pod, V1Container container, IKubeObjectSource source, IReadOnlyDictionary<string, string>? serviceEnv,
        CancellationToken ct, bool ignoreMissingSecrets = false)
    {
        var ns = pod.Metadata.NamespaceProperty ?? "default";
        var tmp = new Dictionary<string, string>(StringComparer.Ordinal);
        var events = new List<KubeletEvent>();
        var secrets = new Dictionary<string, V1Secret>(StringComparer.Ordinal);
        var configMaps = new Dictionary<string, V1ConfigMap>(StringComparer.Ordinal);
        serviceEnv ??= new Dictionary<string, string>();

        async Task<V1Secret?> Secret(string name)
        {
            if (secrets.TryGetValue(name, out var s)) return s;
            s = await source.GetSecretAsync(ns, name, ct);
            if (s is not null) secrets[name] = s;
            return s;
        }
        async Task<V1ConfigMap?> ConfigMap(string name)
        {
            if (configMaps.TryGetValue(name, out var c)) return c;
            c = await source.GetConfigMapAsync(ns, name, ct);
            if (c is not null) configMaps[name] = c;
            return c;
        }
        EnvResolution Fail(string error) => new(tmp, error, events);

        // kubelet: process envFrom first, then let env replace existing values
        foreach (var from in container.EnvFrom ?? [])
        {
            if (from.ConfigMapRef is { } cmRef)
            {
                var cm = await ConfigMap(cmRef.Name);
                if (cm is null)
                {
                    if (cmRef.Optional == true) continue;
                    return Fail($"configmap \"{cmRef.Name}\" not found");
                }
                var invalid = new List<string>();
                foreach (var (key, value) in cm.Data ?? new Dictionary<string, string>())
                {
                    var k = (from.Prefix ?? "") + key;
                    if (!IsEnvVarName(k)) { invalid.Add(k); continue; }
                    tmp[k] = value;
                }
                if (invalid.Count > 0)
                    events.Add(KubeletEvent.Warning("InvalidEnvironmentVariableNames",
                        $"Keys [{string.Join(", ", invalid.Order(StringComparer.Ordinal))}] from the EnvFrom configMap {ns}/{cmRef.Name} were skipped since they are considered invalid environment variable names."));
            }
            else if (from.SecretRef is { } sRef)
            {
                var secret = await Secret(sRef.Name);
                if (secret is null)
                {
                    if (sRef.Optional == true || ignoreMissingSecrets) continue; // (fault kubelet-ignores-missing-secret)
                    return Fail($"secret \"{sRef.Name}\" not found");
                }
                var invalid = new List<string>();
                foreach (var (key, value) in secret.Data ?? new Dictionary<string, byte[]>())
                {
                    var k = (from.Prefix ?? "") + key;
                    if (!IsEnvVarName(k)) { invalid.Add(k); continue; }
                    tmp[k] = Encoding.UTF8.GetString(value);
                }
                if (invalid.Count > 0)
                    events.Add(KubeletEvent.Warning("InvalidEnvironmentVariableNames",
                        $"Keys [{string.Join(", ", invalid.Order(StringComparer.Ordinal))}] from the EnvFrom secret {ns}/{sRef.Name} were skipped since they are considered invalid environment variable names."));
            }
        }

        foreach (var env in container.Env ?? [])
        {
            string value;
            if (!string.IsNullOrEmpty(env.Value))
            {
                value = Expand(env.Value, tmp, serviceEnv); // kubelet: $(VAR) refers to earlier vars and service env
            }
            else if (env.ValueFrom is { } from)
            {
                if (from.FieldRef is { } fieldRef)
                {
                    var (v, err) = FieldValue(pod, fieldRef.FieldPath);
                    if (err is not null) return Fail(err);
                    value = v!;
                }
                else if (from.ResourceFieldRef is { } resRef)
                {
                    value = ResourceValue(container, resRef);
                }
                else if (from.ConfigMapKeyRef is { } cmKey)
                {
                    var cm = await ConfigMap(cmKey.Name);
                    if (cm is null)
                    {
                        if (cmKey.Optional == true) continue;
                        return Fail($"configmap \"{cmKey.Name}\" not found");
                    }
                    if (cm.Data is null || !cm.Data.TryGetValue(cmKey.Key, out var v))
                    {
                        if (cmKey.Optional == true) continue;
                        return Fail($"couldn't find key {cmKey.Key} in ConfigMap {ns}/{cmKey.Name}");
                    }
                    value = v;
                }
                else if (from.SecretKeyRef is { } sKey)
                {
                    var secret = await Secret(sKey.Name);
                    if (secret is null)
                    {
                        if (sKey.Optional == true) continue;
                        if (ignoreMissingSecrets) { tmp[env.Name] = ""; continue; } // fault kubelet-ignores-missing-secret: empty
                        return Fail($"secret \"{sKey.Name}\" not found");
                    }
                    if (secret.Data is null || !secret.Data.TryGetValue(sKey.Key, out var bytes))
                    {
                        if (sKey.Optional == true) continue;
                        return Fail($"couldn't find key {sKey.Key} in Secret {ns}/{sKey.Name}");
                    }
                    value = Encoding.UTF8.GetString(bytes);
                }
                else value = "";
            }
            else value = "";
            tmp[env.Name] = value;
        }

        // kubelet: service env vars come last and never override declared ones
        foreach (var (k, v) in serviceEnv) tmp.TryAdd(k, v);
        return new EnvResolution(tmp, null, events);
    }

    /// <summary>The kubelet's downward-API field values (podFieldSelectorRuntimeValue + fieldpath.ExtractFieldPathAsString).</summary>
    public static (string? Value, string? Error) FieldValue(V1Pod pod, string fieldPath)
    {
        var m = pod.Metadata;
        switch (fieldPath)
        {
            case "metadata.name": return (m.Name, null);
            case "metadata.namespace": return (m.NamespaceProperty, null);
            case "metadata.uid": return (m.Uid, null);
            case "metadata.labels": return (FormatMap(m.Labels), null);
            case "metadata.annotations": return (FormatMap(m.Annotations), null);
            case "spec.nodeName": return (pod.Spec.NodeName ?? "", null);
            case "spec.serviceAccountName": return (pod.Spec.ServiceAccountName ?? "", null);
            case "status.hostIP": return (pod.Status?.HostIP ?? "", null);
            case "status.hostIPs": return (string.Join(",", pod.Status?.HostIPs?.Select(i => i.Ip) ?? []), null);
            case "status.podIP": return (pod.Status?.PodIP ?? "", null);
            case "status.podIPs": return (string.Join(",", pod.Status?.PodIPs?.Select(i => i.Ip) ?? []), null);
        }
        var sub = Subscript().Match(fieldPath);
        if (sub.Success)
        {
            var map = sub.Groups[1].Value == "labels" ? m.Labels : m.Annotations;
            return (map is not null && map.TryGetValue(sub.Groups[2].Value, out var v) ? v : "", null);
        }
        return (null, $"unsupported fieldPath: {fieldPath}");
    }

    private static string ResourceValue(V1Container container, V1ResourceFieldSelector sel)
    {
        // Only what a twin can know: declared limits/requests, else the node's "allocatable" is unknown -> "0".
        var parts = sel.Resource.Split('.', 2);
        var list = parts[0] == "limits" ? container.Resources?.Limits : container.Resources?.Requests;
        if (list is not null && parts.Length == 2 && list.TryGetValue(parts[1], out var q)) return q.ToString();
        return "0";
    }

    private static string FormatMap(IDictionary<string, string>? map) =>
        map is null ? "" : string.Join("\n", map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}=\"{kv.Value.Replace("\"", "\\\"", StringComparison.Ordinal)}\""));

    /// <summary>validation.IsEnvVarName: `[-._a-zA-Z][-._a-zA-Z0-9]*`, and not `.`/`..` or a `./`, `../` prefix.</summary>
    public static bool IsEnvVarName(string name) =>
        EnvVarName().IsMatch(name) && name is not ("." or "..") && !name.StartsWith("./", StringComparison.Ordinal) && !name.StartsWith("../", StringComparison.Ordinal);

    /// <summary>expansion.Expand: `$(VAR)` from the map (left verbatim when unknown), `$$` escapes a `$`.</summary>
    public static string Expand(string input, IReadOnlyDictionary<string, string> first, IReadOnlyDictionary<string, string> second)
    {
        var sb = new StringBuilder(input.Length);
        for (var i = 0; i < input.Length; i++)
        {
            if (input[i] != '$' || i + 1 >= input.Length) { sb.Append(input[i]); continue; }
            var next = input[i + 1];
            if (next == '$') { sb.Append('$'); i++; continue; }
            if (next == '(')
            {
                var close = input.IndexOf(')', i + 2);
                if (close > 0)
                {
                    var name = input[(i + 2)..close];
                    if (first.TryGetValue(name, out var v) || second.TryGetValue(name, out v)) sb.Append(v);
                    else sb.Append(CultureInfo.InvariantCulture, $"$({name})");
                    i = close;
                    continue;
                }
            }
            sb.Append('$');
        }
        return sb.ToString();
    }

    [GeneratedRegex("^[-._a-zA-Z][-._a-zA-Z0-9]*$")]
    private static partial Regex EnvVarName();

    [GeneratedRegex(@"^metadata\.(labels|annotations)\['(.+)'\]$")]
    private static partial Regex Subscript();
}
