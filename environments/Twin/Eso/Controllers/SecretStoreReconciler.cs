using System.Text.Json.Nodes;
using Conformance.Twin.Eso.Cluster;
using Conformance.Twin.Eso.Model;
using Conformance.Twin.Eso.Providers;

namespace Conformance.Twin.Eso.Controllers;

/// <summary>
/// ESO's SecretStore / ClusterSecretStore reconciler (pkg/controllers/secretstore/common.go): builds a provider client,
/// validates it, and writes the Ready condition with ESO's reasons and messages (reference/eso.md §4 flood gate).
/// </summary>
public sealed class SecretStoreReconciler(IEsoCluster cluster, EsoOptions options, IReadOnlyDictionary<string, IStoreProvider> providers)
{
    public const string MsgStoreValidated = "store validated";
    public const string MsgUnableCreateClient = "unable to create client";
    public const string MsgUnableValidateStore = "unable to validate store";
    public const string MsgValidationUnknown = "could not determine validation status";
    public const string ReasonValid = "Valid";
    public const string ReasonInvalidProviderConfig = "InvalidProviderConfig";
    public const string ReasonValidationUnknown = "ValidationUnknown";

    public async Task<ReconcileOutcome> ReconcileAsync(string kind, string? ns, string name, CancellationToken ct)
    {
        var store = await cluster.GetStoreAsync(kind, ns, name, ct);
        if (store is null) return ReconcileOutcome.Done;
        // ESO ShouldProcessStore: another controller class => skip.
        if (!StoreClients.ShouldProcessStore(store, options.ControllerClass)) return ReconcileOutcome.Done;

        var interval = RefreshIntervalOf(store) is { } si && si > TimeSpan.Zero ? si : options.StoreRequeueInterval;
        var statusBefore = store["status"]?.ToJsonString() ?? "";
        var target = new EventTarget(store.Str("apiVersion") ?? "external-secrets.io/v1", kind, ns, name, store.Str("metadata", "uid") ?? "", store.Str("metadata", "resourceVersion"));
        ReconcileOutcome outcome;

        var clients = new StoreClients(cluster, options, providers);
        ISecretsClient? client = null;
        try
        {
            // ESO validateStore: the store controller builds the client in the store's namespace ("" for a ClusterSecretStore).
            client = await clients.NewClientAsync(store, kind, ns ?? "", ct);
        }
        catch (Exception e) when (e is ProviderException or EsoApiException)
        {
            SetCondition(store, "False", ReasonInvalidProviderConfig, MsgUnableCreateClient);
            await cluster.RecordEventAsync(target, "Warning", ReasonInvalidProviderConfig, e.Message, ct);
            outcome = ReconcileOutcome.Failed(new ProviderException($"could not get provider client: {e.Message}", e));
            await PatchStatusAsync(kind, ns, name, store, statusBefore, ct);
            return outcome;
        }

        await using (client)
        {
            var (result, error) = await client.ValidateAsync(ct);
            if (result == ValidationResult.Error || (result == ValidationResult.Unknown && error is not null))
            {
                if (result == ValidationResult.Unknown)
                {
                    // ESO: unknown validation still marks the store usable, with reason ValidationUnknown.
                    SetCondition(store, "True", ReasonValidationUnknown, MsgValidationUnknown);
                    await cluster.RecordEventAsync(target, "Warning", ReasonValidationUnknown, error!, ct);
                    outcome = ReconcileOutcome.After(interval);
                }
                else
                {
                    SetCondition(store, "False", ReasonInvalidProviderConfig, MsgUnableValidateStore);
                    await cluster.RecordEventAsync(target, "Warning", ReasonInvalidProviderConfig, error!, ct);
                    outcome = ReconcileOutcome.Failed(new ProviderException($"could not validate provider: {error}"));
                }
            }
            else
            {
                // ESO: capabilities, Normal Valid "store validated", Ready=True Valid; requeue after the store interval.
                var status = StatusOf(store);
                status["capabilities"] = "ReadWrite";
                await cluster.RecordEventAsync(target, "Normal", ReasonValid, MsgStoreValidated, ct);
                SetCondition(store, "True", ReasonValid, MsgStoreValidated);
                outcome = ReconcileOutcome.After(interval);
            }
        }
        await PatchStatusAsync(kind, ns, name, store, statusBefore, ct);
        options.Log?.Invoke($"eso: {kind} {(ns is null ? "" : ns + "/")}{name} validated: {store.Objects("status", "conditions").FirstOrDefault()?.Str("reason")}");
        return outcome;
    }

    /// <summary>spec.refreshInterval of a store: integer seconds (v1 also accepts a duration string).</summary>
    private static TimeSpan? RefreshIntervalOf(JsonObject store) => store.At("spec", "refreshInterval") switch
    {
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number && long.TryParse(v.ToJsonString(), out var seconds) => TimeSpan.FromSeconds(seconds),
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String && GoDuration.TryParse(v.GetValue<string>(), out var d) => d,
        _ => null,
    };

    private async Task PatchStatusAsync(string kind, string? ns, string name, JsonObject store, string before, CancellationToken ct)
    {
        if ((store["status"]?.ToJsonString() ?? "") == before) return;
        try { await cluster.PatchStoreStatusAsync(kind, ns, name, (JsonObject)StatusOf(store).DeepClone(), ct); }
        catch (EsoApiException e) when (e.IsNotFound) { }
    }

    private void SetCondition(JsonObject store, string status, string reason, string message)
    {
        var statusObj = StatusOf(store);
        var conditions = statusObj["conditions"] as JsonArray ?? [];
        var current = conditions.OfType<JsonObject>().FirstOrDefault(c => c.Str("type") == "Ready");
        if (current is not null && current.Str("status") == status && current.Str("reason") == reason && current.Str("message") == message) return;
        var transition = current is not null && current.Str("status") == status
            ? current.Str("lastTransitionTime")
            : ExternalSecretReconciler.FormatTime(options.TimeProvider.GetUtcNow());
        var next = new JsonArray();
        foreach (var c in conditions.OfType<JsonObject>().Where(c => c.Str("type") != "Ready")) next.Add(c.DeepClone());
        next.Add(new JsonObject { ["type"] = "Ready", ["status"] = status, ["reason"] = reason, ["message"] = message, ["lastTransitionTime"] = transition });
        statusObj["conditions"] = next;
    }

    private static JsonObject StatusOf(JsonObject store)
    {
        if (store["status"] is JsonObject s) return s;
        var created = new JsonObject();
        store["status"] = created;
        return created;
    }
}
