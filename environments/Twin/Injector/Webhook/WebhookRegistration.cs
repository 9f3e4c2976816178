using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Conformance.Twin.Injector.Webhook;

/// <summary>
/// The MutatingWebhookConfiguration vault-helm 0.34.1 renders (templates/injector-mutating-webhook.yaml), with
/// clientConfig.url instead of the in-cluster Service, and the caBundle patched in afterwards the way the injector's
/// auto-TLS does it (reference/vault.md §1.3).
/// </summary>
public static class WebhookRegistration
{
    public static string ConfigName(InjectorOptions o) => $"{o.ReleaseName}-agent-injector-cfg";

    public static string InjectorAppName(InjectorOptions o) => $"{o.ReleaseName}-agent-injector";

    public static V1MutatingWebhookConfiguration Build(InjectorOptions o, Uri mutateUrl) => new()
    {
        ApiVersion = "admissionregistration.k8s.io/v1",
        Kind = "MutatingWebhookConfiguration",
        Metadata = new V1ObjectMeta
        {
            Name = ConfigName(o),
            Labels = new Dictionary<string, string>
            {
                ["app.kubernetes.io/name"] = InjectorAppName(o),
                ["app.kubernetes.io/instance"] = o.ReleaseName,
                ["app.kubernetes.io/managed-by"] = "Helm",
            },
        },
        Webhooks =
        [
            new V1MutatingWebhook
            {
                Name = "vault.hashicorp.com",
                // vault-helm: failurePolicy Ignore unless injector.webhook.failurePolicy says Fail (vault.md §1.3)
                FailurePolicy = o.FailurePolicy,
                MatchPolicy = "Exact",
                SideEffects = "None",
                TimeoutSeconds = o.TimeoutSeconds,
                AdmissionReviewVersions = ["v1", "v1beta1"],
                // vault-helm: caBundle "" at install; the injector patches it (vault.md §1.3 "TLS")
                ClientConfig = new Admissionregistrationv1WebhookClientConfig { Url = mutateUrl.ToString() },
                // vault-k8s: rules match CREATE on pods only (vault.md §1.1)
                Rules =
                [
                    new V1RuleWithOperations
                    {
                        Operations = ["CREATE"], ApiGroups = [""], ApiVersions = ["v1"], Resources = ["pods"], Scope = "Namespaced",
                    },
                ],
                // vault-helm: namespaceSelector {} renders nothing, i.e. every namespace (vault.md §1.3)
                NamespaceSelector = o.NamespaceSelector,
                // vault-helm: the default objectSelector keeps the injector from mutating itself (vault.md §1.3, vault-k8s#258)
                ObjectSelector = o.ObjectSelector ?? new V1LabelSelector
                {
                    MatchExpressions =
                    [
                        new V1LabelSelectorRequirement { Key = "app.kubernetes.io/name", OperatorProperty = "NotIn", Values = [InjectorAppName(o)] },
                    ],
                },
            },
        ],
    };

    /// <summary>Creates (or replaces) the configuration, then patches `/webhooks/0/clientConfig/caBundle`.</summary>
    public static async Task<V1MutatingWebhookConfiguration> RegisterAsync(
        IKubernetes client, InjectorOptions o, Uri mutateUrl, string caPem, CancellationToken ct)
    {
        var desired = Build(o, mutateUrl);
        try
        {
            await client.AdmissionregistrationV1.CreateMutatingWebhookConfigurationAsync(desired, cancellationToken: ct);
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
        {
            var existing = await client.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync(desired.Metadata.Name, cancellationToken: ct);
            desired.Metadata.ResourceVersion = existing.Metadata.ResourceVersion;
            await client.AdmissionregistrationV1.ReplaceMutatingWebhookConfigurationAsync(desired, desired.Metadata.Name, cancellationToken: ct);
        }
        // vault-k8s command.go updateCABundle: JSON patch of webhooks/0/clientConfig/caBundle (vault.md §1.3)
        var caBase64 = Convert.ToBase64String(Encoding.UTF8.GetBytes(caPem));
        var patch = $"[{{\"op\":\"add\",\"path\":\"/webhooks/0/clientConfig/caBundle\",\"value\":\"{caBase64}\"}}]";
        return await client.AdmissionregistrationV1.PatchMutatingWebhookConfigurationAsync(
            new V1Patch(patch, V1Patch.PatchType.JsonPatch), desired.Metadata.Name, cancellationToken: ct);
    }
}
