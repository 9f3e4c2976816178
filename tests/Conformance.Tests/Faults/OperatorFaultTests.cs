using System.Text.Json.Nodes;
using Conformance.Tests.TwinWorkloads;
using Conformance.Twin.Workloads.Kubelet;
using Conformance.Twin.Workloads.Operator;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Faults;

/// <summary>
/// Each new operator and kubelet fault against the twin's API server, kubelet and operator with real python3: the fault
/// changes its one behaviour (the faithful behaviour is covered by TwinWorkloads/EndToEndTests).
/// </summary>
public sealed class OperatorFaultTests
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(120);

    private const string EnvNotebook = """
        {"cells":[{"cell_type":"code","metadata":{},"outputs":[],"execution_count":null,"source":"import os\nprint('DB_PASSWORD set:', 'DB_PASSWORD' in os.environ)"}],
         "metadata":{},"nbformat":4,"nbformat_minor":5}
        """;

    private const string FailingNotebook = """
        {"cells":[{"cell_type":"code","metadata":{},"outputs":[],"execution_count":null,"source":"raise ZeroDivisionError('division by zero')"}],"metadata":{},"nbformat":4,"nbformat_minor":5}
        """;

    private const string EnvFromSecret = """, "env": [{"name":"DB_PASSWORD","valueFrom":{"secretKeyRef":{"name":"db","key":"password"}}}]""";

    [Fact]
    public async Task Succeeds_failing_notebook_ends_a_failing_cell_Succeeded()
    {
        await using var twin = await StackAsync(OperatorFaults.SucceedsFailingNotebook);
        var ns = await twin.NamespaceAsync("succeeds");
        var repo = await twin.PublishNotebookAsync(ns, "bad.ipynb", FailingNotebook);
        await twin.CreateJobAsync(ns, "f1", repo, "bad.ipynb");

        var job = await twin.WaitForTerminalAsync(ns, "f1", Budget);

        ((string?)job["status"]!["phase"]).Should().Be("Succeeded", "the fault reads a failed notebook as a finished one: " + job["status"]!.ToJsonString());
        ((int?)job["status"]!["retryCount"] ?? 0).Should().Be(0, "the failure is not retried either");
    }

    [Fact]
    public async Task Retries_forever_never_ends_a_job_whose_Secret_is_missing()
    {
        await using var twin = await StackAsync(OperatorFaults.RetriesForever);
        var ns = await twin.NamespaceAsync("forever");
        var repo = await twin.PublishNotebookAsync(ns, "nb.ipynb", EnvNotebook);
        await twin.CreateJobAsync(ns, "f2", repo, "nb.ipynb", EnvFromSecret);

        // Faithful: Failed after 3 retries, within seconds (operator.md §2.6). Under the fault the count passes 3 and goes on.
        var deadline = DateTime.UtcNow + Budget;
        JsonObject job;
        do
        {
            await Task.Delay(250, TestContext.Current.CancellationToken);
            job = await twin.GetJobAsync(ns, "f2");
            ((string?)job["status"]?["phase"]).Should().NotBe("Failed", "with no retry budget the job never fails: " + job["status"]?.ToJsonString());
        }
        while (((int?)job["status"]?["retryCount"] ?? 0) <= NotebookOperator.MaxRetries + 1 && DateTime.UtcNow < deadline);

        ((int?)job["status"]!["retryCount"]).Should().BeGreaterThan(NotebookOperator.MaxRetries + 1, "the pod keeps being recreated");
    }

    [Fact]
    public async Task Copies_secret_into_message_puts_the_value_into_status_only()
    {
        await using var twin = await StackAsync(OperatorFaults.CopiesSecretIntoMessage);
        var (ns, job) = await RunEnvJobAsync(twin, "copies", "pw-copied-1234");

        ((string?)job["status"]!["phase"]).Should().Be("Succeeded");
        ((string?)job["status"]!["message"]).Should().Contain("pw-copied-1234");
        twin.Log.Should().NotContain(l => l.Contains("pw-copied-1234"), "this fault leaks into status, not the log");
        (await twin.EventsAsync(ns)).Should().NotContain(e => e.Message.Contains("pw-copied-1234"), "the event is written before the terminal message");
    }

    [Fact]
    public async Task Logs_secret_value_puts_the_value_into_the_controller_log_only()
    {
        await using var twin = await StackAsync(OperatorFaults.LogsSecretValue);
        var (_, job) = await RunEnvJobAsync(twin, "logs", "pw-logged-5678");

        ((string?)job["status"]!["phase"]).Should().Be("Succeeded");
        twin.Log.Should().Contain(l => l.StartsWith("operator:") && l.Contains("pw-logged-5678"));
        job["status"]!.ToJsonString().Should().NotContain("pw-logged-5678", "this fault leaks into the log, not the status");
    }

    [Fact]
    public async Task Without_a_fault_no_value_reaches_status_or_log()
    {
        await using var twin = await StackAsync();
        var (_, job) = await RunEnvJobAsync(twin, "clean", "pw-clean-9012");

        ((string?)job["status"]!["phase"]).Should().Be("Succeeded");
        job["status"]!.ToJsonString().Should().NotContain("pw-clean-9012");
        twin.Log.Should().NotContain(l => l.Contains("pw-clean-9012"));
    }

    [Fact]
    public async Task Kubelet_ignores_missing_secret_runs_the_job_to_success()
    {
        await using var twin = await StackAsync(KubeletFaults.IgnoresMissingSecret);
        var ns = await twin.NamespaceAsync("kubelet");
        var repo = await twin.PublishNotebookAsync(ns, "nb.ipynb", EnvNotebook);
        await twin.CreateJobAsync(ns, "f5", repo, "nb.ipynb", EnvFromSecret); // Secret "db" is never created

        var job = await twin.WaitForTerminalAsync(ns, "f5", Budget);

        ((string?)job["status"]!["phase"]).Should().Be("Succeeded", "the container started without its Secret: " + job["status"]!.ToJsonString());
    }

    private static async Task<TwinStack> StackAsync(params string[] faults)
    {
        if (!ProgramRun.HasPython3()) Assert.Skip("python3 is not installed on this machine");
        return await TwinStack.StartAsync(OperatorProfile.Contract, faults);
    }

    private static async Task<(string Ns, JsonObject Job)> RunEnvJobAsync(TwinStack twin, string prefix, string password)
    {
        var ns = await twin.NamespaceAsync(prefix);
        await twin.SecretAsync(ns, "db", ("password", password));
        var repo = await twin.PublishNotebookAsync(ns, "nb.ipynb", EnvNotebook);
        await twin.CreateJobAsync(ns, "j", repo, "nb.ipynb", EnvFromSecret);
        return (ns, await twin.WaitForTerminalAsync(ns, "j", Budget));
    }
}
