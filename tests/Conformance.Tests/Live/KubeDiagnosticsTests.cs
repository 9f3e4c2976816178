using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Conformance.Environments.Existing;
using Conformance.Environments.Live;
using Conformance.Environments.Plan;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Live;

/// <summary>
/// The live worlds' diagnostics against a fake API server (the twin's controllers are not pods, so its pods/log has
/// nothing to say about them): the requests made, the window cut by the kubelet's stamps, the previous instance of a
/// restarted controller, and the pure pieces the k3s world uses for its containers (no Docker here).
/// </summary>
public sealed class KubeDiagnosticsTests
{
    private static readonly DateTimeOffset From = DateTimeOffset.Parse("2026-11-23T10:00:05.500Z");
    private static readonly DateTimeOffset To = DateTimeOffset.Parse("2026-11-23T10:00:09Z");

    private const string OperatorLog = """
        2026-11-23T10:00:05.000000001Z before the window (sinceTime is whole seconds)
        2026-11-23T10:00:06.123456789Z reconcile job-1
          a continuation line
        2026-11-23T10:00:08.999999999Z created pod job-1-validation
        2026-11-23T10:00:09.000000201Z after the window (.NET keeps 100 ns)
        """;

    [Fact]
    public void Nanosecond_stamps_parse_and_the_window_is_cut_exactly_with_continuations_kept()
    {
        var lines = TimestampedLines.Window(OperatorLog, From, To);
        lines.Select(l => l.Text).Should().Equal("reconcile job-1", "  a continuation line", "created pod job-1-validation");
        lines[0].Time.Should().Be(new DateTimeOffset(2026, 11, 23, 10, 0, 6, TimeSpan.Zero).AddTicks(1234567));
        TimestampedLines.TryParse("not a stamp", out _, out _).Should().BeFalse();
        TimestampedLines.TryParse("2026-11-23T10:00:06+02:00 offset", out var t, out var text).Should().BeTrue();
        t.Should().Be(DateTimeOffset.Parse("2026-11-23T08:00:06Z"));
        text.Should().Be("offset");
    }

    [Fact]
    public void Log_paths_ask_for_stamped_lines_from_the_floored_second_and_unbounded_starts_send_no_sinceTime()
    {
        KubeDiagnostics.LogPath("ns", "pod-a", "manager", From, previous: false)
            .Should().Be("/api/v1/namespaces/ns/pods/pod-a/log?container=manager&timestamps=true&sinceTime=2026-11-23T10%3A00%3A05Z");
        KubeDiagnostics.LogPath("ns", "pod-a", "manager", DateTimeOffset.MinValue, previous: true)
            .Should().Be("/api/v1/namespaces/ns/pods/pod-a/log?container=manager&timestamps=true&previous=true");
        KubeDiagnostics.PodListPath(PodLogSource.ExternalSecrets)
            .Should().Be("/api/v1/namespaces/external-secrets/pods?labelSelector=app.kubernetes.io%2Fname%3Dexternal-secrets");
    }

    [Fact]
    public void The_installed_sources_are_named_like_the_twin_components()
    {
        PodLogSource.Installed.Select(s => s.Component).Should().Equal("operator", "external-secrets", "vault-injector");
        PodLogSource.Operator.Namespace.Should().Be(OperatorManifests.Namespace);
        PodLogSource.VaultInjector.Namespace.Should().Be(Infra.VaultNamespace);
    }

    [Fact]
    public async Task Operator_logs_come_from_its_pod_through_the_API_cut_to_the_window()
    {
        using var api = new FakeApiServer();
        api.Pods[OperatorManifests.Namespace] = [Pod("op-1", ("manager", 0), ("kube-rbac-proxy", 0))];
        api.Logs["op-1/manager"] = OperatorLog;
        using var kube = KubeApi.FromKubeconfig(api.Kubeconfig(), null);
        var diagnostics = new KubeDiagnostics(kube, PodLogSource.Installed);

        var lines = await diagnostics.LogsAsync("operator", From, To, TestContext.Current.CancellationToken);

        lines.Select(l => l.Text).Should().Equal("reconcile job-1", "  a continuation line", "created pod job-1-validation");
        api.Requests.Should().Contain($"/api/v1/namespaces/{OperatorManifests.Namespace}/pods?labelSelector=control-plane%3Dcontroller-manager");
        api.Requests.Should().Contain(r => r.Contains("/pods/op-1/log?container=manager&timestamps=true&sinceTime=2026-11-23T10%3A00%3A05Z"));
        api.Requests.Should().NotContain(r => r.Contains("kube-rbac-proxy"), "the operator source reads its manager container only");
    }

