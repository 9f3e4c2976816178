using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Conformance.Environments.Existing;
using Conformance.Environments.Options;
using Conformance.Fixtures.Worlds;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Live;

public sealed class ExistingWorldTests
{
    private static string Kubeconfig(string server)
    {
        var path = Path.Combine(Path.GetTempPath(), $"conformance-kubeconfig-{Guid.NewGuid():N}");
        File.WriteAllText(path, $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: fake
              cluster:
                server: {server}
                insecure-skip-tls-verify: true
            users:
            - name: fake
              user:
                token: not-a-real-token
            contexts:
            - name: fake
              context: {"{"}cluster: fake, user: fake{"}"}
            current-context: fake
            """);
        return path;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public async Task A_kubeconfig_pointing_at_nothing_fails_clearly_naming_server_file_and_what_to_check()
    {
        var port = FreePort();
        var kubeconfig = Kubeconfig($"https://127.0.0.1:{port}");
        var world = new ExistingWorld(LiveOptions.Default with { Kubeconfig = kubeconfig }, log: _ => { });
        var clock = Stopwatch.StartNew();
        var act = () => world.StartAsync(TestContext.Current.CancellationToken);
        var error = (await act.Should().ThrowAsync<ExistingWorldException>()).Which;
        // Connection refused answers at once; the bound only guards against waiting on a dead endpoint forever.
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30));
        error.Message.Should().Contain($"127.0.0.1:{port}").And.Contain(kubeconfig).And.Contain("unreachable").And.Contain("KUBECONFIG");
    }

    [Fact]
    public async Task A_missing_kubeconfig_says_which_file_and_what_to_set()
    {
        var world = new ExistingWorld(LiveOptions.Default with { Kubeconfig = "/nonexistent/kubeconfig" }, log: _ => { });
        var act = () => world.StartAsync(TestContext.Current.CancellationToken);
        (await act.Should().ThrowAsync<ExistingWorldException>()).Which.Message.Should().Contain("/nonexistent/kubeconfig").And.Contain("KUBECONFIG");
    }

    [Fact]
    public async Task An_empty_cluster_is_reported_component_by_component_with_install_commands()
    {
        using var api = new FakeApiServer();
        var kubeconfig = Kubeconfig(api.Url);
        var world = new ExistingWorld(LiveOptions.Default with { Kubeconfig = kubeconfig }, log: _ => { });

        var report = await world.CheckAsync(TestContext.Current.CancellationToken);
        report.Find(ExistingWorld.ComponentOperator)!.Present.Should().BeFalse();
        report.Find(ExistingWorld.ComponentOperator)!.Observed.Should().Contain("CRD notebookvalidationjobs.mlops.mlops.dev missing");
        report.Find(ExistingWorld.ComponentEso)!.InstallCommand.Should().Contain("helm install external-secrets").And.Contain("--version 2.9.0");
        report.Find(ExistingWorld.ComponentInjector)!.Observed.Should().Contain("vault.hashicorp.com");
        report.Find(ExistingWorld.ComponentVault)!.Observed.Should().Contain("CONFORMANCE_VAULT_ADDR is not set");
        report.Describe().Should().Contain("--env existing --install");

        var world2 = await world.StartAsync(TestContext.Current.CancellationToken);
        world2.Environment.Should().Be("existing");
        world2.Capabilities.Supports(Capability.Kubernetes).Should().BeTrue();
        world2.Capabilities.Supports(Capability.Operator).Should().BeFalse();
        world2.Capabilities.WhyNot(Capability.ExternalSecrets).Should().Contain("helm install external-secrets");
        world2.Vault.Should().BeNull();
        var publish = () => world2.Notebooks.PublishAsync("x", new Dictionary<string, byte[]> { ["a.ipynb"] = [] }, TestContext.Current.CancellationToken);
        (await publish.Should().ThrowAsync<ExistingWorldException>()).Which.Message.Should().Contain("CONFORMANCE_NOTEBOOK_GIT_BASE");
    }

    [Fact]
    public async Task Installed_components_with_served_CRDs_and_available_controllers_are_found()
    {
        using var api = new FakeApiServer();
        api.Crds["notebookvalidationjobs.mlops.mlops.dev"] = """{"spec":{"versions":[{"name":"v1alpha1","served":true}]}}""";
        api.Deployments.Add("""{"metadata":{"namespace":"nbv","name":"manager"},"spec":{"template":{"spec":{"containers":[{"image":"quay.io/takinosh/jupyter-notebook-validator-operator:1.0.8"}]}}},"status":{"conditions":[{"type":"Available","status":"True"}]}}""");
        foreach (var crd in new[] { "externalsecrets", "secretstores", "clustersecretstores" })
            api.Crds[$"{crd}.external-secrets.io"] = """{"spec":{"versions":[{"name":"v1","served":true},{"name":"v1beta1","served":false}]}}""";
        api.Deployments.Add("""{"metadata":{"namespace":"eso","name":"external-secrets"},"spec":{"template":{"spec":{"containers":[{"image":"ghcr.io/external-secrets/external-secrets:v2.9.0"}]}}},"status":{"conditions":[{"type":"Available","status":"False"}]}}""");

        var report = await new ExistingWorld(LiveOptions.Default with { Kubeconfig = Kubeconfig(api.Url) }, log: _ => { })
            .CheckAsync(TestContext.Current.CancellationToken);
        report.Find(ExistingWorld.ComponentOperator)!.Present.Should().BeTrue(report.Describe());
        report.Find(ExistingWorld.ComponentOperator)!.Version.Should().Be("1.0.8");
        report.Find(ExistingWorld.ComponentEso)!.Present.Should().BeFalse();
        report.Find(ExistingWorld.ComponentEso)!.Observed.Should().Contain("eso/external-secrets is not Available");
    }

    /// <summary>Just enough of the Kubernetes API over plain HTTP for the existing world's checks.</summary>
    private sealed class FakeApiServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        public Dictionary<string, string> Crds { get; } = new();
        public List<string> Deployments { get; } = [];
        public string Url { get; }

        public FakeApiServer()
        {
            Url = $"http://127.0.0.1:{FreePort()}";
            _listener.Prefixes.Add(Url + "/");
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                var path = context.Request.Url!.AbsolutePath;
                var (status, body) = path switch
                {
                    "/version" => (200, """{"gitVersion":"v1.33.1"}"""),
                    "/apis/apps/v1/deployments" => (200, $$"""{"items":[{{string.Join(",", Deployments)}}]}"""),
                    "/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations" => (200, """{"items":[]}"""),
                    _ when path.StartsWith("/apis/apiextensions.k8s.io/v1/customresourcedefinitions/", StringComparison.Ordinal) =>
                        Crds.TryGetValue(path.Split('/').Last(), out var crd) ? (200, crd) : (404, """{"kind":"Status","message":"not found"}"""),
                    _ => (404, """{"kind":"Status","message":"not found"}"""),
                };
                context.Response.StatusCode = status;
                context.Response.ContentType = "application/json";
                var bytes = Encoding.UTF8.GetBytes(body);
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Stop();
    }
}
