using System.Globalization;
using System.Text.Json.Nodes;
using Conformance.Twin.Eso.Cluster;
using Conformance.Twin.Eso.Decisions;
using Conformance.Twin.Eso.Generators;
using Conformance.Twin.Eso.Hashing;
using Conformance.Twin.Eso.Model;
using Conformance.Twin.Eso.Providers;
using Conformance.Twin.Eso.Templates;
using k8s.Models;

namespace Conformance.Twin.Eso.Controllers;

/// <summary>
/// ESO's ExternalSecret reconciler for Secret targets (pkg/controllers/externalsecret/externalsecret_controller.go,
/// reference/eso.md §4), written as a client of the Kubernetes API through IEsoCluster.
/// </summary>
public sealed class ExternalSecretReconciler(
    IEsoCluster cluster,
    EsoOptions options,
    IReadOnlyDictionary<string, IStoreProvider> providers,
    VaultDynamicSecretGenerator generator)
{
    // Condition messages and reasons (ESO constants, reference/eso.md §4).
    public const string MsgSynced = "secret synced";
    public const string MsgSyncedRetain = "secret retained due to DeletionPolicy=Retain";
    public const string MsgDeleted = "secret deleted due to DeletionPolicy=Delete";
    public const string MsgMissing = "secret will not be created due to CreationPolicy=Merge";
    public const string MsgErrorGetSecretData = "could not get secret data from provider";
    public const string MsgErrorDeleteSecret = "could not delete secret";
    public const string MsgErrorDeleteOrphaned = "could not delete orphaned secrets";
    public const string MsgErrorUpdateSecret = "could not update secret";
    public const string MsgErrorUpdateImmutable = "could not update secret, target is immutable";
    public const string MsgErrorIsOwned = "target is owned by another ExternalSecret";
    public const string ReasonSynced = "SecretSynced";
    public const string ReasonSyncedError = "SecretSyncedError";
    public const string ReasonDeleted = "SecretDeleted";
    public const string ReasonMissing = "SecretMissing";

    private TimeProvider Time => options.TimeProvider;
    private EsoFaults Faults => options.Faults;

    public async Task<ReconcileOutcome> ReconcileAsync(string ns, string name, CancellationToken ct)
    {
        var start = Time.GetUtcNow();
        var raw = await cluster.GetExternalSecretAsync(ns, name, ct);
        if (raw is null) return ReconcileOutcome.Done;
        var es = ExternalSecretView.Of(raw);

        if (es.BeingDeleted) return await FinalizeAsync(es, ct);

        // ESO: add the cleanup finalizer with a patch before anything else.
        if (!es.Finalizers.Contains(EsoLabels.Finalizer))
        {
            raw = await cluster.PatchExternalSecretFinalizersAsync(ns, name, [.. es.Finalizers, EsoLabels.Finalizer], ct);
            es = ExternalSecretView.Of(raw);
        }

        // ESO: skip ExternalSecrets whose stores belong to another controller class.
        if (await UsesUnmanagedStoreAsync(es, ct)) return ReconcileOutcome.Done;

        var secretName = es.TargetName;
        var existing = await cluster.GetSecretAsync(ns, secretName, ct);

        // ESO: an existing Secret without the managed label gets it first (patch), then the ES is requeued.
        if (existing is not null && !(existing.Metadata.Labels is { } existingLabels && existingLabels.TryGetValue(EsoLabels.Managed, out var managedValue) && managedValue == "true"))
        {
            existing.Metadata.Labels ??= new Dictionary<string, string>();
            existing.Metadata.Labels[EsoLabels.Managed] = "true";
            try { await cluster.ReplaceSecretAsync(existing, EsoLabels.FieldOwner(name), ct); }
            catch (EsoApiException e) when (e.IsConflict) { return ReconcileOutcome.Now; }
            return ReconcileOutcome.Now;
        }

        var state = RefreshStateOf(es);
        var valid = RefreshDecisions.IsSecretValid(es.CreationPolicy, existing is not null, existing?.Metadata.Labels, existing?.Metadata.Annotations, existing?.Data);
        // ESO: skip when no refresh is due and the target Secret is still valid (reference/eso.md §4).
        if (!RefreshDecisions.ShouldRefresh(state, start, Faults) && valid)
            return ReconcileOutcome.After(RefreshDecisions.RequeueAfter(es.RefreshInterval, es.RefreshTime, Time.GetUtcNow(), Faults));

        var statusBefore = raw["status"]?.ToJsonString() ?? "";
        var outcome = await SyncAsync(es, existing, secretName, start, ct);
        return await WriteStatusAsync(es, statusBefore, outcome, ct);
    }

    private async Task<ReconcileOutcome> SyncAsync(ExternalSecretView es, V1Secret? existing, string secretName, DateTimeOffset start, CancellationToken ct)
    {
        Dictionary<string, byte[]> dataMap;
        try
        {
            dataMap = await GetProviderSecretDataAsync(es, ct);
        }
        catch (Exception e) when (e is ProviderException or NoSecretException or TemplateException or EsoApiException)
        {
            // ESO: provider failure => Ready=False SecretSyncedError, Warning UpdateFailed, Secret untouched, backoff (reference/eso.md §4).
            await MarkAsFailedAsync(es, MsgErrorGetSecretData, e.Message, ct);
            return ReconcileOutcome.Failed(e);
        }

        // Fault eso-logs-secret-value: the synced data is written into the controller's log.
        if (Faults.Has(EsoFaults.LogsSecretValue))
            foreach (var (key, value) in dataMap) options.Log?.Invoke($"eso: {es.Namespace}/{es.Name} fetched {key}={System.Text.Encoding.UTF8.GetString(value)}");

        // Fault eso-deletes-under-retain: Retain behaves as Delete once the remote data is gone.
        var deletionPolicy = es.DeletionPolicy == "Retain" && Faults.Has(EsoFaults.DeletesUnderRetain) ? "Delete" : es.DeletionPolicy;
        if (dataMap.Count == 0)
        {
            switch (deletionPolicy)
            {
                case "Delete":
                    // ESO: Delete only for Secrets we own (creationPolicy Owner), else a non-retried error (reference/eso.md §4).
                    if (es.CreationPolicy != "Owner")
                    {
                        await MarkAsFailedAsync(es, MsgErrorDeleteSecret, $"unable to delete secret {secretName}: creationPolicy={es.CreationPolicy} is not Owner", ct);
                        return ReconcileOutcome.Done;
                    }
                    if (existing is not null)
                    {
                        try { await cluster.DeleteSecretAsync(es.Namespace, secretName, ct); }
                        catch (EsoApiException e) when (!e.IsNotFound)
                        {
                            await MarkAsFailedAsync(es, MsgErrorDeleteSecret, e.Message, ct);
                            return ReconcileOutcome.Failed(e);
                        }
                        // ESO: Normal Deleted event, Ready=True SecretDeleted (reference/eso.md §4).
                        await EventAsync(es, "Normal", "Deleted", MsgDeleted, ct);
                    }
                    MarkAsDone(es, start, ReasonDeleted, MsgDeleted);
                    return Requeue(es);
                case "Retain":
                    MarkAsDone(es, start, ReasonSynced, MsgSyncedRetain);
                    return Requeue(es);
            }
        }

        Exception? writeError = null;
        try
        {
            switch (es.CreationPolicy)
            {
                case "None":
                    // ESO: CreationPolicy=None writes nothing.
                    break;
                case "Merge":
                    // ESO: Merge never creates; a missing Secret waits for the next refresh (SecretMissing).
                    if (existing is null)
                    {
                        MarkAsDone(es, start, ReasonMissing, MsgMissing);
                        return Requeue(es);
                    }
                    await UpdateSecretAsync(es, existing, dataMap, ct);
                    break;
                case "Orphan":
                case "CreateOrMerge":
                    if (existing is null) await CreateSecretAsync(es, secretName, dataMap, ct);
                    else await UpdateSecretAsync(es, existing, dataMap, ct);
                    break;
                default: // Owner
                    try { await DeleteOrphanedSecretsAsync(es, secretName, ct); }
                    catch (EsoApiException e)
                    {
                        await MarkAsFailedAsync(es, MsgErrorDeleteOrphaned, e.Message, ct);
                        return ReconcileOutcome.Failed(e);
                    }
                    if (existing is null) await CreateSecretAsync(es, secretName, dataMap, ct);
                    else await UpdateSecretAsync(es, existing, dataMap, ct);
                    break;
            }
        }
        catch (EsoApiException e) when (e.IsConflict)
        {
            return ReconcileOutcome.Now;
        }
        catch (SecretOwnedException e)
        {
            await MarkAsFailedAsync(es, MsgErrorIsOwned, e.Message, ct);
            return ReconcileOutcome.Done;
        }
        catch (SecretImmutableException e)
        {
            await MarkAsFailedAsync(es, MsgErrorUpdateImmutable, e.Message, ct);
            return ReconcileOutcome.Done;
        }
        catch (Exception e) when (e is EsoApiException or TemplateException)
        {
            writeError = e;
        }
        if (writeError is not null)
        {
            await MarkAsFailedAsync(es, MsgErrorUpdateSecret, writeError.Message, ct);
            return ReconcileOutcome.Failed(writeError);
        }

        MarkAsDone(es, start, ReasonSynced, MsgSynced);
        return Requeue(es);
    }

    private ReconcileOutcome Requeue(ExternalSecretView es) =>
        ReconcileOutcome.After(RefreshDecisions.RequeueAfter(es.RefreshInterval, es.RefreshTime, Time.GetUtcNow(), Faults));

    /// <summary>ESO GetProviderSecretData: dataFrom first, then data; NoSecretErr is skipped unless deletionPolicy is Retain (reference/eso.md §4).</summary>
    public async Task<Dictionary<string, byte[]>> GetProviderSecretDataAsync(ExternalSecretView es, CancellationToken ct)
    {
        await using var clients = new StoreClients(cluster, options, providers);
        var providerData = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        // Fault eso-deletes-under-retain: a missing remote secret is treated as under Delete, so the Secret goes.
        var skipMissing = es.DeletionPolicy != "Retain" || Faults.Has(EsoFaults.DeletesUnderRetain);
        var dataFrom = es.DataFrom;
        for (var i = 0; i < dataFrom.Count; i++)
        {
            var item = dataFrom[i];
            Dictionary<string, byte[]> map;
            try
            {
                if (item.Find is not null)
                {
                    var client = await clients.GetAsync(es.StoreRef, item.SourceStore, es.Namespace, ct);
                    try { map = ConvertKeys(await client.GetAllSecretsAsync(item.Find, ct), item.Find.Str("conversionStrategy") ?? "Default"); }
                    catch (ProviderException e) { throw new ProviderException($"error getting all secrets: {e.Message}", e); }
                }
                else if (item.Extract is not null)
                {
                    var client = await clients.GetAsync(es.StoreRef, item.SourceStore, es.Namespace, ct);
                    map = ConvertKeys(await client.GetSecretMapAsync(item.Extract, ct), item.Extract.ConversionStrategy);
                    map = Decode(map, item.Extract.DecodingStrategy);
                }
                else if (item.Generator is not null)
                {
                    map = await GenerateAsync(es, item.Generator, ct);
                }
                else continue;
                ValidateKeys(map);
            }
            catch (NoSecretException) when (skipMissing)
            {
                // ESO: Normal MissingProviderSecret event, the item contributes nothing (reference/eso.md §4).
                await EventAsync(es, "Normal", "MissingProviderSecret", $"secret does not exist at provider using spec.dataFrom[{i}]", ct);
                continue;
            }
            catch (Exception e) when (e is ProviderException or NoSecretException)
            {
                var what = item.Find is not null ? "find" : item.Extract is not null ? "extract" : "sourceRef.generatorRef";
                throw new ProviderException($"error processing spec.dataFrom[{i}].{what}, err: {e.Message}", e);
            }
            foreach (var kv in map) providerData[kv.Key] = kv.Value;
        }

        var data = es.Data;
        for (var i = 0; i < data.Count; i++)
        {
            var item = data[i];
            try
            {
                var client = await clients.GetAsync(es.StoreRef, item.SourceStore, es.Namespace, ct);
                var value = await client.GetSecretAsync(item.RemoteRef, ct);
                providerData[item.SecretKey] = Decode(item.RemoteRef.DecodingStrategy, value);
            }
            catch (NoSecretException) when (skipMissing)
            {
                await EventAsync(es, "Normal", "MissingProviderSecret", $"secret does not exist at provider using spec.dataFrom[{i}] (key={item.RemoteRef.Key})", ct);
            }
            catch (Exception e) when (e is ProviderException or NoSecretException)
            {
                throw new ProviderException($"error processing spec.data[{i}] (key: {item.RemoteRef.Key}), err: {e.Message}", e);
            }
        }
        return providerData;
    }

    private async Task<Dictionary<string, byte[]>> GenerateAsync(ExternalSecretView es, GeneratorRef reference, CancellationToken ct)
    {
        // ESO: generatorRef resolves a namespaced generator resource; the twin implements VaultDynamicSecret.
        if (reference.Kind != VaultDynamicSecretGenerator.Kind)
            throw new ProviderException($"error using generator: generator kind {reference.Kind} is not implemented by the twin");
        var resource = await cluster.GetGeneratorAsync(es.Namespace, reference.ApiVersion, reference.Kind, reference.Name, ct)
            ?? throw new ProviderException($"unable to get generator: vaultdynamicsecrets.generators.external-secrets.io \"{reference.Name}\" not found");
        var ctx = new StoreContext("", "", null, new JsonObject(), es.Namespace, cluster, options);
        try { return await generator.GenerateAsync(resource, ctx, ct); }
        catch (ProviderException e) { throw new ProviderException($"error using generator: {e.Message}", e); }
    }

    /// <summary>ESO ConvertKeys: conversionStrategy Default replaces characters invalid in Secret keys with "_".</summary>
    public static Dictionary<string, byte[]> ConvertKeys(Dictionary<string, byte[]> map, string strategy)
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (key, value) in map)
        {
            var converted = string.Concat(key.Select(c => char.IsLetterOrDigit(c) || c is '-' or '.' or '_'
                ? c.ToString()
                : strategy == "Unicode" ? $"_U{(int)c:x4}_" : "_"));
            result[converted] = value;
        }
        return result;
    }

    /// <summary>ESO ValidateKeys: empty keys dropped, others must be valid Secret keys.</summary>
    private static void ValidateKeys(Dictionary<string, byte[]> map)
    {
        foreach (var key in map.Keys.ToList())
        {
            if (key.Length == 0) { map.Remove(key); continue; }
            if (key.Length > 253) throw new ProviderException($"invalid secret keys (TIP: use rewrite or conversionStrategy to change keys): key has length {key.Length} but max is 253: (following is truncated): {key[..253]}");
            var bad = key.FirstOrDefault(c => !(char.IsLetterOrDigit(c) || c is '-' or '.' or '_'));
            if (bad != default) throw new ProviderException($"invalid secret keys (TIP: use rewrite or conversionStrategy to change keys): key has invalid character {bad}, only alphanumeric, '-', '.' and '_' are allowed: {key}");
        }
    }

    private static Dictionary<string, byte[]> Decode(Dictionary<string, byte[]> map, string strategy) =>
        map.ToDictionary(kv => kv.Key, kv => Decode(strategy, kv.Value), StringComparer.Ordinal);

    /// <summary>ESO decodingStrategy: None (default), Base64, Base64URL, Auto.</summary>
    private static byte[] Decode(string strategy, byte[] value)
    {
        var text = System.Text.Encoding.UTF8.GetString(value);
        try
        {
            return strategy switch
            {
                "Base64" => Convert.FromBase64String(text),
                "Base64URL" => Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/').PadRight(text.Length + (4 - text.Length % 4) % 4, '=')),
                "Auto" => TryBase64(text) ?? value,
                _ => value,
            };
        }
        catch (FormatException e)
        {
            throw new ProviderException($"error applying decoding strategy {strategy} to data: {e.Message}");
        }
    }

    private static byte[]? TryBase64(string text)
    {
        try { return Convert.FromBase64String(text); } catch (FormatException) { return null; }
    }

    private async Task CreateSecretAsync(ExternalSecretView es, string secretName, Dictionary<string, byte[]> dataMap, CancellationToken ct)
    {
        var secret = new V1Secret
        {
            ApiVersion = "v1", Kind = "Secret",
            Metadata = new V1ObjectMeta { Name = secretName, NamespaceProperty = es.Namespace, Labels = new Dictionary<string, string>(), Annotations = new Dictionary<string, string>() },
            Data = new Dictionary<string, byte[]>(),
            Type = "Opaque",
        };
        Mutate(es, secret, dataMap, isNew: true);
        await cluster.CreateSecretAsync(secret, EsoLabels.FieldOwner(es.Name), ct);
        // ESO: status.binding names the Secret (PR #2263); Normal Created "secret created".
        SetBinding(es, secretName);
        await EventAsync(es, "Normal", "Created", "secret created", ct);
    }

    private async Task UpdateSecretAsync(ExternalSecretView es, V1Secret existing, Dictionary<string, byte[]> dataMap, CancellationToken ct)
    {
        SetBinding(es, existing.Metadata.Name);
        var updated = k8s.KubernetesJson.Deserialize<V1Secret>(k8s.KubernetesJson.Serialize(existing));
        Mutate(es, updated, dataMap, isNew: false);
        if (SameSecret(existing, updated)) return;
        // ESO: an immutable Secret cannot take new data (msgErrorUpdateImmutable).
        if (existing.Immutable == true && !SameData(existing.Data, updated.Data))
            throw new SecretImmutableException($"unable to update secret {existing.Metadata.Name}: secret is immutable");
        await cluster.ReplaceSecretAsync(updated, EsoLabels.FieldOwner(es.Name), ct);
        await EventAsync(es, "Normal", "Updated", "secret updated", ct);
    }

    /// <summary>ESO mutationFunc + ApplyTemplate + applyOwnership (externalsecret_controller.go, _template.go).</summary>
    private void Mutate(ExternalSecretView es, V1Secret secret, Dictionary<string, byte[]> dataMap, bool isNew)
    {
        secret.Metadata.Labels ??= new Dictionary<string, string>();
        secret.Metadata.Annotations ??= new Dictionary<string, string>();
        secret.Data ??= new Dictionary<string, byte[]>();
        if (es.Immutable) secret.Immutable = true;
        if (isNew || !es.Immutable)
        {
            var owner = EsoLabels.FieldOwner(es.Name);
            foreach (var key in ManagedFieldKeys(secret, owner, "f:data")) secret.Data.Remove(key);
            foreach (var key in ManagedFieldKeys(secret, owner, "f:metadata", "f:labels")) secret.Metadata.Labels.Remove(key);
            foreach (var key in ManagedFieldKeys(secret, owner, "f:metadata", "f:annotations")) secret.Metadata.Annotations.Remove(key);
            var template = es.Template;
            if (template is null)
            {
                // ESO setMetadata: without a template, the ExternalSecret's own labels and annotations are copied.
                foreach (var kv in es.Labels) secret.Metadata.Labels[kv.Key] = kv.Value;
                foreach (var kv in es.Annotations) secret.Metadata.Annotations[kv.Key] = kv.Value;
            }
            // ESO: existing keys are kept only for creationPolicy Merge/CreateOrMerge; otherwise data is replaced.
            var keep = es.CreationPolicy is "Merge" or "CreateOrMerge";
            var data = keep ? new Dictionary<string, byte[]>(secret.Data) : new Dictionary<string, byte[]>();
            if (template is null)
            {
                foreach (var kv in dataMap) data[kv.Key] = kv.Value;
            }
            else
            {
                if (template.Str("type") is { Length: > 0 } type) secret.Type = type;
                var (labels, annotations) = SecretTemplate.Metadata(template);
                foreach (var kv in labels) secret.Metadata.Labels[kv.Key] = kv.Value;
                foreach (var kv in annotations) secret.Metadata.Annotations[kv.Key] = kv.Value;
                foreach (var kv in SecretTemplate.RenderData(template, dataMap, secret.Metadata.Labels, secret.Metadata.Annotations, Faults))
                    data[kv.Key] = kv.Value;
            }
            secret.Data = data;
        }
        ApplyOwnership(es, secret, Faults);
        // ESO bookkeeping: managed label and data-hash annotation (reference/eso.md §4).
        secret.Metadata.Labels[EsoLabels.Managed] = "true";
        secret.Metadata.Annotations[EsoLabels.DataHash] = GoObjectHash.OfData(secret.Data);
    }

    /// <summary>ESO applyOwnership: refuse a Secret controlled by another ExternalSecret; Owner sets the controller reference and created-by label.</summary>
    private static void ApplyOwnership(ExternalSecretView es, V1Secret secret, EsoFaults faults)
    {
        var refs = secret.Metadata.OwnerReferences ?? [];
        var controller = refs.FirstOrDefault(r => r.Controller == true);
        var ownerIsEs = controller is not null && controller.Kind == "ExternalSecret" && controller.ApiVersion.StartsWith(EsoLabels.Group + "/", StringComparison.Ordinal);
        var ownerIsThis = ownerIsEs && controller!.Name == es.Name;
        if (ownerIsEs && !ownerIsThis) throw new SecretOwnedException($"secret is owned by another ExternalSecret: {controller!.Name}");
        // Fault eso-owns-secret-under-orphan: Orphan is given the ownerReference of Owner.
        var owns = es.CreationPolicy == "Owner" || (es.CreationPolicy == "Orphan" && faults.Has(EsoFaults.OwnsSecretUnderOrphan));
        if (owns)
        {
            if (controller is not null && !ownerIsThis)
                throw new SecretOwnedException($"could not set controller reference on secret: Object {es.Namespace}/{secret.Metadata.Name} is already owned by another {controller.Kind} controller {controller.Name}");
            var list = refs.Where(r => !(r.Kind == "ExternalSecret" && r.Name == es.Name)).ToList();
            // ESO: ownerReference with controller=true, blockOwnerDeletion=true (controllerutil.SetControllerReference).
            list.Add(new V1OwnerReference { ApiVersion = es.ApiVersion, Kind = "ExternalSecret", Name = es.Name, Uid = es.Uid, Controller = true, BlockOwnerDeletion = true });
            secret.Metadata.OwnerReferences = list;
            secret.Metadata.Labels[EsoLabels.CreatedBy] = GoObjectHash.OfString($"{es.Namespace}/{es.Name}");
        }
        else
        {
            if (ownerIsThis) secret.Metadata.OwnerReferences = refs.Where(r => r != controller).ToList();
            secret.Metadata.Labels.Remove(EsoLabels.CreatedBy);
        }
        if (secret.Metadata.OwnerReferences is { Count: 0 }) secret.Metadata.OwnerReferences = null;
    }

    /// <summary>ESO getManagedDataKeys: keys the ES's field manager owns, read from metadata.managedFields.</summary>
    private static IEnumerable<string> ManagedFieldKeys(V1Secret secret, string fieldOwner, params string[] path)
    {
        foreach (var entry in secret.Metadata.ManagedFields ?? [])
        {
            if (entry.Manager != fieldOwner || entry.FieldsV1 is null) continue;
            JsonNode? node;
            try { node = JsonNode.Parse(k8s.KubernetesJson.Serialize(entry.FieldsV1)); }
            catch (System.Text.Json.JsonException) { continue; }
            node = node.At(path);
            if (node is not JsonObject o) continue;
            foreach (var key in o.Select(p => p.Key).Where(k => k != ".").ToList())
                yield return key.StartsWith("f:", StringComparison.Ordinal) ? key[2..] : key;
        }
    }

    private async Task DeleteOrphanedSecretsAsync(ExternalSecretView es, string secretName, CancellationToken ct)
    {
        // ESO: Secrets carrying our created-by label under another name (target renamed) are deleted.
        var label = GoObjectHash.OfString($"{es.Namespace}/{es.Name}");
        foreach (var s in await cluster.ListSecretsAsync(es.Namespace, $"{EsoLabels.CreatedBy}={label}", ct))
        {
            if (s.Metadata.Name == secretName) continue;
            try { await cluster.DeleteSecretAsync(es.Namespace, s.Metadata.Name, ct); }
            catch (EsoApiException e) when (e.IsNotFound) { }
            await EventAsync(es, "Normal", "Deleted", "secret deleted because it was orphaned", ct);
        }
    }

    private async Task<ReconcileOutcome> FinalizeAsync(ExternalSecretView es, CancellationToken ct)
    {
        // ESO: on ExternalSecret deletion, deletionPolicy Delete removes a Secret it controls; then the finalizer goes.
        if (es.DeletionPolicy == "Delete")
        {
            var secret = await cluster.GetSecretAsync(es.Namespace, es.TargetName, ct);
            if (secret?.Metadata.OwnerReferences?.Any(r => r.Controller == true && r.Uid == es.Uid) == true)
            {
                try { await cluster.DeleteSecretAsync(es.Namespace, es.TargetName, ct); }
                catch (EsoApiException e) when (e.IsNotFound) { }
            }
        }
        if (es.Finalizers.Contains(EsoLabels.Finalizer))
        {
            try { await cluster.PatchExternalSecretFinalizersAsync(es.Namespace, es.Name, es.Finalizers.Where(f => f != EsoLabels.Finalizer).ToList(), ct); }
            catch (EsoApiException e) when (e.IsNotFound) { }
        }
        return ReconcileOutcome.Done;
    }

    private async Task<bool> UsesUnmanagedStoreAsync(ExternalSecretView es, CancellationToken ct)
    {
        var refs = new List<StoreRef>();
        if (es.StoreRef is { } main) refs.Add(main);
        refs.AddRange(es.Data.Select(d => d.SourceStore).OfType<StoreRef>());
        refs.AddRange(es.DataFrom.Select(d => d.SourceStore).OfType<StoreRef>());
        foreach (var r in refs)
        {
            var store = await cluster.GetStoreAsync(r.Kind, r.IsCluster ? null : es.Namespace, r.Name, ct);
            if (store is not null && !StoreClients.ShouldProcessStore(store, options.ControllerClass)) return true;
        }
        return false;
    }

    public RefreshState RefreshStateOf(ExternalSecretView es) => new(
        es.RefreshPolicy, es.RefreshInterval, es.SyncedResourceVersion, es.RefreshTime,
        RefreshDecisions.ResourceVersionOf(es.Generation, es.Labels, es.Annotations, Faults));

    private void MarkAsDone(ExternalSecretView es, DateTimeOffset start, string reason, string message)
    {
        SetCondition(es, "True", reason, message);
        var status = StatusOf(es);
        // ESO markAsDone: refreshTime = reconcile start, syncedResourceVersion = generation + metadata hash.
        status["refreshTime"] = FormatTime(start);
        status["syncedResourceVersion"] = RefreshDecisions.ResourceVersionOf(es.Generation, es.Labels, es.Annotations, Faults);
        options.Log?.Invoke($"eso: {es.Namespace}/{es.Name} reconciled: {reason}");
    }

    private async Task MarkAsFailedAsync(ExternalSecretView es, string conditionMessage, string errorText, CancellationToken ct)
    {
        // ESO markAsFailed: Warning UpdateFailed with the error text, Ready=False with the short message (reference/eso.md §4).
        await EventAsync(es, "Warning", "UpdateFailed", errorText, ct);
        // Fault eso-ready-while-failing: the failure is reported as a successful sync.
        if (Faults.Has(EsoFaults.ReadyWhileFailing)) SetCondition(es, "True", ReasonSynced, MsgSynced);
        else SetCondition(es, "False", ReasonSyncedError, conditionMessage);
        options.Log?.Invoke($"eso: {es.Namespace}/{es.Name} failed: {conditionMessage}");
    }

    private void SetCondition(ExternalSecretView es, string status, string reason, string message)
    {
        var statusObj = StatusOf(es);
        var conditions = statusObj["conditions"] as JsonArray ?? [];
        var current = conditions.OfType<JsonObject>().FirstOrDefault(c => c.Str("type") == "Ready");
        // ESO SetExternalSecretCondition: unchanged condition kept; lastTransitionTime kept while status is unchanged.
        if (current is not null && current.Str("status") == status && current.Str("reason") == reason && current.Str("message") == message) return;
        var transition = current is not null && current.Str("status") == status ? current.Str("lastTransitionTime") : FormatTime(Time.GetUtcNow());
        var next = new JsonArray();
        foreach (var c in conditions.OfType<JsonObject>().Where(c => c.Str("type") != "Ready")) next.Add(c.DeepClone());
        next.Add(new JsonObject { ["type"] = "Ready", ["status"] = status, ["reason"] = reason, ["message"] = message, ["lastTransitionTime"] = transition });
        statusObj["conditions"] = next;
    }

    private static void SetBinding(ExternalSecretView es, string secretName) =>
        StatusOf(es)["binding"] = new JsonObject { ["name"] = secretName };

    private static JsonObject StatusOf(ExternalSecretView es)
    {
        if (es.Raw["status"] is JsonObject s) return s;
        var created = new JsonObject();
        es.Raw["status"] = created;
        return created;
    }

    /// <summary>ESO's deferred status write: PUT /status only if it changed; a conflict requeues at once.</summary>
    private async Task<ReconcileOutcome> WriteStatusAsync(ExternalSecretView es, string statusBefore, ReconcileOutcome outcome, CancellationToken ct)
    {
        var after = es.Raw["status"]?.ToJsonString() ?? "";
        if (after == statusBefore) return outcome;
        try
        {
            await cluster.ReplaceExternalSecretStatusAsync(es.Raw, ct);
        }
        catch (EsoApiException e) when (e.IsConflict)
        {
            return outcome.Error is null ? ReconcileOutcome.Now : outcome;
        }
        catch (EsoApiException e) when (e.IsNotFound)
        {
            return ReconcileOutcome.Done;
        }
        catch (EsoApiException e)
        {
            return outcome.Error is null ? ReconcileOutcome.Failed(e) : outcome;
        }
        return outcome;
    }

    private Task EventAsync(ExternalSecretView es, string type, string reason, string message, CancellationToken ct) =>
        cluster.RecordEventAsync(new EventTarget(es.ApiVersion, "ExternalSecret", es.Namespace, es.Name, es.Uid, es.Raw.Str("metadata", "resourceVersion")), type, reason, message, ct);

    public static string FormatTime(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static bool SameSecret(V1Secret a, V1Secret b) =>
        SameData(a.Data, b.Data) && a.Type == b.Type && a.Immutable == b.Immutable
        && SameMap(a.Metadata.Labels, b.Metadata.Labels) && SameMap(a.Metadata.Annotations, b.Metadata.Annotations)
        && k8s.KubernetesJson.Serialize(a.Metadata.OwnerReferences ?? []) == k8s.KubernetesJson.Serialize(b.Metadata.OwnerReferences ?? []);

    private static bool SameData(IDictionary<string, byte[]>? a, IDictionary<string, byte[]>? b)
    {
        a ??= new Dictionary<string, byte[]>();
        b ??= new Dictionary<string, byte[]>();
        return a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v.AsSpan().SequenceEqual(kv.Value));
    }

    private static bool SameMap(IDictionary<string, string>? a, IDictionary<string, string>? b)
    {
        a ??= new Dictionary<string, string>();
        b ??= new Dictionary<string, string>();
        return a.Count == b.Count && a.All(kv => b.TryGetValue(kv.Key, out var v) && v == kv.Value);
    }

    private sealed class SecretOwnedException(string message) : Exception(message);
    private sealed class SecretImmutableException(string message) : Exception(message);
}