    [Fact]
    public async Task A_restarted_controller_contributes_its_previous_instance_and_several_pods_are_labelled_and_merged_by_time()
    {
        using var api = new FakeApiServer();
        api.Pods[Infra.EsoNamespace] = [Pod("eso-a", ("external-secrets", 1)), Pod("eso-b", ("external-secrets", 0))];
        api.Logs["eso-a/external-secrets/previous"] = "2026-11-23T10:00:06Z crashed while syncing\n";
        api.Logs["eso-a/external-secrets"] = "2026-11-23T10:00:08Z started again\n";
        api.Logs["eso-b/external-secrets"] = "2026-11-23T10:00:07Z standby\n";
        using var kube = KubeApi.FromKubeconfig(api.Kubeconfig(), null);
        var diagnostics = new KubeDiagnostics(kube, PodLogSource.Installed);

        var lines = await diagnostics.LogsAsync("external-secrets", From, To, TestContext.Current.CancellationToken);

        lines.Select(l => l.Text).Should().Equal(
            "[eso-a/external-secrets (previous)] crashed while syncing",
            "[eso-b/external-secrets] standby",
            "[eso-a/external-secrets] started again");
    }

    [Fact]
    public async Task A_controller_without_pods_fails_naming_namespace_and_selector()
    {
        using var api = new FakeApiServer();
        using var kube = KubeApi.FromKubeconfig(api.Kubeconfig(), null);
        var diagnostics = new KubeDiagnostics(kube, PodLogSource.Installed);

        var act = () => diagnostics.LogsAsync("vault-injector", From, To, TestContext.Current.CancellationToken);

        (await act.Should().ThrowAsync<InvalidOperationException>()).Which.Message
            .Should().Contain(Infra.VaultNamespace).And.Contain("app.kubernetes.io/name=vault-agent-injector");
    }

    [Fact]
    public async Task Side_container_logs_are_windowed_and_stdout_and_stderr_merged_by_time()
    {
        using var api = new FakeApiServer();
        using var kube = KubeApi.FromKubeconfig(api.Kubeconfig(), null);
        (DateTimeOffset, DateTimeOffset)? asked = null;
        var diagnostics = new KubeDiagnostics(kube, PodLogSource.Installed,
        [
            new TextLogSource("localstack", (since, until, _) =>
            {
                asked = (since, until);
                return Task.FromResult("2026-11-23T10:00:08Z stdout later\n2026-11-23T10:00:01Z stdout early\n\n2026-11-23T10:00:07Z stderr between\n");
            }),
        ]);

        diagnostics.Components.Should().Equal("operator", "external-secrets", "vault-injector", "localstack");
        var lines = await diagnostics.LogsAsync("localstack", From, To, TestContext.Current.CancellationToken);

        lines.Select(l => l.Text).Should().Equal("stderr between", "stdout later");
        asked.Should().Be((From, To));
        var unknown = () => diagnostics.LogsAsync("kubelet", From, To, TestContext.Current.CancellationToken);
        (await unknown.Should().ThrowAsync<ArgumentException>()).Which.Message.Should().Contain("localstack");
    }

    [Fact]
    public void Docker_log_bounds_widen_to_whole_seconds_and_unbounded_ends_become_default()
    {
        ContainerLogs.Since(From).Should().Be(new DateTime(2026, 11, 23, 10, 0, 5, DateTimeKind.Utc));
        ContainerLogs.Until(From).Should().Be(new DateTime(2026, 11, 23, 10, 0, 6, DateTimeKind.Utc));
        ContainerLogs.Since(DateTimeOffset.MinValue).Should().Be(default);
        ContainerLogs.Until(DateTimeOffset.MaxValue).Should().Be(default);
    }

