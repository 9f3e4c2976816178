using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Conformance.Environments.K3s;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Live;

/// <summary>The repository the k3s world serves must be what `git clone --depth 1 --branch main` accepts over git daemon.</summary>
public sealed class GitRepositoryWriterTests
{
    private static readonly Dictionary<string, byte[]> Files = new()
    {
        ["probe.ipynb"] = Encoding.UTF8.GetBytes("""{"cells":[],"nbformat":4,"nbformat_minor":5}"""),
        ["nested/dir/data.txt"] = Encoding.UTF8.GetBytes("hello\n"),
        ["nested-file.txt"] = Encoding.UTF8.GetBytes("sorted after nested/ by git's tree order\n"),
    };

    [Fact]
    public void The_same_files_give_the_same_commit()
    {
        GitRepositoryWriter.Write(Files)["refs/heads/main"].Should().Equal(GitRepositoryWriter.Write(Files)["refs/heads/main"]);
    }

    [Theory]
    [InlineData("Upper")]
    [InlineData("../escape")]
    [InlineData("")]
    public void Bad_repository_names_are_refused(string name)
    {
        var act = () => GitRepositoryWriter.ValidateName(name);
        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain("repository name");
    }

    [Fact]
    public async Task A_shallow_clone_through_git_daemon_gets_every_file()
    {
        if (!new[] { "/usr/bin/git", "/usr/local/bin/git" }.Any(File.Exists)) Assert.Skip("git is not installed here");
        var token = TestContext.Current.CancellationToken;
        var root = Directory.CreateTempSubdirectory("conformance-git-");
        try
        {
            foreach (var (path, content) in GitRepositoryWriter.Write(Files))
            {
                var target = Path.Combine(root.FullName, "srv", "probe.git", path);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await File.WriteAllBytesAsync(target, content, token);
            }

            var fsck = await RunAsync("git", ["--git-dir", Path.Combine(root.FullName, "srv", "probe.git"), "fsck", "--strict"], token);
            fsck.ExitCode.Should().Be(0, fsck.Output);

            int port;
            using (var l = new TcpListener(IPAddress.Loopback, 0)) { l.Start(); port = ((IPEndPoint)l.LocalEndpoint).Port; }
            using var daemon = Process.Start(new ProcessStartInfo("git",
                ["daemon", "--verbose", "--reuseaddr", "--export-all", "--listen=127.0.0.1", $"--port={port}",
                 $"--base-path={root.FullName}/srv", $"{root.FullName}/srv"]) { RedirectStandardError = true })!;
            try
            {
                // Ready when git daemon says so (the k3s world waits on the same log line).
                while (await daemon.StandardError.ReadLineAsync(token) is { } line && !line.Contains("Ready to rumble")) { }
                var clone = await RunAsync("git", ["clone", "--depth", "1", "--branch", "main", $"git://127.0.0.1:{port}/probe.git",
                    Path.Combine(root.FullName, "out")], token);
                clone.ExitCode.Should().Be(0, clone.Output);
            }
            finally
            {
                daemon.Kill();
            }

            foreach (var (path, content) in Files)
                (await File.ReadAllBytesAsync(Path.Combine(root.FullName, "out", path), token)).Should().Equal(content, path);
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string[] args, CancellationToken token)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync(token);
        var stderr = process.StandardError.ReadToEndAsync(token);
        await process.WaitForExitAsync(token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
