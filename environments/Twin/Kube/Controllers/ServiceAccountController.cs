using System.Text;
using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Api;
using Conformance.Twin.Kube.Auth;
using Conformance.Twin.Kube.Http;
using Conformance.Twin.Kube.Json;
using Conformance.Twin.Kube.Storage;

namespace Conformance.Twin.Kube.Controllers;

/// <summary>
/// The service-account controllers of kube-controller-manager: every namespace gets a "default" ServiceAccount
/// (recreated if deleted) and the kube-root-ca.crt ConfigMap (root-ca-cert-publisher); the legacy token controller
/// fills kubernetes.io/service-account-token Secrets with token, ca.crt and namespace, and deletes them when their
/// ServiceAccount is missing or deleted.
/// </summary>
public sealed class ServiceAccountController
{
    readonly ObjectService objects;
    readonly TokenIssuer tokens;
    readonly string caPem;
    readonly WorkQueue<string> queue = new();

    public ServiceAccountController(ObjectService objects, TokenIssuer tokens, string caPem, Action<string>? log, CancellationToken stop)
    {
        this.objects = objects;
        this.tokens = tokens;
        this.caPem = caPem;
        objects.AfterCommit.Add(OnCommitAsync);
        queue.RunAsync(WorkAsync, log, stop);
    }

    ResourceType T(string plural) => objects.Store.Find("", "v1", plural)!;

    async Task OnCommitAsync(ResourceType t, JsonObject? old, JsonObject? now)
    {
        if (t.IsCustom || t.Group != "") return;
        switch (t.Plural)
        {
            case "namespaces" when old is null && now is not null:
                // done inline so a pod created right after its namespace finds the default ServiceAccount
                await EnsureNamespaceContentAsync(now.Name()).ConfigureAwait(false);
                break;
            case "serviceaccounts" when now is null && old is not null:
                if (old.Name() == "default") queue.Add("ns:" + old.Namespace());
                queue.Add("sa-gone:" + old.Namespace() + "/" + old.Name());
                break;
            case "secrets" when now is not null && now.Str("type") == "kubernetes.io/service-account-token" && now.Str("data", "token") is null:
                queue.Add("secret:" + now.Namespace() + "/" + now.Name());
                break;
        }
    }

    public async Task EnsureNamespaceContentAsync(string ns)
    {
        var rc = RequestContext.System();
        try
        {
            if (objects.Table(T("serviceaccounts")).Get(ns, "default") is null)
                await objects.CreateAsync(T("serviceaccounts"), ns, new JsonObject { ["metadata"] = new JsonObject { ["name"] = "default" } }, rc).ConfigureAwait(false);
            if (objects.Table(T("configmaps")).Get(ns, "kube-root-ca.crt") is null)
                await objects.CreateAsync(T("configmaps"), ns, new JsonObject
                {
                    ["metadata"] = new JsonObject { ["name"] = "kube-root-ca.crt", ["annotations"] = new JsonObject { ["kubernetes.io/description"] = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters." } },
                    ["data"] = new JsonObject { ["ca.crt"] = caPem },
                }, rc).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Code is 403 or 404 or 409) { } // terminating or gone namespace, or a race
    }

    async Task WorkAsync(string key)
    {
        var kind = key[..key.IndexOf(':')];
        var arg = key[(kind.Length + 1)..];
        var slash = arg.IndexOf('/');
        switch (kind)
        {
            case "ns":
                await EnsureNamespaceContentAsync(arg).ConfigureAwait(false);
                break;
            case "secret":
                await PopulateAsync(arg[..slash], arg[(slash + 1)..]).ConfigureAwait(false);
                break;
            case "sa-gone":
                foreach (var s in objects.Table(T("secrets")).List(arg[..slash]).Items.Where(s =>
                             s.Str("type") == "kubernetes.io/service-account-token" && s.Str("metadata", "annotations", "kubernetes.io/service-account.name") == arg[(slash + 1)..]))
                {
                    try { await objects.DeleteAsync(T("secrets"), s.Namespace(), s.Name(), new DeleteRequest(), RequestContext.System()).ConfigureAwait(false); }
                    catch (ApiException e) when (e.Code == 404) { }
                }
                break;
        }
    }

    async Task PopulateAsync(string ns, string name)
    {
        var secrets = T("secrets");
        var secret = objects.Table(secrets).Get(ns, name);
        if (secret is null || secret.Str("data", "token") is not null) return;
        var saName = secret.Str("metadata", "annotations", "kubernetes.io/service-account.name") ?? "";
        var sa = objects.Table(T("serviceaccounts")).Get(ns, saName);
        var wantUid = secret.Str("metadata", "annotations", "kubernetes.io/service-account.uid");
        if (sa is null || (wantUid is { Length: > 0 } && wantUid != sa.Uid()))
        {
            // tokens_controller: a token Secret for a missing ServiceAccount is deleted
            try { await objects.DeleteAsync(secrets, ns, name, new DeleteRequest(), RequestContext.System()).ConfigureAwait(false); }
            catch (ApiException e) when (e.Code == 404) { }
            return;
        }
        var token = await tokens.IssueLegacyAsync(sa, name).ConfigureAwait(false);
        try
        {
            await objects.MutateAsync(secrets, ns, name, s =>
            {
                s.Meta().Ensure("annotations")["kubernetes.io/service-account.uid"] = sa.Uid();
                var data = s.Ensure("data");
                data["token"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(token));
                data["ca.crt"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(caPem));
                data["namespace"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(ns));
                return s;
            }, "", RequestContext.System()).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Code == 404) { }
    }
}
