using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Api;
using Conformance.Twin.Kube.Http;
using Conformance.Twin.Kube.Json;
using Conformance.Twin.Kube.Storage;

namespace Conformance.Twin.Kube.Controllers;

/// <summary>
/// The garbage collector (pkg/controller/garbagecollector): dependents whose owners are all gone are deleted
/// (background); an owner with the foregroundDeletion finalizer deletes its dependents and is released when none
/// with blockOwnerDeletion remain; the orphan finalizer strips the owner reference from dependents. An ownerReference
/// to an object that does not exist (uid mismatch) counts as gone.
/// </summary>
public sealed class GarbageCollector
{
    readonly ObjectService objects;
    readonly WorkQueue<string> queue = new();

    /// <summary>True under <see cref="KubeFaults.GcIgnoresOwnerReferences"/>: dependents of a deleted owner are never
    /// collected (background deletion); the foreground and orphan finalizers still work.</summary>
    public bool IgnoresOwnerReferences { get; init; }

    public GarbageCollector(ObjectService objects, Action<string>? log, CancellationToken stop)
    {
        this.objects = objects;
        objects.AfterCommit.Add(OnCommit);
        queue.RunAsync(ProcessAsync, log, stop);
    }

    Task OnCommit(ResourceType t, JsonObject? old, JsonObject? now)
    {
        if (now is null && old is not null)
        {
            queue.Add("gone:" + old.Uid());
            foreach (var r in old.Arr("metadata", "ownerReferences") ?? []) queue.Add("owner:" + r.Str("uid"));
        }
        else if (now is not null)
        {
            var fin = now.Arr("metadata", "finalizers") ?? [];
            if (now.Get("metadata", "deletionTimestamp") is not null && fin.Any(f => f?.ToString() is "foregroundDeletion" or "orphan"))
                queue.Add("owner:" + now.Uid());
            if (now.Arr("metadata", "ownerReferences") is { Count: > 0 }) queue.Add($"check:{t.Group}/{t.Plural}/{now.Namespace()}/{now.Name()}");
        }
        return Task.CompletedTask;
    }

    async Task ProcessAsync(string key)
    {
        var kind = key[..key.IndexOf(':')];
        var arg = key[(kind.Length + 1)..];
        switch (kind)
        {
            case "gone": await OwnerGoneAsync(arg).ConfigureAwait(false); break;
            case "owner": await OwnerDeletingAsync(arg).ConfigureAwait(false); break;
            case "check":
            {
                var parts = arg.Split('/');
                var table = objects.Store.Table(parts[0], parts[1]);
                var obj = table?.Get(parts[2], parts[3]);
                if (obj is null) return;
                await CollectIfOrphanedAsync(table!.Type, obj, null).ConfigureAwait(false);
                break;
            }
        }
    }

    IEnumerable<(ResourceType Type, JsonObject Obj)> Dependents(string ownerUid)
    {
        foreach (var table in objects.Store.Tables.ToList())
            foreach (var o in table.List(null).Items)
                if ((o.Arr("metadata", "ownerReferences") ?? []).Any(r => r.Str("uid") == ownerUid))
                    yield return (table.Type, o);
    }

    async Task OwnerGoneAsync(string uid)
    {
        foreach (var (t, dep) in Dependents(uid).ToList()) await CollectIfOrphanedAsync(t, dep, uid).ConfigureAwait(false);
    }

