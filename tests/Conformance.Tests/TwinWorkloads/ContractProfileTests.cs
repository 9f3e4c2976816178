using Conformance.Twin.Workloads.Operator;
using FluentAssertions;
using k8s;
using Xunit;

namespace Conformance.Tests.TwinWorkloads;

public sealed class ContractStack : IAsyncLifetime
{
    public TwinStack Stack { get; private set; } = null!;
    public async ValueTask InitializeAsync() => Stack = await TwinStack.StartAsync(OperatorProfile.Contract);
    public async ValueTask DisposeAsync() => await Stack.DisposeAsync();
}

/// <summary>The contract profile end to end: what the ADRs promise where v1.0.8 deviates.</summary>
public sealed class ContractProfileTests(ContractStack fixture) : IClassFixture<ContractStack>
{
    private TwinStack Twin => fixture.Stack;

    private const string EnvNotebook = """
        {"cells":[{"cell_type":"code","metadata":{},"outputs":[],"execution_count":null,
          "source":"import os\nassert os.environ['DB_PASSWORD'] == 'pw-1'\nassert os.environ['HOME'] == '/workspace', os.environ.get('HOME')\nprint('VALIDATION_LEVEL', os.environ['VALIDATION_LEVEL'])"}],
         "metadata":{},"nbformat":4,"nbformat_minor":5}
        """;

    [Fact]
    public async Task Built_in_env_is_kept_beside_user_env_and_CR_annotations_reach_the_pod()
    {
        if (!ProgramRun.HasPython3()) Assert.Skip("python3 is not installed on this machine");
        var ns = await Twin.NamespaceAsync("contract");
        await Twin.SecretAsync(ns, "db", ("password", "pw-1"));
        var repo = await Twin.PublishNotebookAsync(ns, "nb.ipynb", EnvNotebook);
        await Twin.CreateJobAsync(ns, "c1", repo, "nb.ipynb",
            """, "env": [{"name":"DB_PASSWORD","valueFrom":{"secretKeyRef":{"name":"db","key":"password"}}}]""",
            """, "annotations": {"example.com/team":"ml"}""");

        var job = await Twin.WaitForTerminalAsync(ns, "c1", TimeSpan.FromSeconds(120));

        ((string?)job["status"]!["phase"]).Should().Be("Succeeded", job["status"]!.ToJsonString());
        var pod = await Twin.Client.CoreV1.ReadNamespacedPodAsync("c1-validation", ns, cancellationToken: TestContext.Current.CancellationToken);
        pod.Metadata.Annotations.Should().Contain("example.com/team", "ml");
    }

    [Fact]
    public async Task Spec_timeout_is_enforced()
    {
        if (!ProgramRun.HasPython3()) Assert.Skip("python3 is not installed on this machine");
        var ns = await Twin.NamespaceAsync("timeout");
        var repo = await Twin.PublishNotebookAsync(ns, "slow.ipynb", """
            {"cells":[{"cell_type":"code","metadata":{},"outputs":[],"execution_count":null,"source":"import time\ntime.sleep(600)"}],"metadata":{},"nbformat":4,"nbformat_minor":5}
            """);
        var body = System.Text.Json.Nodes.JsonNode.Parse($$"""
            {"apiVersion":"mlops.mlops.dev/v1alpha1","kind":"NotebookValidationJob","metadata":{"name":"c2"},
             "spec":{"notebook":{"git":{"url":"{{repo}}","ref":"main"},"path":"slow.ipynb"},
                     "podConfig":{"containerImage":"img:1"},"timeout":"8s"} }
            """)!;
        await Twin.Client.CustomObjects.CreateNamespacedCustomObjectAsync(body, "mlops.mlops.dev", "v1alpha1", ns, "notebookvalidationjobs",
            cancellationToken: TestContext.Current.CancellationToken);

        var started = DateTime.UtcNow;
        var job = await Twin.WaitForTerminalAsync(ns, "c2", TimeSpan.FromSeconds(90));

        ((string?)job["status"]!["phase"]).Should().Be("Failed");
        ((string?)job["status"]!["message"]).Should().Be("Validation timed out after 8s (spec.timeout)");
        (DateTime.UtcNow - started).Should().BeLessThan(TimeSpan.FromSeconds(60));
    }
}