    [Fact]
    public void The_vault_dev_banner_never_carries_the_root_token_or_unseal_key_out()
    {
        var token = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var text = $"""
            2026-11-23T10:00:01Z Unseal Key: c2VjcmV0LXVuc2VhbC1rZXk=
            2026-11-23T10:00:01Z Root Token: {token}
            2026-11-23T10:00:02Z [INFO]  core: token {token} used
            """;

        var masked = ContainerLogs.MaskVaultSecrets(text, token);

        masked.Should().NotContain(token).And.NotContain("c2VjcmV0LXVuc2VhbC1rZXk=");
        masked.Should().Contain("Root Token: <masked>").And.Contain("Unseal Key: <masked>").And.Contain("token <vault root token> used");
    }

    [Fact]
    public async Task Vault_audit_lines_are_cut_by_their_time_and_a_world_without_a_reader_says_why()
    {
        using var api = new FakeApiServer();
        using var kube = KubeApi.FromKubeconfig(api.Kubeconfig(), null);
        var audit = """
            {"time":"2026-11-23T10:00:04.999999Z","type":"request","request":{"path":"auth/kubernetes/login"}}
            {"time":"2026-11-23T10:00:06.123456789Z","type":"response","request":{"path":"database/creds/scenario-a"}}
            not json
            {"type":"request"}
            """;
        var k3sLike = new KubeDiagnostics(kube, [], readAudit: _ => Task.FromResult(audit));
        var lines = await k3sLike.VaultAuditAsync(From, To, TestContext.Current.CancellationToken);
        lines.Should().ContainSingle().Which.Should().Contain("database/creds/scenario-a");

        var existingLike = new KubeDiagnostics(kube, [], auditUnavailable: ExistingWorld.AuditUnavailable);
        var act = () => existingLike.VaultAuditAsync(From, To, TestContext.Current.CancellationToken);
        (await act.Should().ThrowAsync<NotSupportedException>()).Which.Message.Should().Contain("Vault host");
    }

    [Fact]
    public void In_an_existing_cluster_the_source_is_the_deployment_running_the_controller_not_the_eso_webhook()
    {
        var deployments = JsonNode.Parse("""
            [
              {"metadata":{"namespace":"eso","name":"eso-webhook"},"spec":{"selector":{"matchLabels":{"app":"webhook"}},
                "template":{"spec":{"containers":[{"name":"webhook","image":"ghcr.io/external-secrets/external-secrets:v2.9.0","args":["webhook","--port=10250"]}]}}}},
              {"metadata":{"namespace":"eso","name":"eso"},"spec":{"selector":{"matchLabels":{"app.kubernetes.io/name":"external-secrets","app.kubernetes.io/instance":"eso"}},
                "template":{"spec":{"containers":[{"name":"external-secrets","image":"ghcr.io/external-secrets/external-secrets:v2.9.0","args":["--concurrent=1"]}]}}}}
            ]
            """)!.AsArray();

        var source = DeployedLogSources.Find(deployments, "external-secrets", "external-secrets/external-secrets");

        source.Should().Be(new PodLogSource("external-secrets", "eso", "app.kubernetes.io/instance=eso,app.kubernetes.io/name=external-secrets", "external-secrets"));
        DeployedLogSources.Find(deployments, "operator", "jupyter-notebook-validator-operator").Should().BeNull();
    }

