using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Json;

namespace Conformance.Twin.Kube.Admission;

/// <summary>
/// Pod Security Admission's enforce mode (k8s.io/pod-security-admission, policy version "latest"): the namespace's
/// pod-security.kubernetes.io/enforce label selects privileged, baseline or restricted, and a violating pod is
/// refused with <c>violates PodSecurity "restricted:latest": check (detail), ...</c>, checks in the library's order.
/// </summary>
public static class PodSecurity
{
    static readonly HashSet<string> BaselineCaps = ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"];
    static readonly HashSet<string> RestrictedVolumeTypes = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

    /// <summary>The violations of <paramref name="level"/> ("baseline"/"restricted"), or none.</summary>
    public static List<string> Check(string level, JsonObject pod)
    {
        var spec = pod.Obj("spec") ?? new JsonObject();
        var containers = (spec.Arr("initContainers") ?? []).Concat(spec.Arr("containers") ?? []).Concat(spec.Arr("ephemeralContainers") ?? [])
            .OfType<JsonObject>().ToList();
        var podSc = spec.Obj("securityContext");
        var v = new List<string>();
        if (level is not ("baseline" or "restricted")) return v;

        // restricted checks (sorted with the baseline ones by check id, as the evaluator lists them)
        var restricted = level == "restricted";
        if (restricted)
        {
            var bad = containers.Where(c => c.Bool("securityContext", "allowPrivilegeEscalation") != false).Select(Name).ToList();
            if (bad.Count > 0) v.Add($"allowPrivilegeEscalation != false ({Containers(bad)} must set securityContext.allowPrivilegeEscalation=false)");
        }
        {
            var bad = containers.Where(c => (c.Arr("securityContext", "capabilities", "add") ?? []).Any(a => !BaselineCaps.Contains(a!.ToString()))).ToList();
            if (bad.Count > 0)
            {
                var caps = bad.SelectMany(c => c.Arr("securityContext", "capabilities", "add")!.Select(a => a!.ToString())).Where(a => !BaselineCaps.Contains(a)).Distinct();
                v.Add($"non-default capabilities ({Containers(bad.Select(Name).ToList())} must not include {string.Join(", ", caps.Select(c => $"\"{c}\""))} in securityContext.capabilities.add)");
            }
        }
        if (restricted)
        {
            var details = new List<string>();
            var noDrop = containers.Where(c => !(c.Arr("securityContext", "capabilities", "drop") ?? []).Any(d => d?.ToString() == "ALL")).Select(Name).ToList();
            if (noDrop.Count > 0) details.Add($"{Containers(noDrop)} must set securityContext.capabilities.drop=[\"ALL\"]");
            var badAdd = containers.Where(c => (c.Arr("securityContext", "capabilities", "add") ?? []).Any(a => a?.ToString() != "NET_BIND_SERVICE")).ToList();
            if (badAdd.Count > 0)
            {
                var caps = badAdd.SelectMany(c => c.Arr("securityContext", "capabilities", "add")!.Select(a => a!.ToString())).Where(a => a != "NET_BIND_SERVICE").Distinct();
                details.Add($"{Containers(badAdd.Select(Name).ToList())} must not include {string.Join(", ", caps.Select(c => $"\"{c}\""))} in securityContext.capabilities.add");
            }
            if (details.Count > 0) v.Add($"unrestricted capabilities ({string.Join("; ", details)})");
        }
        {
            var hostNs = new List<string>();
            if (spec.Bool("hostNetwork") == true) hostNs.Add("hostNetwork=true");
            if (spec.Bool("hostPID") == true) hostNs.Add("hostPID=true");
            if (spec.Bool("hostIPC") == true) hostNs.Add("hostIPC=true");
            if (hostNs.Count > 0) v.Add($"host namespaces ({string.Join(", ", hostNs)})");
            var hostPaths = (spec.Arr("volumes") ?? []).Where(x => x.Obj("hostPath") is not null).Select(x => x.Str("name")!).ToList();
            if (hostPaths.Count > 0) v.Add($"hostPath volumes ({(hostPaths.Count == 1 ? "volume" : "volumes")} {string.Join(", ", hostPaths.Select(h => $"\"{h}\""))})");
            var hostPorts = containers.SelectMany(c => (c.Arr("ports") ?? []).Where(p => p.Long("hostPort") is > 0).Select(p => (Name(c), p.Long("hostPort")!.Value))).ToList();
            if (hostPorts.Count > 0)
                v.Add($"hostPort ({string.Join(", ", hostPorts.GroupBy(h => h.Item1).Select(g => $"container \"{g.Key}\" uses {(g.Count() == 1 ? "hostPort" : "hostPorts")} {string.Join(", ", g.Select(x => x.Item2))}"))})");
            var privileged = containers.Where(c => c.Bool("securityContext", "privileged") == true).Select(Name).ToList();
            if (privileged.Count > 0) v.Add($"privileged ({Containers(privileged)} must not set securityContext.privileged=true)");
        }
        if (restricted)
        {
            var badVols = (spec.Arr("volumes") ?? []).OfType<JsonObject>()
                .Select(x => (Name: x.Str("name")!, Type: x.Select(kv => kv.Key).FirstOrDefault(k => k != "name") ?? ""))
                .Where(x => !RestrictedVolumeTypes.Contains(x.Type)).ToList();
            if (badVols.Count > 0)
                v.Add($"restricted volume types ({string.Join(", ", badVols.Select(b => $"volume \"{b.Name}\" uses restricted volume type \"{b.Type}\""))})");

            // runAsNonRoot: the pod level can satisfy it for every container that does not override it
            var podNonRoot = podSc.Bool("runAsNonRoot");
            var explicitFalse = containers.Where(c => c.Bool("securityContext", "runAsNonRoot") == false).Select(Name).ToList();
            var unset = containers.Where(c => c.Bool("securityContext", "runAsNonRoot") is null).Select(Name).ToList();
            var details = new List<string>();
            if (podNonRoot == false) details.Add("pod must not set securityContext.runAsNonRoot=false");
            if (explicitFalse.Count > 0) details.Add($"{Containers(explicitFalse)} must not set securityContext.runAsNonRoot=false");
            if (podNonRoot is null && unset.Count > 0) details.Add($"pod or {Containers(unset)} must set securityContext.runAsNonRoot=true");
            if (details.Count > 0) v.Add($"runAsNonRoot != true ({string.Join("; ", details)})");

            var rootUsers = containers.Where(c => c.Long("securityContext", "runAsUser") == 0).Select(Name).ToList();
            var userDetails = new List<string>();
            if (podSc.Long("runAsUser") == 0) userDetails.Add("pod must not set runAsUser=0");
            if (rootUsers.Count > 0) userDetails.Add($"{Containers(rootUsers)} must not set runAsUser=0");
            if (userDetails.Count > 0) v.Add($"runAsUser=0 ({string.Join("; ", userDetails)})");

            var podSeccomp = podSc.Str("seccompProfile", "type");
            var seccompDetails = new List<string>();
            if (podSeccomp is not null and not ("RuntimeDefault" or "Localhost")) seccompDetails.Add($"pod must not set securityContext.seccompProfile.type to \"{podSeccomp}\"");
            var badSeccomp = containers.Where(c => c.Str("securityContext", "seccompProfile", "type") is { } t && t is not ("RuntimeDefault" or "Localhost")).ToList();
            if (badSeccomp.Count > 0) seccompDetails.Add($"{Containers(badSeccomp.Select(Name).ToList())} must not set securityContext.seccompProfile.type to \"{badSeccomp[0].Str("securityContext", "seccompProfile", "type")}\"");
            var unsetSeccomp = containers.Where(c => c.Str("securityContext", "seccompProfile", "type") is null).Select(Name).ToList();
            if (podSeccomp is null && unsetSeccomp.Count > 0) seccompDetails.Add($"pod or {Containers(unsetSeccomp)} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"");
            if (seccompDetails.Count > 0) v.Add($"seccompProfile ({string.Join("; ", seccompDetails)})");
        }
        else
        {
            var unconfined = containers.Where(c => c.Str("securityContext", "seccompProfile", "type") == "Unconfined").Select(Name).ToList();
            if (podSc.Str("seccompProfile", "type") == "Unconfined") v.Add("seccompProfile (pod must not set securityContext.seccompProfile.type to \"Unconfined\")");
            else if (unconfined.Count > 0) v.Add($"seccompProfile ({Containers(unconfined)} must not set securityContext.seccompProfile.type to \"Unconfined\")");
        }
        return v;
    }

    static string Name(JsonObject c) => c.Str("name") ?? "";
    static string Containers(IReadOnlyList<string> names) =>
        (names.Count == 1 ? "container " : "containers ") + string.Join(", ", names.Select(n => $"\"{n}\""));
}
