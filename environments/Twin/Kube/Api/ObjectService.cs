using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Admission;
using Conformance.Twin.Kube.Http;
using Conformance.Twin.Kube.Json;
using Conformance.Twin.Kube.Patch;
using Conformance.Twin.Kube.Schema;
using Conformance.Twin.Kube.Storage;

namespace Conformance.Twin.Kube.Api;

/// <summary>
/// The generic registry (k8s.io/apiserver/pkg/registry/generic/registry/store.go): create, update, delete with
/// the object-meta semantics every resource shares (uid, creationTimestamp, resourceVersion preconditions,
/// generation, finalizers and deletionTimestamp, namespaces that must exist and not be terminating), the
/// schema of custom resources, built-in defaults and the admission chain.
/// </summary>
public sealed class ObjectService(ObjectStore store, TimeProvider time, IAdmission admission)
{
    int clusterIps;
    public ObjectStore Store => store;

    /// <summary>False under <see cref="KubeFaults.SkipsCrdValidation"/>: schema errors of custom resources are admitted.</summary>
    public bool EnforcesSchemaValidation { get; init; } = true;
    public TimeProvider Time => time;

    /// <summary>Run in order after a committed create/update/removal (not for dry runs): the built-in controllers' triggers.</summary>
    public List<Func<ResourceType, JsonObject?, JsonObject?, Task>> AfterCommit { get; } = [];

    async Task RaiseAsync(ResourceType t, JsonObject? old, JsonObject? now)
    {
        Func<ResourceType, JsonObject?, JsonObject?, Task>[] hooks;
        lock (AfterCommit) hooks = AfterCommit.ToArray();
        foreach (var h in hooks) await h(t, old, now).ConfigureAwait(false);
    }

    static readonly HashSet<string> GenerationGroups = ["apps", "batch", "apiextensions.k8s.io", "admissionregistration.k8s.io", "networking.k8s.io", "policy"];

    public static bool TracksGeneration(ResourceType t) => t.IsCustom || GenerationGroups.Contains(t.Group);

    public ResourceTable Table(ResourceType t) => store.TableFor(t);

    public JsonObject Get(ResourceType t, string ns, string name) =>
        Table(t).Get(t.Namespaced ? ns : "", name) ?? throw ApiException.NotFound(t, name);

    // ------------------------------------------------------------------------------------------------ create

    public async Task<JsonObject> CreateAsync(ResourceType t, string ns, JsonObject obj, RequestContext rc, CancellationToken ct = default)
    {
        PrepareIdentity(t, ns, obj, rc.Version);
        var meta = obj.Meta();
        if (string.IsNullOrEmpty(obj.Name()))
        {
            if (meta.Str("generateName") is { Length: > 0 } gen) meta["name"] = Names.Generate(gen);
            else throw ApiException.Invalid(t, "", [FieldError.Required("metadata.name", "name or generateName is required")]);
        }
        var nameErrors = Names.Validate(t.Plural, obj.Name(), t.IsCustom).ToList();
        if (nameErrors.Count > 0) throw ApiException.Invalid(t, obj.Name(), nameErrors);
        if (t.Namespaced) CheckNamespaceAcceptsContent(t, obj);

        foreach (var f in new[] { "uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation", "selfLink" })
            meta.Remove(f);
        if (t.HasStatus && (t.IsCustom || t.Group is "apps" or "batch" or "apiextensions.k8s.io")) obj.Remove("status");

        BuiltInDefaults.OnCreate(t, obj, ref clusterIps);
        ApplySchema(t, obj, rc);

        obj = await admission.MutateAsync(new AdmissionAttributes("CREATE", t, rc.Version, "", obj.Namespace(), obj.Name(), obj, null, rc), ct).ConfigureAwait(false) ?? obj;
        ApplySchema(t, obj, rc);
        await admission.ValidateAsync(new AdmissionAttributes("CREATE", t, rc.Version, "", obj.Namespace(), obj.Name(), obj, null, rc), ct).ConfigureAwait(false);

        meta = obj.Meta();
        meta["uid"] = Guid.NewGuid().ToString();
        meta["creationTimestamp"] = JsonUtil.Rfc3339(time.GetUtcNow());
        if (TracksGeneration(t)) meta["generation"] = 1;
        if (!rc.IsApply) ManagedFields.RecordUpdate(obj, null, rc.Manager, "Update", obj.Str("apiVersion")!, time.GetUtcNow());
        if (rc.DryRun) return obj;
        var created = Table(t).Create(obj);
        await RaiseAsync(t, null, created).ConfigureAwait(false);
        return created;
    }

