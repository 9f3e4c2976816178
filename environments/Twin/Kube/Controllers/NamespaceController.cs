using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Api;
using Conformance.Twin.Kube.Http;
using Conformance.Twin.Kube.Json;
using Conformance.Twin.Kube.Storage;

namespace Conformance.Twin.Kube.Controllers;

/// <summary>
/// Namespace deletion as pkg/controller/namespace does it: a deleted namespace is Terminating; everything in it is
/// deleted (finalizers and graceful pod deletion are honoured); when it is empty the "kubernetes" finalizer in
/// spec.finalizers is removed, and the namespace goes away once metadata.finalizers are empty too.
/// </summary>
public sealed class NamespaceController
{
    readonly ObjectService objects;
    readonly WorkQueue<string> queue = new();
    ResourceType Namespaces => objects.Store.Find("", "v1", "namespaces")!;

    public NamespaceController(ObjectService objects, Action<string>? log, CancellationToken stop)
    {
        this.objects = objects;
        objects.AfterCommit.Add(OnCommit);
        queue.RunAsync(ReconcileAsync, log, stop);
    }

    Task OnCommit(ResourceType t, JsonObject? old, JsonObject? now)
    {
        if (t.Group == "" && t.Plural == "namespaces" && now?.Get("metadata", "deletionTimestamp") is not null) queue.Add(now.Name());
        else if (t.Namespaced && now is null && old is not null)
        {
            var ns = objects.Store.Table("", "namespaces")?.Get("", old.Namespace());
            if (ns?.Get("metadata", "deletionTimestamp") is not null) queue.Add(ns.Name());
        }
        return Task.CompletedTask;
    }

    async Task ReconcileAsync(string name)
    {
        var ns = objects.Store.TableFor(Namespaces).Get("", name);
        if (ns?.Get("metadata", "deletionTimestamp") is null) return;
        var remaining = 0;
        foreach (var table in objects.Store.Tables.ToList())
        {
            if (!table.Type.Namespaced || table.Type.Virtual) continue;
            foreach (var o in table.List(name).Items)
            {
                remaining++;
                if (o.Get("metadata", "deletionTimestamp") is not null) continue;
                try { await objects.DeleteAsync(table.Type, name, o.Name(), new DeleteRequest("Background"), RequestContext.System(table.Type.StorageVersion)).ConfigureAwait(false); }
                catch (ApiException e) when (e.Code == 404) { }
            }
        }
        if (remaining > 0) return; // re-queued when the last object goes
        await FinalizeAsync(name, new JsonArray(), RequestContext.System()).ConfigureAwait(false);
    }

    /// <summary>PUT namespaces/{name}/finalize: sets spec.finalizers; removes a deleted namespace when nothing holds it.</summary>
    public async Task<JsonObject> FinalizeAsync(string name, JsonArray? finalizers, RequestContext rc)
    {
        for (var attempt = 0; ; attempt++)
        {
            var ns = objects.Get(Namespaces, "", name);
            var updated = ns.CloneObj();
            updated.Ensure("spec")["finalizers"] = finalizers?.DeepClone() ?? new JsonArray();
            if (finalizers is null or { Count: 0 }) updated.Ensure("spec").Remove("finalizers");
            try
            {
                if (ns.Get("metadata", "deletionTimestamp") is not null && finalizers is null or { Count: 0 } && (ns.Arr("metadata", "finalizers") is null or { Count: 0 }))
                {
                    var gone = await objects.ForceRemoveAsync(Namespaces, "", name).ConfigureAwait(false);
                    return gone ?? updated;
                }
                return await objects.StoreAsync(Namespaces, ns, updated, rc).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.Code == 409 && attempt < 10) { }
        }
    }
}
