using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Api;
using Conformance.Twin.Kube.Http;
using Conformance.Twin.Kube.Json;
using Conformance.Twin.Kube.Schema;
using Conformance.Twin.Kube.Storage;

namespace Conformance.Twin.Kube.Controllers;

/// <summary>
/// CustomResourceDefinitions (apiextensions-apiserver): validation of names, registration of the served resource
/// with its schemas, status (acceptedNames, storedVersions, NamesAccepted and Established conditions), and on
/// deletion the customresourcecleanup finalizer that deletes every custom resource before the CRD goes.
/// </summary>
public sealed class CrdController
{
    public const string CleanupFinalizer = "customresourcecleanup.apiextensions.k8s.io";
    readonly ObjectService objects;
    readonly WorkQueue<string> cleanup = new();

    public CrdController(ObjectService objects, Action<string>? log, CancellationToken stop)
    {
        this.objects = objects;
        objects.AfterCommit.Add(OnCommitAsync);
        cleanup.RunAsync(CleanupAsync, log, stop);
    }

    ResourceType Crds => objects.Store.Find("apiextensions.k8s.io", "v1", "customresourcedefinitions")!;

    /// <summary>Validation run at admission: the errors the real server reports for the commonest mistakes.</summary>
    public static IEnumerable<FieldError> Validate(JsonObject crd)
    {
        var group = crd.Str("spec", "group") ?? "";
        var plural = crd.Str("spec", "names", "plural") ?? "";
        if (group.Length == 0) yield return FieldError.Required("spec.group");
        if (plural.Length == 0) yield return FieldError.Required("spec.names.plural");
        if (crd.Str("spec", "names", "kind") is null or "") yield return FieldError.Required("spec.names.kind");
        if (crd.Str("spec", "scope") is not ("Namespaced" or "Cluster"))
            yield return FieldError.NotSupported("spec.scope", crd.Get("spec", "scope"), ["Cluster", "Namespaced"]);
        if (group.Length > 0 && plural.Length > 0 && crd.Name() != $"{plural}.{group}")
            yield return FieldError.Invalid("metadata.name", JsonValue.Create(crd.Name()), "must be spec.names.plural+\".\"+spec.group");
        var versions = crd.Arr("spec", "versions") ?? [];
        if (versions.Count == 0) yield return FieldError.Invalid("spec.versions", new JsonArray(), "must have exactly one version marked as storage version");
        else if (versions.Count(v => v.Bool("storage") == true) != 1)
            yield return FieldError.Invalid("spec.versions", versions, "must have exactly one version marked as storage version");
        for (var i = 0; i < versions.Count; i++)
        {
            if (versions[i].Get("schema", "openAPIV3Schema") is not { } schema)
            {
                yield return FieldError.Required($"spec.versions[{i}].schema.openAPIV3Schema", "schemas are required");
                continue;
            }
            string? parseError = null;
            try { SchemaNode.Parse(schema); } catch (FormatException e) { parseError = e.Message; }
            if (parseError is not null) yield return FieldError.Invalid($"spec.versions[{i}].schema.openAPIV3Schema", null, parseError);
        }
    }

    public static ResourceType ToResourceType(JsonObject crd)
    {
        var versions = (crd.Arr("spec", "versions") ?? []).OfType<JsonObject>().Where(v => v.Bool("served") != false).ToList();
        var storage = versions.FirstOrDefault(v => v.Bool("storage") == true) ?? versions.First();
        var ordered = new[] { storage }.Concat(versions.Where(v => v != storage)).ToList();
        var names = crd.Obj("spec", "names")!;
        var schemas = new Dictionary<string, StructuralSchema>();
        var printers = new Dictionary<string, JsonArray>();
        var subresources = new HashSet<string>();
        foreach (var v in ordered)
        {
            var name = v.Str("name")!;
            schemas[name] = StructuralSchema.FromCrd(crd, name);
            if (v.Arr("additionalPrinterColumns") is { } cols) printers[name] = (JsonArray)cols.DeepClone();
            if (v.Get("subresources", "status") is not null) subresources.Add("status");
            if (v.Get("subresources", "scale") is not null) subresources.Add("scale");
        }
        return new ResourceType
        {
            Group = crd.Str("spec", "group")!,
            Versions = ordered.Select(v => v.Str("name")!).ToList(),
            Plural = names.Str("plural")!,
            Singular = names.Str("singular") ?? names.Str("kind")!.ToLowerInvariant(),
            Kind = names.Str("kind")!,
            Namespaced = crd.Str("spec", "scope") == "Namespaced",
            ShortNames = (names.Arr("shortNames") ?? []).Select(s => s!.GetValue<string>()).ToList(),
            Categories = (names.Arr("categories") ?? []).Select(s => s!.GetValue<string>()).ToList(),
            Subresources = subresources,
            IsCustom = true,
            Schemas = schemas,
            PrinterColumns = printers,
            FieldLabels = (ordered[0].Arr("selectableFields") ?? []).Select(f => f.Str("jsonPath")!.TrimStart('.')).ToList(),
        };
    }