    void PrepareIdentity(ResourceType t, string ns, JsonObject obj, string version)
    {
        var apiVersion = t.ApiVersion(version);
        if (obj.Str("apiVersion") is { Length: > 0 } av && av != apiVersion && !(t.Kind is "Binding" or "Eviction"))
            throw ApiException.BadRequest($"the API version in the data ({av}) does not match the expected API version ({apiVersion})");
        if (obj.Str("kind") is { Length: > 0 } k && k != t.Kind)
            throw ApiException.BadRequest($"the kind in the data ({k}) does not match the expected kind ({t.Kind})");
        obj["apiVersion"] = apiVersion;
        obj["kind"] = t.Kind;
        // keep apiVersion and kind first, as the real server serialises them
        var meta = obj.Meta();
        if (t.Namespaced)
        {
            var bodyNs = meta.Str("namespace");
            if (!string.IsNullOrEmpty(bodyNs) && bodyNs != ns)
                throw ApiException.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            meta["namespace"] = ns;
        }
        else meta.Remove("namespace");
    }

    void CheckNamespaceAcceptsContent(ResourceType t, JsonObject obj)
    {
        var ns = obj.Namespace();
        var nsObj = store.Table("", "namespaces")?.Get("", ns);
        if (nsObj is null) throw ApiException.NotFound("", "namespaces", ns);
        // NamespaceLifecycle admission: no new content in a terminating namespace
        if (nsObj.Get("metadata", "deletionTimestamp") is not null)
            throw ApiException.Forbidden(t, obj.Name(), $"unable to create new content in namespace {ns} because it is being terminated");
    }

    void ApplySchema(ResourceType t, JsonObject obj, RequestContext rc)
    {
        if (!t.IsCustom) return;
        var version = obj.Str("apiVersion") is { } av && av.Contains('/') ? av[(av.IndexOf('/') + 1)..] : rc.Version;
        if (!t.Schemas.TryGetValue(version, out var schema)) return;
        var outcome = schema.Process(obj);
        if (outcome.PrunedFields.Count > 0 && string.Equals(rc.FieldValidation, "Strict", StringComparison.OrdinalIgnoreCase))
        {
            // Strict field validation reports what pruning would drop (apiserver fieldmanager strict decoding)
            var list = string.Join(", ", outcome.PrunedFields.Select(f => $"unknown field \"{f}\""));
            throw ApiException.BadRequest($"{t.Kind} in version \"{version}\" cannot be handled as a {t.Kind}: strict decoding error: {list}");
        }
        if (!outcome.IsValid && EnforcesSchemaValidation) throw ApiException.Invalid(t, obj.Name(), outcome.Errors);
    }

    // ------------------------------------------------------------------------------------------------ update

    /// <summary>PUT of the object or of its status subresource.</summary>
    public async Task<JsonObject> UpdateAsync(ResourceType t, string ns, string name, JsonObject obj, string subresource, RequestContext rc, CancellationToken ct = default)
    {
        ns = t.Namespaced ? ns : "";
        var old = Table(t).Get(ns, name) ?? throw ApiException.NotFound(t, name);
        if (obj.Name() is { Length: > 0 } bodyName && bodyName != name)
            throw ApiException.BadRequest($"the name of the object ({bodyName}) does not match the name on the URL ({name})");
        obj.Meta()["name"] = name;
        PrepareIdentity(t, ns, obj, rc.Version);
        var expectedRv = obj.Str("metadata", "resourceVersion");
        var updated = Merge(t, old, obj, subresource);
        if (subresource.Length == 0)
        {
            BuiltInDefaults.OnUpdate(t, updated);
            ApplySchema(t, updated, rc);
        }
        else if (subresource == "status" && t.IsCustom) ApplySchema(t, updated, rc);

        updated = await admission.MutateAsync(new AdmissionAttributes("UPDATE", t, rc.Version, subresource, ns, name, updated, old, rc), ct).ConfigureAwait(false) ?? updated;
        await admission.ValidateAsync(new AdmissionAttributes("UPDATE", t, rc.Version, subresource, ns, name, updated, old, rc), ct).ConfigureAwait(false);
        return await CommitAsync(t, old, updated, expectedRv, rc).ConfigureAwait(false);
    }