    [Fact]
    public async Task Frozen_before_the_world_stops_the_logs_and_audit_outlive_the_API_server_and_containers()
    {
        var api = new FakeApiServer();
        api.Pods[OperatorManifests.Namespace] = [Pod("op-1", ("manager", 0))];
        api.Logs["op-1/manager"] = OperatorLog;
        var kube = KubeApi.FromKubeconfig(api.Kubeconfig(), null);
        var audit = "{\"time\":\"2026-11-23T10:00:06Z\",\"type\":\"request\"}\n";
        var diagnostics = new KubeDiagnostics(kube, [PodLogSource.Operator, PodLogSource.VaultInjector],
            [new TextLogSource("vault", (_, _, _) => Task.FromResult("2026-11-23T10:00:07Z vault line\n"))],
            _ => Task.FromResult(audit));

        await diagnostics.FreezeAsync(TestContext.Current.CancellationToken);
        kube.Dispose();
        api.Dispose();

        (await diagnostics.LogsAsync("operator", DateTimeOffset.MinValue, DateTimeOffset.MaxValue, TestContext.Current.CancellationToken))
            .Should().HaveCount(5, "the whole log was kept, every line");
        (await diagnostics.LogsAsync("operator", From, To, TestContext.Current.CancellationToken)).Should().HaveCount(3);
        (await diagnostics.LogsAsync("vault", From, To, TestContext.Current.CancellationToken)).Should().ContainSingle();
        (await diagnostics.LogsAsync("vault-injector", From, To, TestContext.Current.CancellationToken))
            .Should().ContainSingle().Which.Text.Should().Contain("could not be read before the world stopped").And.Contain("vault-agent-injector");
        (await diagnostics.VaultAuditAsync(From, To, TestContext.Current.CancellationToken)).Should().ContainSingle();
    }

    private static string Pod(string name, params (string Container, int Restarts)[] containers) =>
        new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = name },
            ["spec"] = new JsonObject { ["containers"] = new JsonArray([.. containers.Select(c => (JsonNode)new JsonObject { ["name"] = c.Container })]) },
            ["status"] = new JsonObject
            {
                ["containerStatuses"] = new JsonArray([.. containers.Select(c => (JsonNode)new JsonObject { ["name"] = c.Container, ["restartCount"] = c.Restarts })]),
            },
        }.ToJsonString();

    /// <summary>Serves pod lists per namespace and logs per pod/container[/previous]; 400 for a log it does not have.</summary>
    private sealed class FakeApiServer : IDisposable
    {
        private readonly HttpListener _listener = new();
        public Dictionary<string, List<string>> Pods { get; } = new();
        public Dictionary<string, string> Logs { get; } = new();
        public ConcurrentQueue<string> Requests { get; } = new();
        private string Url { get; }

        public FakeApiServer()
        {
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                Url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}";
            }

            _listener.Prefixes.Add(Url + "/");
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public string Kubeconfig()
        {
            var path = Path.Combine(Path.GetTempPath(), $"conformance-kubeconfig-{Guid.NewGuid():N}");
            File.WriteAllText(path, $$"""
                apiVersion: v1
                kind: Config
                clusters:
                - name: fake
                  cluster: {server: "{{Url}}", insecure-skip-tls-verify: true}
                users:
                - name: fake
                  user: {token: not-a-real-token}
                contexts:
                - name: fake
                  context: {cluster: fake, user: fake}
                current-context: fake
                """);
            return path;
        }

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                var url = context.Request.Url!;
                Requests.Enqueue(url.PathAndQuery);
                var segments = url.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
                var query = System.Web.HttpUtility.ParseQueryString(url.Query);
                var (status, type, body) = segments switch
                {
                    ["api", "v1", "namespaces", var ns, "pods"] =>
                        (200, "application/json", $"{{\"items\":[{string.Join(",", Pods.GetValueOrDefault(ns) ?? [])}]}}"),
                    ["api", "v1", "namespaces", _, "pods", var pod, "log"] when
                        Logs.TryGetValue($"{pod}/{query["container"]}{(query["previous"] == "true" ? "/previous" : "")}", out var log) =>
                        (200, "text/plain", log),
                    ["api", "v1", "namespaces", _, "pods", _, "log"] => (400, "application/json", """{"kind":"Status","message":"previous terminated container not found"}"""),
                    _ => (404, "application/json", """{"kind":"Status","message":"not found"}"""),
                };
                context.Response.StatusCode = status;
                context.Response.ContentType = type;
                await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(body));
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Stop();
    }
}
