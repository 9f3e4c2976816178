using Conformance.Fixtures.Probe;
using Conformance.Fixtures.Secrets;
using Conformance.Tests.Fixtures.Support;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Tier3Steps;

/// <summary>
/// The probe's watch (Tier 3 re-fetch scenarios): report once the file exists, report again after it changed, and
/// say so honestly when it never changed before the notebook-side deadline.
/// </summary>
public sealed class ProbeWatchTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("probe-watch-").FullName;
    private readonly SecretLedger _ledger = SecretLedger.NewRun();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Reports_the_rendered_file_and_again_when_it_is_rewritten()
    {
        var canaries = new CanaryGenerator(_ledger);
        var first = canaries.Next("first user");
        var second = canaries.Next("second user");
        var file = Path.Combine(_dir, "db");
        var notebook = await WriteNotebookAsync(ProbeSpec.For("watch").WithExportFile(file).WithWatch(file, 30));
        var ct = TestContext.Current.CancellationToken;

        // The "agent" rendered once before the notebook started, and re-renders with new credentials a while later: long
        // enough after the start that the first report has been printed even on a loaded machine.
        await File.WriteAllTextAsync(file, $"export DB_USERNAME=\"{first.Reveal()}\"\n", ct);
        var agent = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(6), ct);
            await File.WriteAllTextAsync(file, $"export DB_USERNAME=\"{second.Reveal()}\"\n", ct);
        }, ct);
        var (exit, stdout, stderr) = await NotebookExecutor.RunAsync(notebook, new Dictionary<string, string?>());
        await agent;

        exit.Should().Be(0, stderr);
        var reports = ProbeResult.ParseAll(stdout);
        reports.Select(r => r.Round).Should().Equal(1, 2);
        reports.Should().AllSatisfy(r => r.WatchSatisfied.Should().BeTrue());
        ProbeExpectation.Empty.Export(file, "DB_USERNAME", first).Verify(reports[0], _ledger.Fingerprint);
        ProbeExpectation.Empty.Export(file, "DB_USERNAME", second).Verify(reports[1], _ledger.Fingerprint);
        new LeakScanner(_ledger).ScanText(stdout + stderr, "probe output").Should().BeEmpty();
    }

    [Fact]
    public async Task Says_the_watch_was_not_satisfied_when_the_file_never_changes()
    {
        var file = Path.Combine(_dir, "db");
        await File.WriteAllTextAsync(file, "export DB_HOST=\"h\"\n", TestContext.Current.CancellationToken);
        var notebook = await WriteNotebookAsync(ProbeSpec.For("still").WithExportFile(file).WithWatch(file, 1));

        var (exit, stdout, stderr) = await NotebookExecutor.RunAsync(notebook, new Dictionary<string, string?>());

        exit.Should().Be(0, stderr);
        var last = ProbeResult.Parse(stdout);
        last.Round.Should().Be(2);
        last.WatchSatisfied.Should().BeFalse();
        last.WatchWaitedSeconds.Should().BeGreaterThanOrEqualTo(1);
    }

    private async Task<string> WriteNotebookAsync(ProbeSpec spec)
    {
        var path = Path.Combine(_dir, spec.Name + ".ipynb");
        await File.WriteAllTextAsync(path, ProbeNotebook.Render(spec, _ledger.Fingerprint), TestContext.Current.CancellationToken);
        return path;
    }
}
