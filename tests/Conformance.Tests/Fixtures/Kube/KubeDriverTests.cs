using System.Net;
using System.Text.Json.Nodes;
using Conformance.Fixtures.Jobs;
using Conformance.Fixtures.Kube;
using Conformance.Fixtures.Secrets;
using Conformance.Fixtures.Waits;
using Conformance.Tests.Fixtures.Support;
using FluentAssertions;
using k8s;
using Xunit;

namespace Conformance.Tests.Fixtures.Kube;

/// <summary>
/// The Kube driver's request shapes and its list+watch waits, against a scripted API in front of KubernetesClient.
/// (End-to-end tests against the twin's API server belong with the twin.)
/// </summary>
public sealed class KubeDriverTests
{
    private const string JobsPath = "/apis/mlops.mlops.dev/v1alpha1/namespaces/ns1/notebookvalidationjobs";
    private readonly SecretLedger _ledger = SecretLedger.NewRun();
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    private Conformance.Fixtures.Kube.Kube Driver(FakeKubeApi api) =>
        new(new KubernetesClientConfiguration { Host = "http://127.0.0.1:1", AccessToken = "admin-token-0123456789" }, _ledger, "run1", null, api);

    private static string Job(string rv, string phase, bool complete = false)
    {
        var completion = complete ? ",\"completionTime\":\"2026-01-01T00:00:00Z\"" : "";
        return "{\"metadata\":{\"name\":\"j\",\"namespace\":\"ns1\",\"resourceVersion\":\"" + rv + "\"},\"status\":{\"phase\":\"" + phase + "\"" + completion + "}}";
    }

    private static string List(string rv, params string[] items) =>
        $$"""{"kind":"List","metadata":{"resourceVersion":"{{rv}}"},"items":[{{string.Join(",", items)}}]}""";

    private static string Event(string type, string obj) => $$"""{"type":"{{type}}","object":{{obj}}}""";

    [Fact]
    public async Task A_wait_lists_then_watches_from_the_list_version_until_the_predicate_holds()
    {
        var api = new FakeKubeApi()
            .OnJson("GET", JobsPath, _ => List("10", Job("10", "ValidationRunning")))
            .OnWatch(JobsPath, ([Event("MODIFIED", Job("11", "Running")), Event("BOOKMARK", """{"metadata":{"resourceVersion":"12"}}"""),
                Event("MODIFIED", Job("13", "Succeeded", complete: true))], true));
        using var kube = Driver(api);

        var status = await new NotebookJobs(kube).AwaitTerminalAsync("ns1", "j", TimeSpan.FromSeconds(30), Ct);

        status.Phase.Should().Be("Succeeded");
        var watch = api.Requests.Single(r => r.PathAndQuery.Contains("watch=1", StringComparison.Ordinal));
        watch.PathAndQuery.Should().Contain("resourceVersion=10").And.Contain("fieldSelector=metadata.name%3Dj").And.Contain("allowWatchBookmarks=true");
    }

    [Fact]
    public async Task A_closed_watch_resumes_from_the_last_version_and_410_Gone_relists()
    {
        var lists = 0;
        var api = new FakeKubeApi()
            .OnJson("GET", JobsPath, _ => ++lists == 1 ? List("5", Job("5", "ValidationRunning")) : List("40", Job("40", "Failed", complete: true)))
            .OnWatch(JobsPath,
                ([Event("MODIFIED", Job("6", "Running"))], false),                                         // closes: resume from 6
                ([Event("ERROR", """{"kind":"Status","code":410,"reason":"Expired","message":"too old"}""")], false)); // gone: re-list
        using var kube = Driver(api);

        var status = await new NotebookJobs(kube).AwaitTerminalAsync("ns1", "j", TimeSpan.FromSeconds(30), Ct);

        status.Phase.Should().Be("Failed");
        lists.Should().Be(2);
        api.Requests.Where(r => r.PathAndQuery.Contains("watch=1", StringComparison.Ordinal)).Select(r => r.PathAndQuery)
            .Should().SatisfyRespectively(
                first => first.Should().Contain("resourceVersion=5"),
                second => second.Should().Contain("resourceVersion=6"));
    }

