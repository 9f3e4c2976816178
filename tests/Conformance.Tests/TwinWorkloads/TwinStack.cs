using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conformance.Tests.Fixtures.Support;
using Conformance.Twin.Kube;
using Conformance.Twin.Workloads.Git;
using Conformance.Twin.Workloads.Kubelet;
using Conformance.Twin.Workloads.Operator;
using k8s;
using k8s.Models;

namespace Conformance.Tests.TwinWorkloads;

/// <summary>The twin's API server with this project's kubelet, operator and git server on top, as clients over HTTPS.</summary>
public sealed class TwinStack : IAsyncDisposable
{
    public required KubeApiServer Api { get; init; }
    public required IKubernetes Client { get; init; }
    public required TwinKubelet Kubelet { get; init; }
    public required NotebookOperator Operator { get; init; }
    public required TwinGitServer Git { get; init; }
    public TimeSpan StartTime { get; init; }
    public required System.Collections.Concurrent.ConcurrentQueue<string> Log { get; init; }

    public static async Task<TwinStack> StartAsync(OperatorProfile profile, params string[] faults)
    {
        var faultSet = faults.ToHashSet(StringComparer.Ordinal);
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var api = await KubeApiServer.StartAsync();
        using var kubeconfig = new MemoryStream(Encoding.UTF8.GetBytes(api.KubeconfigYaml()));
        var client = new Kubernetes(await KubernetesClientConfiguration.BuildConfigFromConfigFileAsync(kubeconfig));
        var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(await File.ReadAllTextAsync(
            SharedFiles.Upstream("operator", "config", "crd", "bases", "mlops.mlops.dev_notebookvalidationjobs.yaml")));
        await client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
        await WaitForEstablishedAsync(client, crd.Metadata.Name);
        var git = await TwinGitServer.StartAsync();
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var kubelet = await TwinKubelet.StartAsync(client, new KubeletOptions { Log = log.Enqueue, Faults = faultSet });
        var op = await NotebookOperator.StartAsync(client, new OperatorOptions { Profile = profile, Log = log.Enqueue, Faults = faultSet });
        return new TwinStack { Api = api, Client = client, Kubelet = kubelet, Operator = op, Git = git, StartTime = sw.Elapsed, Log = log };
    }

    private static async Task WaitForEstablishedAsync(IKubernetes client, string name)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var current = await client.ApiextensionsV1.ReadCustomResourceDefinitionAsync(name, cancellationToken: cts.Token);
        if (Established(current)) return;
        await foreach (var (_, crd) in client.ApiextensionsV1.WatchListCustomResourceDefinitionAsync(
                           fieldSelector: $"metadata.name={name}", resourceVersion: current.Metadata.ResourceVersion, cancellationToken: cts.Token))
            if (Established(crd)) return;
        throw new TimeoutException($"CRD {name} never became Established");
    }

    private static bool Established(V1CustomResourceDefinition crd) =>
        crd.Status?.Conditions?.Any(c => c.Type == "Established" && c.Status == "True") == true;

    public async Task<string> NamespaceAsync(string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..6]}";
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }

    public Task SecretAsync(string ns, string name, params (string Key, string Value)[] data) =>
        Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = name },
            Data = data.ToDictionary(d => d.Key, d => Encoding.UTF8.GetBytes(d.Value)),
        }, ns);

    public async Task<Uri> PublishNotebookAsync(string repo, string path, string notebookJson) =>
        await Git.PublishAsync(repo, new Dictionary<string, string> { [path] = notebookJson });

    public async Task CreateJobAsync(string ns, string name, Uri repo, string path, string podConfigExtra = "", string metadataExtra = "")
    {
        var body = JsonNode.Parse($$"""
        {
          "apiVersion": "mlops.mlops.dev/v1alpha1", "kind": "NotebookValidationJob",
          "metadata": { "name": "{{name}}" {{metadataExtra}} },
          "spec": {
            "notebook": { "git": { "url": "{{repo}}", "ref": "main" }, "path": "{{path}}" },
            "podConfig": { "containerImage": "quay.io/jupyter/minimal-notebook:latest" {{podConfigExtra}} },
            "timeout": "5m"
          }
        }
        """)!;
        await Client.CustomObjects.CreateNamespacedCustomObjectAsync(body, "mlops.mlops.dev", "v1alpha1", ns, "notebookvalidationjobs");
    }

    public async Task<JsonObject> GetJobAsync(string ns, string name) =>
        JsonNode.Parse(((JsonElement)await Client.CustomObjects.GetNamespacedCustomObjectAsync(
            "mlops.mlops.dev", "v1alpha1", ns, "notebookvalidationjobs", name)).GetRawText())!.AsObject();

    /// <summary>Watches the job until phase is Succeeded or Failed with completionTime (reference/operator.md §2.1).</summary>
    public async Task<JsonObject> WaitForTerminalAsync(string ns, string name, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        JsonObject? last = null;
        try
        {
            while (true)
            {
                var obj = JsonNode.Parse(((JsonElement)await Client.CustomObjects.GetNamespacedCustomObjectAsync(
                    "mlops.mlops.dev", "v1alpha1", ns, "notebookvalidationjobs", name, cts.Token)).GetRawText())!.AsObject();
                last = obj;
                if (Terminal(obj)) return obj;
                await foreach (var (_, item) in Client.CustomObjects.WatchListNamespacedCustomObjectAsync("mlops.mlops.dev", "v1alpha1", ns,
                                   "notebookvalidationjobs", fieldSelector: $"metadata.name={name}",
                                   resourceVersion: (string?)obj["metadata"]?["resourceVersion"], cancellationToken: cts.Token))
                {
                    last = JsonNode.Parse(((JsonElement)item).GetRawText())!.AsObject();
                    if (Terminal(last)) return last;
                }
            }
        }
        catch (OperationCanceledException)
        {
            var pod = await DescribePodAsync(ns, $"{name}-validation");
            throw new TimeoutException($"job {ns}/{name} not terminal within {timeout}; last status: {last?["status"]?.ToJsonString()}; pod: {pod}");
        }
    }

    private static bool Terminal(JsonObject o) =>
        (string?)o["status"]?["phase"] is "Succeeded" or "Failed" && o["status"]?["completionTime"] is not null;

    public async Task<string> DescribePodAsync(string ns, string name)
    {
        try
        {
            var pod = await Client.CoreV1.ReadNamespacedPodAsync(name, ns);
            return $"{pod.Status?.Phase} {FakeKube.Describe(pod.Status)}";
        }
        catch (k8s.Autorest.HttpOperationException) { return "(no pod)"; }
    }

    public async Task<List<Corev1Event>> EventsAsync(string ns) => (await Client.CoreV1.ListNamespacedEventAsync(ns)).Items.ToList();

    public async ValueTask DisposeAsync()
    {
        await Operator.DisposeAsync();
        await Kubelet.DisposeAsync();
        await Git.DisposeAsync();
        Client.Dispose();
        await Api.DisposeAsync();
    }
}
