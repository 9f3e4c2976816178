using Conformance.Twin.Workloads.Operator;
using Conformance.Twin.Workloads.Programs;
using FluentAssertions;
using k8s.Models;
using Xunit;

namespace Conformance.Tests.TwinWorkloads;

/// <summary>The twin's validator program with the machine's real python3, checked through the operator's own log parser.</summary>
public sealed class ValidatorProgramTests
{
    private static V1Container Validator(string path) => new()
    {
        Name = "validator",
        Image = "quay.io/jupyter/minimal-notebook:latest",
        Command = ["/bin/bash", "-c", ValidationScripts.Papermill($"/workspace/repo/{path}", path)],
    };

    private static async Task<(int Exit, string Log)> RunNotebookAsync(ProgramRun run, string notebook, IReadOnlyDictionary<string, string> env,
        params ContainerMount[] extra)
    {
        var ws = run.Folder("workspace");
        Directory.CreateDirectory(Path.Combine(ws, "repo", "nb"));
        await File.WriteAllTextAsync(Path.Combine(ws, "repo", "nb", "probe.ipynb"), notebook, TestContext.Current.CancellationToken);
        var (exit, log, _) = await run.RunAsync(new ValidatorProgram(), Validator("nb/probe.ipynb"), env,
            [new ContainerMount("/workspace", ws, false, "workspace"), new ContainerMount("/home/jovyan", run.Folder("home"), false, "jovyan-home"), .. extra]);
        return (exit, log);
    }

    [Fact]
    public async Task A_passing_notebook_exits_0_and_its_results_parse_like_the_operator_reads_them()
    {
        if (!ProgramRun.HasPython3()) Assert.Skip("python3 is not installed on this machine");
        using var run = new ProgramRun();
        var nb = ProgramRun.Notebook(("markdown", "# probe"), ("code", "x = 6 * 7\nprint('answer', x)"), ("code", "x"));
        var (exit, log) = await RunNotebookAsync(run, nb, new Dictionary<string, string>());

        exit.Should().Be(0, log);
        log.Should().Contain("answer 42").And.Contain("Results Summary:");
        var result = ValidationResults.Parse(log);
        result.Status.Should().Be("succeeded");
        result.Statistics.CodeCells.Should().Be(2);
        ValidationResults.Message(result).Should().Be("Validation completed: 2/2 cells succeeded (100.0% success rate)");
        ValidationResults.ToCellResults(result).Select(c => c.Status).Should().Equal("Skipped", "Success", "Success");
        File.Exists(Path.Combine(run.Root, "workspace", "results.json")).Should().BeTrue("the script writes /workspace/results.json");
    }

    [Fact]
    public async Task A_failing_cell_exits_1_stops_the_notebook_and_logs_the_traceback()
    {
        if (!ProgramRun.HasPython3()) Assert.Skip("python3 is not installed on this machine");
        using var run = new ProgramRun();
        var nb = ProgramRun.Notebook(("code", "print('before')"), ("code", "raise ValueError('boom')"), ("code", "print('after')"));
        var (exit, log) = await RunNotebookAsync(run, nb, new Dictionary<string, string>());

        exit.Should().Be(1, log);
        log.Should().Contain("before").And.NotContain("after\n").And.Contain("ValueError: boom");
        var result = ValidationResults.Parse(log);
        result.Status.Should().Be("failed");
        result.Cells.Should().Contain(c => c.Status == "failed" && c.Error == "boom");
        ValidationResults.ExtractErrors(log).Should().Contain("ValueError: boom");
    }

    [Fact]
    public async Task The_notebook_sees_the_resolved_env_and_reads_a_mounted_file_by_its_container_path()
    {
        if (!ProgramRun.HasPython3()) Assert.Skip("python3 is not installed on this machine");
        using var run = new ProgramRun();
        var secrets = run.Folder("vault-secrets");
        await File.WriteAllTextAsync(Path.Combine(secrets, "db"), "export DB_USER=alice\n", TestContext.Current.CancellationToken);
        var nb = ProgramRun.Notebook(("code", """
            import os, pathlib
            assert os.environ["DB_PASSWORD"] == "pw-123", "env not delivered"
            assert "HOST_ONLY_VAR" not in os.environ, "host env leaked into the container"
            text = open("/vault/secrets/db").read()
            assert os.path.exists("/vault/secrets/db") and "db" in os.listdir("/vault/secrets")
            assert pathlib.Path("/vault/secrets/db").read_text() == text
            print("DB_USER line:", text.strip().split("=")[0])
            """));
        Environment.SetEnvironmentVariable("HOST_ONLY_VAR", "1");
        var (exit, log) = await RunNotebookAsync(run, nb, new Dictionary<string, string> { ["DB_PASSWORD"] = "pw-123", ["HOME"] = "/workspace" },
            new ContainerMount("/vault/secrets", secrets, true, "vault-secrets"));

        exit.Should().Be(0, log);
        log.Should().Contain("DB_USER line: export DB_USER");
    }

    [Fact]
    public async Task Without_python3_the_container_fails_with_a_clear_message()
    {
        using var run = new ProgramRun();
        var (exit, log, ctx) = await run.RunAsync(new ValidatorProgram("/nonexistent/python3"), Validator("nb/x.ipynb"), new Dictionary<string, string>(),
            new ContainerMount("/workspace", run.Folder("ws"), false, "workspace"));
        exit.Should().Be(127);
        ctx.TerminationMessage.Should().Contain("python3 not found");
        log.Should().Contain("command not found");
    }
}
