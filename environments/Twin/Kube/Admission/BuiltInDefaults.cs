using System.Text;
using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Http;
using Conformance.Twin.Kube.Json;
using Conformance.Twin.Kube.Schema;
using Conformance.Twin.Kube.Storage;

namespace Conformance.Twin.Kube.Admission;

/// <summary>
/// The defaulting and the few validations of built-in types that clients notice (pkg/apis/core/v1/defaults.go,
/// pkg/registry/*/strategy.go): pod defaults, Secret stringData folding and base64 checks, Service ports,
/// Deployment defaults, Namespace finalizer and phase.
/// </summary>
public static class BuiltInDefaults
{
    public static void OnCreate(ResourceType t, JsonObject obj, ref int clusterIpCounter)
    {
        if (t.IsCustom) return;
        switch (t.Group, t.Plural)
        {
            case ("", "pods"): DefaultPod(obj); break;
            case ("", "secrets"): FoldSecret(t, obj); break;
            case ("", "namespaces"):
                obj.Ensure("spec")["finalizers"] = new JsonArray("kubernetes");
                obj["status"] = new JsonObject { ["phase"] = "Active" };
                // NamespaceDefaultLabelName: kubernetes.io/metadata.name is always set to the name
                obj.Meta().Ensure("labels")["kubernetes.io/metadata.name"] = obj.Name();
                break;
            case ("", "services"):
            {
                var spec = obj.Ensure("spec");
                spec["type"] ??= "ClusterIP";
                spec["sessionAffinity"] ??= "None";
                if (spec.Str("clusterIP") is null && spec.Str("type") != "ExternalName")
                {
                    var n = Interlocked.Increment(ref clusterIpCounter);
                    spec["clusterIP"] = $"10.43.{n / 250}.{n % 250 + 2}";
                    spec["clusterIPs"] = new JsonArray(spec.Str("clusterIP"));
                }
                foreach (var p in spec.Arr("ports") ?? [])
                    if (p is JsonObject po) { po["protocol"] ??= "TCP"; po["targetPort"] ??= po["port"]?.DeepClone(); }
                obj["status"] ??= new JsonObject { ["loadBalancer"] = new JsonObject() };
                break;
            }
            case ("apps", "deployments"):
            {
                var spec = obj.Ensure("spec");
                spec["replicas"] ??= 1;
                spec["revisionHistoryLimit"] ??= 10;
                spec["progressDeadlineSeconds"] ??= 600;
                spec["strategy"] ??= new JsonObject
                {
                    ["type"] = "RollingUpdate",
                    ["rollingUpdate"] = new JsonObject { ["maxUnavailable"] = "25%", ["maxSurge"] = "25%" },
                };
                if (spec.Obj("template", "spec") is { } ps) DefaultPodSpec(ps);
                break;
            }
        }
    }

    public static void OnUpdate(ResourceType t, JsonObject obj)
    {
        if (t.Group == "" && t.Plural == "secrets") FoldSecret(t, obj);
        if (t.Group == "" && t.Plural == "pods" && obj.Obj("spec") is { } spec) DefaultPodSpec(spec);
    }