    async Task OnCommitAsync(ResourceType t, JsonObject? old, JsonObject? now)
    {
        if (t.IsCustom && now is null)
        {
            var owner = objects.Table(Crds).Get("", $"{t.Plural}.{t.Group}");
            if (owner?.Get("metadata", "deletionTimestamp") is not null) cleanup.Add(owner.Name());
            return;
        }
        if (t.Group != "apiextensions.k8s.io" || t.Plural != "customresourcedefinitions") return;
        if (now is null)
        {
            if (old is not null) objects.Store.Unregister(old.Str("spec", "group")!, old.Str("spec", "names", "plural")!);
            return;
        }
        if (now.Get("metadata", "deletionTimestamp") is not null) { cleanup.Add(now.Name()); return; }
        var type = ToResourceType(now);
        if (old is not null && (old.Str("spec", "names", "plural") != type.Plural || old.Str("spec", "group") != type.Group))
            objects.Store.Unregister(old.Str("spec", "group")!, old.Str("spec", "names", "plural")!);
        objects.Store.Register(type);
        await SetStatusAsync(now).ConfigureAwait(false);
    }

    async Task SetStatusAsync(JsonObject crd)
    {
        var names = crd.Obj("spec", "names")!.DeepClone().AsObject();
        names["singular"] ??= names.Str("kind")!.ToLowerInvariant();
        names["listKind"] ??= names.Str("kind") + "List";
        var storage = (crd.Arr("spec", "versions") ?? []).FirstOrDefault(v => v.Bool("storage") == true).Str("name");
        var existing = crd.Obj("status");
        var stored = existing?.Arr("storedVersions")?.Select(v => v!.ToString()).ToList() ?? [];
        if (storage is not null && !stored.Contains(storage)) stored.Add(storage);
        if (JsonNode.DeepEquals(existing?["acceptedNames"], names) && existing?.Arr("conditions")?.Count >= 2 && stored.Count == existing.Arr("storedVersions")?.Count) return;
        var now = JsonUtil.Rfc3339(objects.Time.GetUtcNow());
        try
        {
            await objects.MutateAsync(Crds, "", crd.Name(), c =>
            {
                c["status"] = new JsonObject
                {
                    ["acceptedNames"] = names.DeepClone(),
                    ["conditions"] = new JsonArray(
                        new JsonObject { ["type"] = "NamesAccepted", ["status"] = "True", ["lastTransitionTime"] = now, ["reason"] = "NoConflicts", ["message"] = "no conflicts found" },
                        new JsonObject { ["type"] = "Established", ["status"] = "True", ["lastTransitionTime"] = now, ["reason"] = "InitialNamesAccepted", ["message"] = "the initial names have been accepted" }),
                    ["storedVersions"] = new JsonArray(stored.Select(s => (JsonNode)s).ToArray()),
                };
                return c;
            }, "status", RequestContext.System()).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Code == 404) { }
    }

    async Task CleanupAsync(string name)
    {
        var crd = objects.Table(Crds).Get("", name);
        if (crd is null) return;
        var table = objects.Store.Table(crd.Str("spec", "group")!, crd.Str("spec", "names", "plural")!);
        if (table is not null)
        {
            var items = table.List(null).Items;
            foreach (var o in items.Where(o => o.Get("metadata", "deletionTimestamp") is null))
            {
                try { await objects.DeleteAsync(table.Type, o.Namespace(), o.Name(), new DeleteRequest(), RequestContext.System(table.Type.StorageVersion)).ConfigureAwait(false); }
                catch (ApiException e) when (e.Code == 404) { }
            }
            // custom resources with finalizers are waited for; OnCommitAsync re-queues when one goes
            if (table.Count > 0) return;
        }
        try
        {
            await objects.MutateAsync(Crds, "", name, c =>
            {
                var fin = c.Arr("metadata", "finalizers");
                if (fin is not null) for (var i = fin.Count - 1; i >= 0; i--) if (fin[i]?.ToString() == CleanupFinalizer) fin.RemoveAt(i);
                return c;
            }, "", RequestContext.System()).ConfigureAwait(false);
        }
        catch (ApiException e) when (e.Code == 404) { }
    }
}