    /// <summary>Keeps what a client may not change, and splits spec from status per the subresource.</summary>
    static JsonObject Merge(ResourceType t, JsonObject old, JsonObject obj, string subresource)
    {
        JsonObject updated;
        if (subresource == "status")
        {
            // status strategy: only status changes (registry *StatusStrategy PrepareForUpdate)
            updated = old.CloneObj();
            if (obj["status"] is { } st) updated["status"] = st.DeepClone(); else updated.Remove("status");
            if (obj.Str("metadata", "resourceVersion") is { } rv) updated.Meta()["resourceVersion"] = rv;
            return updated;
        }
        updated = obj.CloneObj();
        // status is ignored on the main resource when a status subresource exists
        if (t.HasStatus && !(t.Group == "" && t.Plural == "namespaces"))
        {
            if (old["status"] is { } os) updated["status"] = os.DeepClone(); else updated.Remove("status");
        }
        if (t.Group == "" && t.Plural == "namespaces") updated["status"] = old["status"]?.DeepClone();
        var m = updated.Meta();
        var om = old.Obj("metadata")!;
        foreach (var f in new[] { "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation" })
        {
            if (om[f] is { } v) m[f] = v.DeepClone(); else m.Remove(f);
        }
        return updated;
    }

    /// <summary>Stores an update after the generic checks; completes a deletion whose last finalizer went away.</summary>
    internal async Task<JsonObject> CommitAsync(ResourceType t, JsonObject old, JsonObject updated, string? expectedRv, RequestContext rc)
    {
        var m = updated.Meta();
        var deleting = old.Get("metadata", "deletionTimestamp") is not null;
        if (deleting)
        {
            var oldFin = (old.Arr("metadata", "finalizers") ?? []).Select(f => f?.ToString()).ToHashSet();
            var added = (updated.Arr("metadata", "finalizers") ?? []).Select(f => f?.ToString()).Where(f => !oldFin.Contains(f)).ToList();
            if (added.Count > 0)
                throw ApiException.Invalid(t, updated.Name(), [FieldError.Forbidden("metadata.finalizers", $"no new finalizers can be added if the object is being deleted, found new finalizers []string{{{string.Join(", ", added.Select(a => $"\"{a}\""))}}}")]);
        }
        if (TracksGeneration(t) && SpecChanged(old, updated))
            m["generation"] = (old.Long("metadata", "generation") ?? 0) + 1;
        if (!rc.IsApply) ManagedFields.RecordUpdate(updated, old, rc.Manager, "Update", updated.Str("apiVersion")!, time.GetUtcNow());
        if (JsonNode.DeepEquals(Comparable(old), Comparable(updated)) && (string.IsNullOrEmpty(expectedRv) || expectedRv == old.Str("metadata", "resourceVersion")))
            return old; // a no-op update does not bump the resourceVersion
        if (rc.DryRun) return updated;
        if (deleting && (updated.Arr("metadata", "finalizers") is null or { Count: 0 }))
        {
            Table(t).Update(updated, expectedRv);
            var gone = Table(t).Remove(updated.Namespace(), updated.Name()) ?? updated;
            await RaiseAsync(t, old, null).ConfigureAwait(false);
            return gone;
        }
        var stored = Table(t).Update(updated, expectedRv);
        await RaiseAsync(t, old, stored).ConfigureAwait(false);
        return stored;
    }

    static JsonObject Comparable(JsonObject o)
    {
        var c = o.CloneObj();
        c.Meta().Remove("resourceVersion");
        c.Meta().Remove("managedFields");
        return c;
    }

    static bool SpecChanged(JsonObject a, JsonObject b)
    {
        var x = a.CloneObj(); var y = b.CloneObj();
        x.Remove("metadata"); y.Remove("metadata"); x.Remove("status"); y.Remove("status");
        return !JsonNode.DeepEquals(x, y);
    }

    /// <summary>Read-modify-write with retries on conflict, as GuaranteedUpdate does for patches and controllers.</summary>
    public async Task<JsonObject> MutateAsync(ResourceType t, string ns, string name, Func<JsonObject, JsonObject> change, string subresource, RequestContext rc, CancellationToken ct = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            var current = Get(t, ns, name);
            var next = change(current.CloneObj());
            next.Meta()["resourceVersion"] = current.Str("metadata", "resourceVersion");
            try
            {
                return await UpdateAsync(t, ns, name, next, subresource, rc, ct).ConfigureAwait(false);
            }
            catch (ApiException e) when (e.Code == 409 && e.Reason == "Conflict" && attempt < 20) { }
        }
    }

    // ------------------------------------------------------------------------------------------------ delete

    /// <summary>Deletes: immediately without finalizers, else sets deletionTimestamp (graceful deletion); returns the object and whether it is gone.</summary>
    public async Task<(JsonObject Object, bool Removed)> DeleteAsync(ResourceType t, string ns, string name, DeleteRequest opts, RequestContext rc, CancellationToken ct = default)
    {
        ns = t.Namespaced ? ns : "";
        for (var attempt = 0; ; attempt++)
        {
            var old = Table(t).Get(ns, name) ?? throw ApiException.NotFound(t, name);
            if (opts.PreconditionUid is { Length: > 0 } pu && pu != old.Uid())
                throw ApiException.Conflict(t, name, $"Precondition failed: UID in precondition: {pu}, UID in object meta: {old.Uid()}");
            if (opts.PreconditionResourceVersion is { Length: > 0 } prv && prv != old.Str("metadata", "resourceVersion"))
                throw ApiException.Conflict(t, name, $"Precondition failed: ResourceVersion in precondition: {prv}, ResourceVersion in meta: {old.Str("metadata", "resourceVersion")}");
            await admission.ValidateAsync(new AdmissionAttributes("DELETE", t, rc.Version, "", ns, name, null, old, rc), ct).ConfigureAwait(false);

            var updated = old.CloneObj();
            var m = updated.Meta();
            var finalizers = (m.Arr("finalizers") ?? []).Select(f => f!.GetValue<string>()).ToList();
            switch (opts.PropagationPolicy)
            {
                case "Orphan" when !finalizers.Contains("orphan"): finalizers.Add("orphan"); break;
                case "Foreground" when !finalizers.Contains("foregroundDeletion") && HasDependents(old): finalizers.Add("foregroundDeletion"); break;
            }
            var graceful = t.Group == "" && t.Plural == "pods" && GracePeriod(old, opts) > 0 && old.Str("spec", "nodeName") is { Length: > 0 };
            var nsTerminating = t.Group == "" && t.Plural == "namespaces";
            if (finalizers.Count == 0 && !graceful && !nsTerminating)
            {
                if (rc.DryRun) return (old, true);
                var gone = Table(t).Remove(ns, name, old.Uid());
                if (gone is null) { if (attempt < 5) continue; throw ApiException.NotFound(t, name); }
                await RaiseAsync(t, old, null).ConfigureAwait(false);
                return (gone, true);
            }
            if (m["deletionTimestamp"] is null)
            {
                var grace = graceful ? GracePeriod(old, opts) : 0;
                m["deletionTimestamp"] = JsonUtil.Rfc3339(time.GetUtcNow().AddSeconds(grace));
                m["deletionGracePeriodSeconds"] = grace;
                if (TracksGeneration(t)) m["generation"] = (old.Long("metadata", "generation") ?? 0) + 1;
            }
            else if (graceful && opts.GracePeriodSeconds is { } shorter && shorter < (old.Long("metadata", "deletionGracePeriodSeconds") ?? long.MaxValue))
            {
                m["deletionTimestamp"] = JsonUtil.Rfc3339(time.GetUtcNow().AddSeconds(shorter));
                m["deletionGracePeriodSeconds"] = shorter;
            }
            if (nsTerminating) updated.Ensure("status")["phase"] = "Terminating";
            m["finalizers"] = finalizers.Count > 0 ? new JsonArray(finalizers.Select(f => (JsonNode)f).ToArray()) : null;
            if (finalizers.Count == 0) m.Remove("finalizers");
            if (rc.DryRun) return (updated, false);
            try
            {
                var stored = Table(t).Update(updated, old.Str("metadata", "resourceVersion"));
                await RaiseAsync(t, old, stored).ConfigureAwait(false);
                return (stored, false);
            }
            catch (ApiException e) when (e.Code == 409 && attempt < 20) { }
        }
    }

    static long GracePeriod(JsonObject pod, DeleteRequest opts) =>
        opts.GracePeriodSeconds ?? pod.Long("spec", "terminationGracePeriodSeconds") ?? 30;

    bool HasDependents(JsonObject owner)
    {
        var uid = owner.Uid();
        foreach (var table in store.Tables)
            foreach (var o in table.List(null).Items)
                if ((o.Arr("metadata", "ownerReferences") ?? []).Any(r => r.Str("uid") == uid)) return true;
        return false;
    }

    /// <summary>Removes an object now, bypassing finalizers (used by the pod's final deletion with grace 0 and controllers).</summary>
    public async Task<JsonObject?> ForceRemoveAsync(ResourceType t, string ns, string name)
    {
        var old = Table(t).Get(t.Namespaced ? ns : "", name);
        if (old is null) return null;
        var gone = Table(t).Remove(old.Namespace(), name, old.Uid());
        if (gone is not null) await RaiseAsync(t, old, null).ConfigureAwait(false);
        return gone;
    }

    /// <summary>Stores a changed object directly (controllers' writes that bypass admission, e.g. pod binding).</summary>
    public Task<JsonObject> StoreAsync(ResourceType t, JsonObject old, JsonObject updated, RequestContext rc) =>
        CommitAsync(t, old, updated, old.Str("metadata", "resourceVersion"), rc);
}
