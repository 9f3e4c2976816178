using System.Security.Cryptography;
using System.Text;
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

    // Parsing the upstream YAML (1.5 MB of CRDs) is most of a twin's start: once per process, and once per machine
    // through a JSON copy keyed by the YAML's content hash (so an edited upstream file is parsed again).
    private static readonly Lazy<Task<IReadOnlyList<string>>> Documents = new(LoadAsync);

    public static async Task InstallAsync(IKubernetes client, CancellationToken cancellationToken)
    {
        // Each twin gets its own nodes: JsonNode is not safe to share between concurrent serializations.
        var crds = (await Documents.Value.WaitAsync(cancellationToken)).Select(json => JsonNode.Parse(json)!.AsObject()).ToList();

        // Posted as JSON, not through the typed V1CustomResourceDefinition model: the ESO stores' schemas are large
        // and the typed round trip (both ways) cost more than the API server's own work.
        await Task.WhenAll(crds.Select(crd => client.CustomObjects.CreateClusterCustomObjectAsync(
            crd, "apiextensions.k8s.io", "v1", "customresourcedefinitions", cancellationToken: cancellationToken)));
        await WaitEstablishedAsync(client, crds.Select(c => c.Str("metadata", "name")!).ToHashSet(), cancellationToken);
    }

    private static async Task<IReadOnlyList<string>> LoadAsync()
    {
        var sources = OperatorFiles.Append("eso/bundle.yaml").Select(SharedFolder.Upstream).ToList();
        var texts = await Task.WhenAll(sources.Select(path => File.ReadAllBytesAsync(path)));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var text in texts)
        {
            hash.AppendData(text);
        }

        var key = Convert.ToHexString(hash.GetHashAndReset())[..32].ToLowerInvariant();
        var cache = Path.Combine(Path.GetTempPath(), "conformance-twin-crds", key + ".json");
        if (File.Exists(cache))
        {
            try
            {
                if (JsonNode.Parse(await File.ReadAllTextAsync(cache)) is JsonArray cached)
                {
                    return cached.Select(c => c!.ToJsonString()).ToList();
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // A torn write from a killed run: parse the YAML again below and overwrite it.
            }
        }

        var crds = new List<JsonObject>();
        for (var i = 0; i < OperatorFiles.Length; i++)
        {
            crds.AddRange(YamlJson.ParseAll(Encoding.UTF8.GetString(texts[i]), sources[i]).OfType<JsonObject>());
        }

        // The bundle is 2 MB of YAML: parse only the documents the twin serves.
        var bundle = sources[^1];
        var documents = Encoding.UTF8.GetString(texts[^1]).Split("\n---");
        crds.AddRange(documents
            .Where(d => EsoNames.Any(name => d.AsSpan(0, Math.Min(d.Length, 600)).Contains($"name: {name}", StringComparison.Ordinal)))
            .SelectMany(d => YamlJson.ParseAll(d, bundle))
            .OfType<JsonObject>()
            .Where(d => d.Str("kind") == "CustomResourceDefinition" && EsoNames.Contains(d.Str("metadata", "name") ?? "")));

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(cache)!);
            var temporary = cache + "." + Environment.ProcessId + ".tmp";
            await File.WriteAllTextAsync(temporary, "[" + string.Join(",", crds.Select(c => c.ToJsonString())) + "]");
            File.Move(temporary, cache, overwrite: true);
        }
        catch (IOException)
        {
            // Only a cache: another run may be writing the same file.
        }
        catch (UnauthorizedAccessException)
        {
        }

        return crds.Select(c => c.ToJsonString()).ToList();
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
