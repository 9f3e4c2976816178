using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Conformance.Twin.Eso;
using Conformance.Twin.Kube;
using Conformance.Twin.Vault;
using k8s;
using k8s.Models;
using Xunit;

namespace Conformance.Tests.TwinEso;

/// <summary>
/// The twin's Kubernetes API server with ESO's real CRDs, the twin Vault, moto_server, and the twin ESO controller
/// connected to the API server through a kubeconfig, as the real controller would be. One per test class.
/// </summary>
public sealed class TwinWorldFixture : IAsyncLifetime
{
    public KubeApiServer Kube { get; private set; } = null!;
    public IKubernetes Client { get; private set; } = null!;
    public Conformance.Twin.Vault.TwinVault Vault { get; private set; } = null!;
    public TwinExternalSecrets Eso { get; private set; } = null!;
    public MotoServerFixture Moto { get; } = new();
    public HttpClient Http { get; } = new();
    public List<string> Log { get; } = [];
    public TimeSpan EsoStartTime { get; private set; }
    public string? SkipReason { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var upstream = UpstreamDirectory();
        if (upstream is null) { SkipReason = "ESO CRDs not found (expected ../shared/upstream/eso next to the repository)"; return; }
        Kube = await KubeApiServer.StartAsync();
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(new MemoryStream(Encoding.UTF8.GetBytes(Kube.KubeconfigYaml())));
        Client = new Kubernetes(config);
        await InstallCrdsAsync(upstream);
        var motoStart = Moto.InitializeAsync();
        Vault = await Conformance.Twin.Vault.TwinVault.StartAsync(new TwinVaultOptions());
        await motoStart;
        var sw = Stopwatch.StartNew();
        Eso = await TwinExternalSecrets.StartAsync(Client, new EsoOptions
        {
            AwsSecretsManagerEndpoint = Moto.Endpoint,
            Log = line => { lock (Log) Log.Add(line); },
        });
        EsoStartTime = sw.Elapsed;
    }

    public static string? UpstreamDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "..", "shared", "upstream", "eso");
            if (File.Exists(Path.Combine(candidate, "bundle.yaml"))) return Path.GetFullPath(candidate);
            candidate = Path.Combine(dir.FullName, "shared", "upstream", "eso");
            if (File.Exists(Path.Combine(candidate, "bundle.yaml"))) return Path.GetFullPath(candidate);
        }
        return null;
    }

    private async Task InstallCrdsAsync(string upstream)
    {
        var docs = new List<string>
        {
            File.ReadAllText(Path.Combine(upstream, "external-secrets.io_externalsecrets.yaml")),
            File.ReadAllText(Path.Combine(upstream, "external-secrets.io_secretstores.yaml")),
            File.ReadAllText(Path.Combine(upstream, "external-secrets.io_clustersecretstores.yaml")),
        };
        // The generator CRD is only in the bundle; take its document alone.
        var bundle = File.ReadAllText(Path.Combine(upstream, "bundle.yaml"));
        docs.Add(bundle.Split("\n---").First(d => d.Contains("name: vaultdynamicsecrets.generators.external-secrets.io", StringComparison.Ordinal)));
        var names = new List<string>();
        foreach (var doc in docs)
        {
            var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(doc);
            crd.Metadata.Annotations?.Clear();
            await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
            names.Add(crd.Metadata.Name);
        }
        foreach (var name in names)
            await KubeWait.CustomAsync(Client, "apiextensions.k8s.io", "v1", "customresourcedefinitions", null, name,
                o => o?["status"]?["conditions"] is JsonArray cs && cs.Any(c => c?["type"]?.GetValue<string>() == "Established" && c["status"]?.GetValue<string>() == "True"),
                TimeSpan.FromSeconds(30), $"CRD {name} to be Established");
    }

    public async Task<string> NewNamespaceAsync(string prefix)
    {
        var name = $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = name } });
        return name;
    }

    public async Task VaultKvPutAsync(string path, object data)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(Vault.Address, $"v1/secret/data/{path}")) { Content = JsonContent.Create(new { data }) };
        request.Headers.Add("X-Vault-Token", Vault.RootToken);
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
    }

    public async Task<JsonObject?> VaultAsync(HttpMethod method, string path, object? body = null, string? token = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(Vault.Address, "v1/" + path));
        if (body is not null) request.Content = JsonContent.Create(body);
        request.Headers.Add("X-Vault-Token", token ?? Vault.RootToken);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"vault {method} {path}: {(int)response.StatusCode} {text}");
        return string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text) as JsonObject;
    }

    public async ValueTask DisposeAsync()
    {
        if (Eso is not null) await Eso.DisposeAsync();
        if (Vault is not null) await Vault.DisposeAsync();
        await Moto.DisposeAsync();
        if (Kube is not null) await Kube.DisposeAsync();
        Http.Dispose();
    }
}