    static void DefaultPod(JsonObject pod)
    {
        var spec = pod.Ensure("spec");
        DefaultPodSpec(spec);
        // The pod's status starts Pending with its QoS class (pkg/registry/core/pod/strategy.go PrepareForCreate)
        pod["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = QosClass(spec) };
    }

    static void DefaultPodSpec(JsonObject spec)
    {
        spec["restartPolicy"] ??= "Always";
        spec["terminationGracePeriodSeconds"] ??= 30;
        spec["dnsPolicy"] ??= "ClusterFirst";
        spec["securityContext"] ??= new JsonObject();
        spec["schedulerName"] ??= "default-scheduler";
        spec["enableServiceLinks"] ??= true;
        spec["preemptionPolicy"] ??= "PreemptLowerPriority";
        spec["priority"] ??= 0;
        foreach (var list in new[] { "initContainers", "containers" })
            foreach (var c in spec.Arr(list) ?? [])
            {
                if (c is not JsonObject co) continue;
                co["terminationMessagePath"] ??= "/dev/termination-log";
                co["terminationMessagePolicy"] ??= "File";
                co["resources"] ??= new JsonObject();
                if (co["imagePullPolicy"] is null)
                {
                    var image = co.Str("image") ?? "";
                    var lastSegment = image[(image.LastIndexOf('/') + 1)..];
                    co["imagePullPolicy"] = !lastSegment.Contains(':') || image.EndsWith(":latest") ? "Always" : "IfNotPresent";
                }
                foreach (var p in co.Arr("ports") ?? []) if (p is JsonObject po) po["protocol"] ??= "TCP";
            }
        foreach (var v in spec.Arr("volumes") ?? [])
        {
            if (v.Obj("secret") is { } s) s["defaultMode"] ??= 420;
            if (v.Obj("configMap") is { } cm) cm["defaultMode"] ??= 420;
            if (v.Obj("projected") is { } pr) pr["defaultMode"] ??= 420;
        }
        // Tolerations added by the DefaultTolerationSeconds admission plugin
        var tolerations = spec.Arr("tolerations") ?? new JsonArray();
        foreach (var key in new[] { "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable" })
            if (!tolerations.Any(t => t.Str("key") == key))
                tolerations.Add(new JsonObject { ["key"] = key, ["operator"] = "Exists", ["effect"] = "NoExecute", ["tolerationSeconds"] = 300 });
        spec["tolerations"] = tolerations;
    }

    static string QosClass(JsonObject spec)
    {
        var containers = (spec.Arr("containers") ?? []).Concat(spec.Arr("initContainers") ?? []).ToList();
        var any = containers.Any(c => c.Obj("resources", "requests")?.Count > 0 || c.Obj("resources", "limits")?.Count > 0);
        if (!any) return "BestEffort";
        var guaranteed = containers.All(c =>
            c.Obj("resources", "limits") is { } l && l.ContainsKey("cpu") && l.ContainsKey("memory") &&
            (c.Obj("resources", "requests") is not { } r || ((r["cpu"] is null || JsonNode.DeepEquals(r["cpu"], l["cpu"])) && (r["memory"] is null || JsonNode.DeepEquals(r["memory"], l["memory"])))));
        return guaranteed ? "Guaranteed" : "Burstable";
    }

    static void FoldSecret(ResourceType t, JsonObject secret)
    {
        secret["type"] ??= "Opaque";
        // stringData is write-only: merged into data, overriding it (pkg/apis/core/v1/conversion.go)
        if (secret["stringData"] is JsonObject sd)
        {
            var data = secret.Ensure("data");
            foreach (var (k, v) in sd) data[k] = Convert.ToBase64String(Encoding.UTF8.GetBytes(v?.GetValue<string>() ?? ""));
            secret.Remove("stringData");
        }
        var errors = new List<FieldError>();
        foreach (var (k, v) in secret.Obj("data") ?? [])
        {
            if (v is JsonValue jv && jv.TryGetValue<string>(out var s))
            {
                var buf = new byte[s.Length];
                if (!Convert.TryFromBase64String(s, buf, out _))
                    throw ApiException.BadRequest($"Secret in version \"v1\" cannot be handled as a Secret: illegal base64 data at input byte {BadByte(s)}");
            }
            if (!System.Text.RegularExpressions.Regex.IsMatch(k, @"^[-._a-zA-Z0-9]+$"))
                errors.Add(FieldError.Invalid($"data[{k}]", JsonValue.Create(k), "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"));
        }
        if (errors.Count > 0) throw ApiException.Invalid(t, secret.Name(), errors);
    }

    static int BadByte(string s)
    {
        for (var i = 0; i < s.Length; i++)
            if (!(char.IsAsciiLetterOrDigit(s[i]) || s[i] is '+' or '/' or '=')) return i;
        return s.Length;
    }
}
