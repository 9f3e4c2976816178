using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Json;
using k8s;
using k8s.Models;

namespace Conformance.Environments.Twin;

/// <summary>Loads the real upstream CRDs (operator, ESO and its VaultDynamicSecret generator) into the twin's API.</summary>
internal static class TwinCrds
{
    private static readonly string[] OperatorFiles = ["operator/config/crd/bases/mlops.mlops.dev_notebookvalidationjobs.yaml"];

    // ESO's CRDs the twin's ESO serves; the bundle holds many more (pushsecrets, other generators) that nothing uses.
    private static readonly HashSet<string> EsoNames =
    [
        "externalsecrets.external-secrets.io",
        "secretstores.external-secrets.io",
        "clustersecretstores.external-secrets.io",
        "vaultdynamicsecrets.generators.external-secrets.io",
    ];

    public static async Task InstallAsync(IKubernetes client, CancellationToken cancellationToken)
    {
        var crds = new List<JsonNode>();
        foreach (var file in OperatorFiles)
        {
            crds.AddRange(YamlJson.ParseAll(await File.ReadAllTextAsync(SharedFolder.Upstream(file), cancellationToken), file));
        }

        // The bundle is 2 MB of YAML: parse only the documents the twin serves.
        var bundle = SharedFolder.Upstream("eso/bundle.yaml");
        var documents = (await File.ReadAllTextAsync(bundle, cancellationToken)).Split("\n---");
        crds.AddRange(documents
            .Where(d => EsoNames.Any(name => d.AsSpan(0, Math.Min(d.Length, 600)).Contains($"name: {name}", StringComparison.Ordinal)))
            .SelectMany(d => YamlJson.ParseAll(d, bundle))
            .Where(d => d.Str("kind") == "CustomResourceDefinition" && EsoNames.Contains(d.Str("metadata", "name") ?? "")));

        await Task.WhenAll(crds.Select(crd =>
            client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(
                KubernetesJson.Deserialize<V1CustomResourceDefinition>(crd.ToJsonString()),
                cancellationToken: cancellationToken)));
        await WaitEstablishedAsync(client, crds.Select(c => c.Str("metadata", "name")!).ToHashSet(), cancellationToken);
    }

    // The API server registers a CRD's resources asynchronously, as the real one does: wait (by watch) for Established.
    private static async Task WaitEstablishedAsync(IKubernetes client, HashSet<string> names, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        var pending = new HashSet<string>(names);
        var list = await client.ApiextensionsV1.ListCustomResourceDefinitionAsync(cancellationToken: deadline.Token);
        pending.ExceptWith(list.Items.Where(IsEstablished).Select(c => c.Metadata.Name));
        if (pending.Count == 0)
        {
            return;
        }

        try
        {
            await foreach (var (_, crd) in client.ApiextensionsV1.WatchListCustomResourceDefinitionAsync(
                               resourceVersion: list.Metadata.ResourceVersion, cancellationToken: deadline.Token))
            {
                if (IsEstablished(crd) && pending.Remove(crd.Metadata.Name) && pending.Count == 0)
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        throw new TimeoutException(
            $"the twin's API server did not report these CRDs Established within 30s: {string.Join(", ", pending)}");
    }

    private static bool IsEstablished(V1CustomResourceDefinition crd) =>
        crd.Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true;
}
