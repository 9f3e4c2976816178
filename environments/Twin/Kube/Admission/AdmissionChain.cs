using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Api;
using Conformance.Twin.Kube.Controllers;
using Conformance.Twin.Kube.Http;
using Conformance.Twin.Kube.Json;
using Conformance.Twin.Kube.Storage;

namespace Conformance.Twin.Kube.Admission;

/// <summary>
/// kube-apiserver's admission order, reduced to the plugins the twin needs: mutating ServiceAccount (pods),
/// CRD cleanup finalizer, MutatingAdmissionWebhook; then validating CRD checks, PodSecurity, ValidatingAdmissionWebhook.
/// </summary>
public sealed class AdmissionChain(ObjectStore store, KubeApiServerOptions options) : IAdmission
{
    readonly WebhookDispatcher webhooks = new(store, options);

    public async Task<JsonObject?> MutateAsync(AdmissionAttributes a, CancellationToken ct)
    {
        var obj = a.Object;
        if (obj is null) return null;
        if (a.Operation == "CREATE" && a.Subresource.Length == 0 && a.Type.Group == "" && a.Type.Plural == "pods")
            ServiceAccountAdmission(a.Type, obj);
        if (a.Operation == "CREATE" && a.Type.Group == "apiextensions.k8s.io" && a.Type.Plural == "customresourcedefinitions")
        {
            var fin = obj.Meta()["finalizers"] as JsonArray ?? new JsonArray();
            if (!fin.Any(f => f?.ToString() == CrdController.CleanupFinalizer)) fin.Add(CrdController.CleanupFinalizer);
            obj.Meta()["finalizers"] = fin;
        }
        return await webhooks.RunAsync(true, a with { Object = obj }, ct).ConfigureAwait(false);
    }

    public async Task ValidateAsync(AdmissionAttributes a, CancellationToken ct)
    {
        if (a.Object is not null && a.Type.Group == "apiextensions.k8s.io" && a.Type.Plural == "customresourcedefinitions" && a.Subresource.Length == 0)
        {
            var errors = CrdController.Validate(a.Object).ToList();
            if (errors.Count > 0) throw ApiException.Invalid(a.Type, a.Name, errors);
        }
        if (a.Operation == "CREATE" && a.Subresource.Length == 0 && a.Type.Group == "" && a.Type.Plural == "pods" && a.Object is not null
            && !options.HasFault(KubeFaults.SkipsPodSecurity))
        {
            var ns = store.Table("", "namespaces")?.Get("", a.Namespace);
            var level = ns.Str("metadata", "labels", "pod-security.kubernetes.io/enforce") ?? "privileged";
            var violations = PodSecurity.Check(level, a.Object);
            if (violations.Count > 0)
                throw ApiException.Forbidden(a.Type, a.Object.Name(), $"violates PodSecurity \"{level}:latest\": {string.Join(", ", violations)}");
        }
        if (a.Operation != "DELETE" || a.OldObject is not null)
            await webhooks.RunAsync(false, a, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// plugin/pkg/admission/serviceaccount: default serviceAccountName, refuse a missing account, and mount the
    /// projected kube-api-access token volume unless automountServiceAccountToken is false.
    /// </summary>
    void ServiceAccountAdmission(ResourceType pods, JsonObject pod)
    {
        var spec = pod.Ensure("spec");
        var saName = spec.Str("serviceAccountName") ?? spec.Str("serviceAccount") ?? "default";
        if (saName.Length == 0) saName = "default";
        spec["serviceAccountName"] = saName;
        spec["serviceAccount"] = saName;
        var sa = store.Table("", "serviceaccounts")?.Get(pod.Namespace(), saName);
        if (sa is null && !options.HasFault(KubeFaults.AdmitsMissingServiceAccount))
            throw ApiException.Forbidden(pods, pod.Name(), $"error looking up service account {pod.Namespace()}/{saName}: serviceaccount \"{saName}\" not found");
        // (under the fault a missing account reads as automount: the token volume is added and the kubelet cannot fill it)
        var automount = spec.Bool("automountServiceAccountToken") ?? sa?.Bool("automountServiceAccountToken") ?? true;
        if (!automount) return;
        var mountPath = "/var/run/secrets/kubernetes.io/serviceaccount";
        var all = (spec.Arr("initContainers") ?? []).Concat(spec.Arr("containers") ?? []).OfType<JsonObject>().ToList();
        if (all.Any(c => (c.Arr("volumeMounts") ?? []).Any(m => m.Str("mountPath") == mountPath))) return;
        var volName = "kube-api-access-" + Names.Generate("")[..5];
        var volumes = spec.Arr("volumes") ?? new JsonArray();
        volumes.Add(new JsonObject
        {
            ["name"] = volName,
            ["projected"] = new JsonObject
            {
                ["defaultMode"] = 420,
                ["sources"] = new JsonArray(
                    new JsonObject { ["serviceAccountToken"] = new JsonObject { ["expirationSeconds"] = 3607, ["path"] = "token" } },
                    new JsonObject { ["configMap"] = new JsonObject { ["name"] = "kube-root-ca.crt", ["items"] = new JsonArray(new JsonObject { ["key"] = "ca.crt", ["path"] = "ca.crt" }) } },
                    new JsonObject { ["downwardAPI"] = new JsonObject { ["items"] = new JsonArray(new JsonObject { ["path"] = "namespace", ["fieldRef"] = new JsonObject { ["apiVersion"] = "v1", ["fieldPath"] = "metadata.namespace" } }) } }),
            },
        });
        spec["volumes"] = volumes;
        foreach (var c in all)
        {
            var mounts = c.Arr("volumeMounts") ?? new JsonArray();
            mounts.Add(new JsonObject { ["name"] = volName, ["readOnly"] = true, ["mountPath"] = mountPath });
            c["volumeMounts"] = mounts;
        }
    }
}