    /// <summary>Deletes a dependent whose owners are all absent; otherwise drops the references to absent owners.</summary>
    async Task CollectIfOrphanedAsync(ResourceType t, JsonObject dep, string? goneUid)
    {
        if (IgnoresOwnerReferences) return;
        var refs = dep.Arr("metadata", "ownerReferences") ?? [];
        var absent = refs.Where(r => r.Str("uid") == goneUid || !OwnerExists(r, dep.Namespace(), t)).Select(r => r.Str("uid")).ToHashSet();
        if (absent.Count == 0) return;
        if (absent.Count == refs.Count)
        {
            if (dep.Get("metadata", "deletionTimestamp") is not null) return;
            try { await objects.DeleteAsync(t, dep.Namespace(), dep.Name(), new DeleteRequest("Background"), RequestContext.System(t.StorageVersion)).ConfigureAwait(false); }
            catch (ApiException e) when (e.Code == 404) { }
            return;
        }
        try
        {
            await objects.MutateAsync(t, dep.Namespace(), dep.Name(), o =>
            {
                var list = o.Arr("metadata", "ownerReferences")!;
                for (var i = list.Count - 1; i >= 0; i--) if (absent.Contains(list[i].Str("uid"))) list.RemoveAt(i);
                return o;
            }, "", RequestContext.System(t.StorageVersion)).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Code == 404) { }
    }

    bool OwnerExists(JsonNode? r, string depNs, ResourceType depType)
    {
        var ownerType = objects.Store.FindKind(r.Str("apiVersion") ?? "", r.Str("kind") ?? "");
        if (ownerType is null) return true; // unknown kinds are left alone (the real GC waits for discovery)
        var owner = objects.Store.TableFor(ownerType).Get(ownerType.Namespaced ? depNs : "", r.Str("name") ?? "");
        return owner is not null && owner.Uid() == r.Str("uid");
    }

    async Task OwnerDeletingAsync(string uid)
    {
        // find the owner by uid
        (ResourceType Type, JsonObject Obj)? found = null;
        foreach (var table in objects.Store.Tables.ToList())
        {
            var o = table.List(null).Items.FirstOrDefault(x => x.Uid() == uid);
            if (o is not null) { found = (table.Type, o); break; }
        }
        if (found is not { } owner || owner.Obj.Get("metadata", "deletionTimestamp") is null) return;
        var finalizers = (owner.Obj.Arr("metadata", "finalizers") ?? []).Select(f => f!.ToString()).ToList();
        var deps = Dependents(uid).ToList();
        if (finalizers.Contains("orphan"))
        {
            foreach (var (t, dep) in deps)
            {
                try
                {
                    await objects.MutateAsync(t, dep.Namespace(), dep.Name(), o =>
                    {
                        var list = o.Arr("metadata", "ownerReferences")!;
                        for (var i = list.Count - 1; i >= 0; i--) if (list[i].Str("uid") == uid) list.RemoveAt(i);
                        if (list.Count == 0) o.Meta().Remove("ownerReferences");
                        return o;
                    }, "", RequestContext.System(t.StorageVersion)).ConfigureAwait(false);
                }
                catch (ApiException e) when (e.Code == 404) { }
            }
            await RemoveFinalizerAsync(owner.Type, owner.Obj, "orphan").ConfigureAwait(false);
            return;
        }
        if (finalizers.Contains("foregroundDeletion"))
        {
            foreach (var (t, dep) in deps)
                if (dep.Get("metadata", "deletionTimestamp") is null)
                {
                    try { await objects.DeleteAsync(t, dep.Namespace(), dep.Name(), new DeleteRequest("Foreground"), RequestContext.System(t.StorageVersion)).ConfigureAwait(false); }
                    catch (ApiException e) when (e.Code == 404) { }
                }
            var blocking = Dependents(uid).Any(d => (d.Obj.Arr("metadata", "ownerReferences") ?? [])
                .Any(r => r.Str("uid") == uid && r.Bool("blockOwnerDeletion") == true));
            if (!blocking) await RemoveFinalizerAsync(owner.Type, owner.Obj, "foregroundDeletion").ConfigureAwait(false);
        }
    }

    async Task RemoveFinalizerAsync(ResourceType t, JsonObject obj, string finalizer)
    {
        try
        {
            await objects.MutateAsync(t, obj.Namespace(), obj.Name(), o =>
            {
                var list = o.Arr("metadata", "finalizers");
                if (list is null) return o;
                for (var i = list.Count - 1; i >= 0; i--) if (list[i]?.ToString() == finalizer) list.RemoveAt(i);
                return o;
            }, "", RequestContext.System(t.StorageVersion)).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Code == 404) { }
    }
}
