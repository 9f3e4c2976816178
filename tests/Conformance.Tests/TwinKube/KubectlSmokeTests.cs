using Xunit;
using System.Diagnostics;
using FluentAssertions;

namespace Conformance.Tests.TwinKube;

/// <summary>The real kubectl against the twin: CRD, sample job, watch, label, annotate, patch, server-side apply, namespace deletion.</summary>
public sealed class KubectlSmokeTests(TwinKubeFixture f) : IClassFixture<TwinKubeFixture>
{
    const string Kubectl = "/usr/bin/kubectl";
    const string Ns = "jupyter-notebook-validator-operator"; // the namespace the upstream sample names
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    ProcessStartInfo Start(params string[] args)
    {
        var psi = new ProcessStartInfo(Kubectl) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "--kubeconfig", f.KubeconfigPath, "--cache-dir", Path.Combine(f.WorkDir, "kubectl-cache") }.Concat(args)) psi.ArgumentList.Add(a);
        return psi;
    }

    async Task<string> Run(params string[] args)
    {
        using var p = Process.Start(Start(args))!;
        using var cts = new CancellationTokenSource(Deadline);
        var stdout = p.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = p.StandardError.ReadToEndAsync(cts.Token);
        await p.WaitForExitAsync(cts.Token);
        if (p.ExitCode != 0) throw new Xunit.Sdk.XunitException($"kubectl {string.Join(' ', args)} exited {p.ExitCode}: {await stderr}{await stdout}");
        return await stdout;
    }

    [Fact]
    public async Task Kubectl_drives_the_operator_crd_and_sample_job_end_to_end()
    {
        Assert.SkipUnless(File.Exists(Kubectl), $"{Kubectl} is not installed");
        (await Run("apply", "-f", Upstream.OperatorCrd)).Should().Contain("customresourcedefinition.apiextensions.k8s.io/notebookvalidationjobs.mlops.mlops.dev created");
        await Run("wait", "--for", "condition=established", "--timeout=20s", "crd/notebookvalidationjobs.mlops.mlops.dev");
        (await Run("create", "namespace", Ns)).Should().Contain($"namespace/{Ns} created");
        (await Run("apply", "-f", Upstream.OperatorSample)).Should().Contain("notebookvalidationjob.mlops.mlops.dev/notebookvalidationjob-sample created");

        // get -w: the watch must show the label change made below
        using var watch = Process.Start(Start("get", "-n", Ns, "nvj", "-w", "-o", "custom-columns=NAME:.metadata.name,STAGE:.metadata.labels.stage"))!;
        var seen = new List<string>();
        var sawChange = new TaskCompletionSource();
        _ = Task.Run(async () =>
        {
            while (await watch.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
            {
                lock (seen) seen.Add(line);
                if (line.Contains("notebookvalidationjob-sample") && line.Contains("two")) sawChange.TrySetResult();
            }
        }, TestContext.Current.CancellationToken);
        await Run("label", "-n", Ns, "nvj", "notebookvalidationjob-sample", "stage=one");
        await Run("label", "-n", Ns, "nvj", "notebookvalidationjob-sample", "stage=two", "--overwrite");
        try
        {
            await sawChange.Task.WaitAsync(Deadline, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            lock (seen) throw new Xunit.Sdk.XunitException($"kubectl get -w never showed stage=two; saw: {string.Join(" | ", seen)}");
        }
        finally
        {
            watch.Kill();
        }

        await Run("annotate", "-n", Ns, "nvj", "notebookvalidationjob-sample", "conformance/checked=yes");
        await Run("patch", "-n", Ns, "nvj", "notebookvalidationjob-sample", "--type", "merge", "-p", """{"spec":{"timeout":"45m"}}""");
        var (code, _) = await RunStatus("apply", "--server-side", "-f", Upstream.OperatorSample);
        code.Should().NotBe(0, "spec.timeout is owned by kubectl-patch with another value, so the apply conflicts");
        await Run("apply", "--server-side", "--force-conflicts", "-f", Upstream.OperatorSample);
        var shown = await Run("get", "-n", Ns, "nvj", "notebookvalidationjob-sample", "-o",
            "jsonpath={.metadata.labels.stage} {.metadata.annotations.conformance/checked} {.spec.timeout} {.metadata.generation}");
        shown.Should().Be("two yes 30m 3");
        (await Run("describe", "-n", Ns, "nvj", "notebookvalidationjob-sample")).Should().Contain("Notebook:");

        (await Run("delete", "namespace", Ns, "--timeout=20s")).Should().Contain($"namespace \"{Ns}\" deleted");
        (await RunStatus("get", "namespace", Ns)).Code.Should().NotBe(0);
    }

    async Task<(int Code, string Output)> RunStatus(params string[] args)
    {
        using var p = Process.Start(Start(args))!;
        using var cts = new CancellationTokenSource(Deadline);
        var stdout = p.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = p.StandardError.ReadToEndAsync(cts.Token);
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout + await stderr);
    }
}
