using System.Text.Json.Nodes;
using Conformance.Twin.Workloads.Operator;
using FluentAssertions;
using k8s;
using Xunit;

namespace Conformance.Tests.TwinWorkloads;

public sealed class UpstreamStack : IAsyncLifetime
{
    public TwinStack Stack { get; private set; } = null!;
    public async ValueTask InitializeAsync() => Stack = await TwinStack.StartAsync(OperatorProfile.Upstream);
    public async ValueTask DisposeAsync() => await Stack.DisposeAsync();
}

/// <summary>
/// End to end on the twin's API server: the operator (upstream profile) makes the pod, the kubelet runs git-clone against
/// the twin git server and the validator with real python3, and the job ends as v1.0.8 would end it.
/// </summary>
public sealed class EndToEndTests(UpstreamStack fixture) : IClassFixture<UpstreamStack>
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(120);
    private TwinStack Twin => fixture.Stack;

    private const string ProbeNotebook = """
        {"cells":[
          {"cell_type":"markdown","metadata":{},"source":"# probe"},
          {"cell_type":"code","metadata":{},"outputs":[],"execution_count":null,"source":"import os\nassert os.environ.get('DB_PASSWORD') == 'pw-1', 'DB_PASSWORD missing'\nprint('HOME is', os.environ.get('HOME'))"}
        ],"metadata":{},"nbformat":4,"nbformat_minor":5}
        """;

    private const string EnvFromSecret = """, "env": [{"name":"DB_PASSWORD","valueFrom":{"secretKeyRef":{"name":"db","key":"password"}}}]""";

    [Fact]
    public async Task A_notebook_gets_a_secret_through_env_and_the_job_succeeds_with_results()
    {
        if (!ProgramRun.HasPython3()) Assert.Skip("python3 is not installed on this machine");
        var ns = await Twin.NamespaceAsync("ok");
        await Twin.SecretAsync(ns, "db", ("password", "pw-1"));
        var repo = await Twin.PublishNotebookAsync(ns, "nb/probe.ipynb", ProbeNotebook);
        await Twin.CreateJobAsync(ns, "t1", repo, "nb/probe.ipynb", EnvFromSecret);

        var job = await Twin.WaitForTerminalAsync(ns, "t1", Budget);

        var status = job["status"]!;
        ((string?)status["phase"]).Should().Be("Succeeded", status.ToJsonString());
        ((string?)status["message"]).Should().Be("Validation completed: 1/1 cells succeeded (100.0% success rate)");
        status["results"]!.AsArray().Select(r => (string?)r!["status"]).Should().Equal("Skipped", "Success");
        ((string?)status["validationPodName"]).Should().Be("t1-validation");
        status["conditions"]!.AsArray().Should().Contain(c => (string?)c!["type"] == "ValidationComplete" && (string?)c["status"] == "True");

        // upstream env quirk (§2.2): with user env, HOME=/workspace is dropped and only the image's HOME is left
        var log = await ReadLogAsync(ns, "t1-validation", "validator");
        log.Should().Contain("HOME is /home/jovyan", "the image's HOME remains once the built-in HOME=/workspace is replaced").And.Contain("Results Summary:");
        var events = await Twin.EventsAsync(ns);
        events.Should().Contain(e => e.Reason == "ValidationSucceeded" && e.InvolvedObject.Kind == "NotebookValidationJob"
            && e.Metadata.Labels["mlops.dev/notification-type"] == "validation-success");
        events.Should().Contain(e => e.Reason == "Scheduled" && e.Source.Component == "default-scheduler");
        events.Should().Contain(e => e.Reason == "Started" && e.InvolvedObject.FieldPath == "spec.initContainers{git-clone}");
        events.Should().NotContain(e => e.Message.Contains("pw-1"), "no secret value may appear in events");
    }

    [Fact]
    public async Task A_missing_secret_fails_the_job_after_the_retries_with_the_kubelets_text()
    {
        var ns = await Twin.NamespaceAsync("nosecret");
        var repo = await Twin.PublishNotebookAsync(ns, "nb/probe.ipynb", ProbeNotebook);
        await Twin.CreateJobAsync(ns, "t2", repo, "nb/probe.ipynb", EnvFromSecret);

        var job = await Twin.WaitForTerminalAsync(ns, "t2", Budget);

        var status = job["status"]!;
        TestContext.Current.TestOutputHelper?.WriteLine($"twin start {Twin.StartTime.TotalMilliseconds:F0} ms; status: {status.ToJsonString()}");
        ((string?)status["phase"]).Should().Be("Failed");
        var message = (string?)status["message"];
        message.Should().Match(m => m!.StartsWith("Validation failed after", StringComparison.Ordinal) || m == "Maximum retry attempts exceeded", message);
        if (message!.StartsWith("Validation failed after", StringComparison.Ordinal))
            message.Should().Contain("CreateContainerConfigError - secret \"db\" not found")
                .And.EndWith("Suggested action: Container configuration error. Check volume mounts, environment variables, and security context.");
        ((int?)status["retryCount"]).Should().BeGreaterThanOrEqualTo(NotebookOperator.MaxRetries);
        (await Twin.EventsAsync(ns)).Should().Contain(e => e.Reason == "Failed" && e.Message == "Error: secret \"db\" not found" && e.Source.Component == "kubelet");
    }

    [Fact]
    public async Task A_failing_cell_fails_the_job_after_the_retries_with_no_results()
    {
        if (!ProgramRun.HasPython3()) Assert.Skip("python3 is not installed on this machine");
        var ns = await Twin.NamespaceAsync("badcell");
        var repo = await Twin.PublishNotebookAsync(ns, "nb/bad.ipynb", """
            {"cells":[{"cell_type":"code","metadata":{},"outputs":[],"execution_count":null,"source":"raise ZeroDivisionError('division by zero')"}],"metadata":{},"nbformat":4,"nbformat_minor":5}
            """);
        await Twin.CreateJobAsync(ns, "t3", repo, "nb/bad.ipynb");

        var job = await Twin.WaitForTerminalAsync(ns, "t3", Budget);

        var status = job["status"]!;
        ((string?)status["phase"]).Should().Be("Failed");
        // reference/operator.md §2.5 MSG(n): the ". Log error: ..." part appears only when the operator could still read
        // the failed pod's log; §2.6: retryCount can jump while the pod terminates, so the last pod may already be gone.
        var message = (string?)status["message"];
        message.Should().StartWith("Validation failed after 3 retries: Validation pod failed: Unknown - . ")
            .And.EndWith("Suggested action: Container failed with exit code 1. Check logs for details.");
        if (message!.Contains(". Log error: ", StringComparison.Ordinal))
        {
            message.Should().Contain("ZeroDivisionError: division by zero", "a log error quotes the traceback's lines");
        }

        status["results"].Should().BeNull("results are parsed only when the pod succeeded (§2.4)");
        (await Twin.EventsAsync(ns)).Should().Contain(e => e.Reason == "ValidationFailed" && e.Type == "Warning");
    }

    [Fact]
    public async Task A_missing_service_account_fails_the_job_at_once()
    {
        var ns = await Twin.NamespaceAsync("nosa");
        var repo = await Twin.PublishNotebookAsync(ns, "nb/probe.ipynb", ProbeNotebook);
        await Twin.CreateJobAsync(ns, "t4", repo, "nb/probe.ipynb", """, "serviceAccountName": "ghost" """);

        var job = await Twin.WaitForTerminalAsync(ns, "t4", Budget);

        var status = job["status"]!;
        ((string?)status["phase"]).Should().Be("Failed");
        ((string?)status["message"]).Should().StartWith("Failed to create validation pod: ").And.Contain("serviceaccount \"ghost\" not found");
        ((int?)status["retryCount"]).Should().Be(0);
    }

    [Fact]
    public async Task A_missing_git_credentials_secret_fails_before_any_pod_exists()
    {
        var ns = await Twin.NamespaceAsync("nogit");
        var repo = await Twin.PublishNotebookAsync(ns, "nb/probe.ipynb", ProbeNotebook);
        var body = JsonNode.Parse($$"""
            {"apiVersion":"mlops.mlops.dev/v1alpha1","kind":"NotebookValidationJob","metadata":{"name":"t6"},
             "spec":{"notebook":{"git":{"url":"{{repo}}","ref":"main","credentialsSecret":"git-creds"},"path":"nb/probe.ipynb"},
                     "podConfig":{"containerImage":"img:1"} } }
            """)!;
        await Twin.Client.CustomObjects.CreateNamespacedCustomObjectAsync(body, "mlops.mlops.dev", "v1alpha1", ns, "notebookvalidationjobs", cancellationToken: TestContext.Current.CancellationToken);

        var job = await Twin.WaitForTerminalAsync(ns, "t6", Budget);
        ((string?)job["status"]!["message"]).Should().Be(
            "Failed to create validation pod: failed to resolve Git credentials: failed to get credentials secret git-creds: secrets \"git-creds\" not found");
    }

    private async Task<string> ReadLogAsync(string ns, string pod, string container)
    {
        await using var stream = await Twin.Client.CoreV1.ReadNamespacedPodLogAsync(pod, ns, container: container, cancellationToken: TestContext.Current.CancellationToken);
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(TestContext.Current.CancellationToken);
    }
}