    [Fact]
    public async Task On_timeout_the_error_names_the_wait_and_shows_the_last_object_with_secret_data_fingerprinted()
    {
        var canary = new CanaryGenerator(_ledger).Next("db-password");
        var b64 = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(canary.Reveal()));
        var secret = "{\"metadata\":{\"name\":\"db\",\"resourceVersion\":\"3\",\"managedFields\":[{\"manager\":\"x\"}]},\"type\":\"Opaque\",\"data\":{\"password\":\"" + b64 + "\"}}";
        var api = new FakeKubeApi()
            .OnJson("GET", "/api/v1/namespaces/ns1/secrets", _ => List("3", secret))
            .OnWatch("/api/v1/namespaces/ns1/secrets", ([], true));
        using var kube = Driver(api);

        var e = (await FluentActions.Awaiting(() => kube.WaitForAsync(KubeResource.Secrets, "ns1", "db", o => o?["data"]?["user"] is not null,
            "Secret ns1/db to gain key 'user'", TimeSpan.FromMilliseconds(400), Ct)).Should().ThrowAsync<DeadlineExceededException>()).Which;

        e.Message.Should().StartWith("waited 400ms for Secret ns1/db to gain key 'user'");
        e.Message.Should().Contain(canary.Fingerprint).And.Contain("\"resourceVersion\":\"3\"");
        e.Message.Should().NotContain(b64).And.NotContain(canary.Reveal()).And.NotContain("managedFields");
        new LeakScanner(_ledger).ScanText(e.Message, "exception").Should().BeEmpty();
    }

    [Fact]
    public async Task Waiting_for_deletion_ends_on_DELETED()
    {
        var api = new FakeKubeApi()
            .OnJson("DELETE", "/api/v1/namespaces/cf-x", _ => "{}")
            .OnJson("GET", "/api/v1/namespaces", _ => List("7", """{"metadata":{"name":"cf-x","resourceVersion":"7"},"status":{"phase":"Terminating"}}"""))
            .OnWatch("/api/v1/namespaces", ([Event("DELETED", """{"kind":"Namespace","metadata":{"name":"cf-x","resourceVersion":"8"}}""")], true));
        using var kube = Driver(api);

        await kube.DeleteNamespaceAsync("cf-x", TimeSpan.FromSeconds(30), Ct);

        api.Requests.Should().Contain(r => r.Method == "DELETE" && r.PathAndQuery == "/api/v1/namespaces/cf-x");
    }

    [Fact]
    public async Task Apply_uses_server_side_apply_with_our_field_manager_and_discovers_unknown_kinds()
    {
        var api = new FakeKubeApi()
            .OnJson("GET", "/apis/external-secrets.io/v1", _ => """{"resources":[{"name":"externalsecrets","kind":"ExternalSecret","namespaced":true},{"name":"externalsecrets/status","kind":"ExternalSecret","namespaced":true}]}""")
            .On(r => r.Method == HttpMethod.Patch, r => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(r.Content!.ReadAsStringAsync().Result) });
        using var kube = Driver(api);

        var applied = await kube.ApplyYamlAsync("""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: cfg
            data:
              port: "5432"
            ---
            apiVersion: external-secrets.io/v1
            kind: ExternalSecret
            metadata:
              name: es
              namespace: other
            spec:
              refreshInterval: 10s
              data:
                - secretKey: password
                  remoteRef: {key: app/db, version: 2}
            """, "ns1", Ct);

        applied.Should().HaveCount(2);
        var patches = api.Requests.Where(r => r.Method == "PATCH").ToList();
        patches.Select(r => r.PathAndQuery).Should().Equal(
            "/api/v1/namespaces/ns1/configmaps/cfg?fieldManager=conformance&force=true",
            "/apis/external-secrets.io/v1/namespaces/other/externalsecrets/es?fieldManager=conformance&force=true");
        patches.Should().AllSatisfy(p => p.ContentType.Should().Be("application/apply-patch+yaml"));
        var es = JsonNode.Parse(patches[1].Body!)!;
        ((string)es["spec"]!["data"]![0]!["remoteRef"]!["key"]!).Should().Be("app/db");
        ((int)es["spec"]!["data"]![0]!["remoteRef"]!["version"]!).Should().Be(2, "plain scalars are typed like Kubernetes' YAML decoder does");
        ((string)JsonNode.Parse(patches[0].Body!)!["data"]!["port"]!).Should().Be("5432", "quoted scalars stay strings");
    }

    [Fact]
    public async Task API_errors_carry_the_Status_reason_and_secrets_go_out_as_stringData()
    {
        var canary = new CanaryGenerator(_ledger).Next("token");
        var api = new FakeKubeApi()
            .OnJson("POST", "/api/v1/namespaces/ns1/secrets", r => r.Content!.ReadAsStringAsync().Result)
            .OnJson("GET", "/api/v1/namespaces/ns1/configmaps/missing", _ => """{"kind":"Status","reason":"NotFound","code":404,"message":"configmaps \"missing\" not found"}""", HttpStatusCode.NotFound)
            .OnJson("POST", "/api/v1/namespaces/ns1/configmaps", _ => """{"kind":"Status","reason":"AlreadyExists","code":409,"message":"configmaps \"cfg\" already exists"}""", HttpStatusCode.Conflict);
        using var kube = Driver(api);

        await kube.CreateSecretAsync("ns1", "db", new Dictionary<string, SecretValue> { ["token"] = canary }, cancellationToken: Ct);
        (await kube.GetConfigMapAsync("ns1", "missing", Ct)).Should().BeNull();
        var e = (await FluentActions.Awaiting(() => kube.CreateConfigMapAsync("ns1", "cfg", new Dictionary<string, string>(), Ct))
            .Should().ThrowAsync<KubeApiException>()).Which;

        e.Reason.Should().Be("AlreadyExists");
        e.IsConflict.Should().BeTrue();
        var post = JsonNode.Parse(api.Requests.First(r => r.Method == "POST").Body!)!;
        ((string)post["stringData"]!["token"]!).Should().Be(canary.Reveal());
        ((string)post["kind"]!).Should().Be("Secret");
        _ledger.Knows("admin-token-0123456789").Should().BeTrue("the kubeconfig token is a secret of the run");
    }

    [Fact]
    public async Task A_job_run_collects_status_validator_log_probe_and_events()
    {
        var api = new FakeKubeApi()
            .OnJson("POST", JobsPath, r => r.Content!.ReadAsStringAsync().Result)
            .OnJson("GET", JobsPath, _ => List("1", Job("1", "Succeeded", complete: true)))
            .OnJson("GET", "/api/v1/namespaces/ns1/pods/j-validation/log?container=validator", _ =>
                "Executing notebook\nCONFORMANCE_PROBE {\"v\":1,\"probe\":\"p\",\"env\":{}}\nResults Summary:\n{}")
            .OnJson("GET", "/api/v1/namespaces/ns1/events", _ => List("1",
                """{"type":"Normal","reason":"ValidationSucceeded","message":"ok","involvedObject":{"kind":"NotebookValidationJob","name":"j"},"lastTimestamp":"2026-01-01T00:00:00Z"}""",
                """{"type":"Normal","reason":"Other","message":"x","involvedObject":{"kind":"Pod","name":"j-validation"}}"""));
        using var kube = Driver(api);

        var run = await new NotebookJobs(kube).RunAsync("ns1", NotebookJob.Default("j", "http://git/r.git", "main", "probe.ipynb"), TimeSpan.FromSeconds(30), Ct);

        run.Succeeded.Should().BeTrue();
        run.RequireProbe().Name.Should().Be("p");
        run.Events.Should().ContainSingle().Which.Reason.Should().Be("ValidationSucceeded");
        api.Requests.Should().Contain(r => r.PathAndQuery.StartsWith("/api/v1/namespaces/ns1/events?fieldSelector=involvedObject.kind%3DNotebookValidationJob", StringComparison.Ordinal));
    }
}
