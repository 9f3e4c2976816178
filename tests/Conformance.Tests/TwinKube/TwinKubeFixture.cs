using Xunit;
using System.Text.Json.Nodes;
using Conformance.Twin.Kube;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Conformance.Tests.TwinKube;

/// <summary>One twin API server per test class, a KubernetesClient on its admin kubeconfig, and helpers.</summary>
public sealed class TwinKubeFixture : IAsyncLifetime
{
    public KubeApiServer Server { get; private set; } = null!;
    public Kubernetes Client { get; private set; } = null!;
    public string KubeconfigPath { get; private set; } = "";
    public string WorkDir { get; } = Directory.CreateTempSubdirectory("twin-kube-").FullName;

    public async ValueTask InitializeAsync()
    {
        Server = await KubeApiServer.StartAsync(new KubeApiServerOptions());
        KubeconfigPath = Server.WriteKubeconfig(Path.Combine(WorkDir, "kubeconfig"));
        Client = ClientFor(KubeconfigPath);
    }

    public static Kubernetes ClientFor(string kubeconfigPath) =>
        new(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfigPath));

    /// <summary>A client authenticating with <paramref name="token"/> instead of the admin token.</summary>
    public Kubernetes ClientWithToken(string token)
    {
        var path = Path.Combine(WorkDir, $"kubeconfig-{Guid.NewGuid():N}");
        Server.WriteKubeconfig(path, "sa", token);
        return ClientFor(path);
    }

    public async Task<string> NewNamespaceAsync(string prefix = "t", IDictionary<string, string>? labels = null)
    {
        var ns = await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { GenerateName = prefix + "-", Labels = labels } });
        return ns.Metadata.Name;
    }

    /// <summary>Runs a call expected to fail and returns the HTTP status and the metav1.Status body.</summary>
    public static async Task<(int Code, JsonObject Status)> FailureOf(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (HttpOperationException e)
        {
            return ((int)e.Response.StatusCode, JsonNode.Parse(e.Response.Content) as JsonObject ?? new JsonObject());
        }
        throw new Xunit.Sdk.XunitException("the call succeeded but was expected to fail");
    }

    static readonly TimeSpan WatchDeadline = TimeSpan.FromSeconds(20);

    /// <summary>Waits, by watch, until <paramref name="done"/> holds; fails with the last event seen.</summary>
    public static async Task<List<(WatchEventType, T)>> CollectAsync<T>(IAsyncEnumerable<(WatchEventType, T)> stream, Func<List<(WatchEventType, T)>, bool> done)
    {
        var seen = new List<(WatchEventType, T)>();
        using var cts = new CancellationTokenSource(WatchDeadline);
        try
        {
            await foreach (var e in stream.WithCancellation(cts.Token))
            {
                seen.Add(e);
                if (done(seen)) return seen;
            }
        }
        catch (OperationCanceledException) { }
        throw new Xunit.Sdk.XunitException($"watch ended before the condition held; saw: {string.Join(", ", seen.Select(s => s.Item1))}");
    }

    /// <summary>A ConfigMap owner and a Secret <c>&lt;name&gt;-dep</c> that names it in ownerReferences.</summary>
    public static async Task<(V1ConfigMap Owner, V1Secret Dependent)> OwnerWithDependentAsync(Kubernetes client, string ns, string name, bool block = false)
    {
        var owner = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name } }, ns);
        var dep = await client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta
            {
                Name = name + "-dep",
                OwnerReferences = [new V1OwnerReference { ApiVersion = "v1", Kind = "ConfigMap", Name = name, Uid = owner.Metadata.Uid, BlockOwnerDeletion = block }],
            },
        }, ns);
        return (owner, dep);
    }

    /// <summary>Waits, by watch, until the Secret is deleted (at once when it is already gone).</summary>
    public static async Task WaitSecretGoneAsync(Kubernetes client, string ns, string secret)
    {
        using var cts = new CancellationTokenSource(WatchDeadline);
        var list = await client.CoreV1.ListNamespacedSecretWithHttpMessagesAsync(ns, fieldSelector: $"metadata.name={secret}", cancellationToken: cts.Token);
        if (list.Body.Items.Count == 0) return;
        var stream = client.CoreV1.WatchListNamespacedSecretAsync(ns, fieldSelector: $"metadata.name={secret}", resourceVersion: list.Body.Metadata.ResourceVersion, cancellationToken: cts.Token);
        await CollectAsync(stream, s => s.Any(e => e.Item1 == WatchEventType.Deleted));
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (Server is not null) await Server.DisposeAsync();
        try { Directory.Delete(WorkDir, true); } catch (IOException) { }
    }
}

/// <summary>Paths of the upstream files the tests load.</summary>
public static class Upstream
{
    public const string Root = "/work/shared/upstream";
    public static string OperatorCrd => Path.Combine(Root, "operator/config/crd/bases/mlops.mlops.dev_notebookvalidationjobs.yaml");
    public static string OperatorSample => Path.Combine(Root, "operator/config/samples/mlops_v1alpha1_notebookvalidationjob.yaml");
    public static string[] EsoCrds => new[] { "external-secrets.io_externalsecrets.yaml", "external-secrets.io_secretstores.yaml", "external-secrets.io_clustersecretstores.yaml" }
        .Select(f => Path.Combine(Root, "eso", f)).ToArray();
    public static string HelmChartCrd => Path.Combine(Root, "k3s/helmchart-crd.yaml");
}
