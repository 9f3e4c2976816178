using Conformance.Twin.Workloads.Git;
using Conformance.Twin.Workloads.Operator;
using Conformance.Twin.Workloads.Programs;
using FluentAssertions;
using k8s.Models;
using Xunit;

namespace Conformance.Tests.TwinWorkloads;

/// <summary>The twin's notebook git server with the operator's own clone script run by the git-clone program.</summary>
public sealed class GitServerTests
{
    private static V1Container GitClone(string script) => new() { Name = "git-clone", Image = "quay.io/takinosh/git-init-rhel9:latest", Command = ["/bin/bash", "-c", script] };

    [Fact]
    public async Task The_operators_shallow_clone_script_clones_a_published_notebook()
    {
        await using var server = await TwinGitServer.StartAsync(ct: TestContext.Current.CancellationToken);
        var url = await server.PublishAsync("notebooks", new Dictionary<string, string> { ["nb/probe.ipynb"] = "{\"cells\":[]}", ["README.md"] = "x" }, TestContext.Current.CancellationToken);
        using var run = new ProgramRun();
        var ws = run.Folder("workspace");

        var (exit, log, _) = await run.RunAsync(new GitCloneProgram(), GitClone(ValidationScripts.AnonymousClone(url.ToString(), "main", "nb/probe.ipynb")),
            new Dictionary<string, string> { ["HOME"] = "/tmp" }, new ContainerMount("/workspace", ws, false, "workspace"));

        exit.Should().Be(0, log);
        log.Should().Contain("Notebook found successfully");
        File.ReadAllText(Path.Combine(ws, "repo", "nb", "probe.ipynb")).Should().Be("{\"cells\":[]}");
        File.Exists(Path.Combine(ws, "repo", ".git", "shallow")).Should().BeTrue("--depth 1 makes a shallow clone");
    }

    [Fact]
    public async Task A_missing_notebook_exits_1_and_an_unknown_branch_exits_128()
    {
        await using var server = await TwinGitServer.StartAsync(ct: TestContext.Current.CancellationToken);
        var url = await server.PublishAsync("nbs", new Dictionary<string, string> { ["a.ipynb"] = "{}" }, TestContext.Current.CancellationToken);
        using var run = new ProgramRun();

        var (missing, log1, _) = await run.RunAsync(new GitCloneProgram(), GitClone(ValidationScripts.AnonymousClone(url.ToString(), "main", "b.ipynb")),
            new Dictionary<string, string> { ["HOME"] = "/tmp" }, new ContainerMount("/workspace", run.Folder("ws1"), false, "workspace"));
        missing.Should().Be(1, log1);
        log1.Should().Contain("ERROR: Notebook not found at path: b.ipynb");

        var (badRef, log2, _) = await run.RunAsync(new GitCloneProgram(), GitClone(ValidationScripts.AnonymousClone(url.ToString(), "nope", "a.ipynb")),
            new Dictionary<string, string> { ["HOME"] = "/tmp" }, new ContainerMount("/workspace", run.Folder("ws2"), false, "workspace"));
        badRef.Should().Be(128, log2);
    }

    [Fact]
    public async Task Republishing_moves_main_forward()
    {
        await using var server = await TwinGitServer.StartAsync(ct: TestContext.Current.CancellationToken);
        await server.PublishAsync("r", new Dictionary<string, string> { ["a.ipynb"] = "1" }, TestContext.Current.CancellationToken);
        var url = await server.PublishAsync("r", new Dictionary<string, string> { ["b.ipynb"] = "2" }, TestContext.Current.CancellationToken);
        using var run = new ProgramRun();
        var ws = run.Folder("ws");
        var (exit, log, _) = await run.RunAsync(new GitCloneProgram(), GitClone(ValidationScripts.AnonymousClone(url.ToString(), "main", "b.ipynb")),
            new Dictionary<string, string> { ["HOME"] = "/tmp" }, new ContainerMount("/workspace", ws, false, "workspace"));
        exit.Should().Be(0, log);
        File.Exists(Path.Combine(ws, "repo", "a.ipynb")).Should().BeFalse();
    }
}
