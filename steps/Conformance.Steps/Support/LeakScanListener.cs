using Conformance.Fixtures.Secrets;
using Conformance.Fixtures.Worlds;
using Conformance.Runner;
using Conformance.Runner.Results;

namespace Conformance.Steps.Support;

/// <summary>
/// After the runner has written its result files, searches every file in the run's artifact folder for every secret
/// value the run knows (plain, base64, URL-encoded), redacts what it finds, and writes `leak-scan.txt`. A run with a
/// hit is a failed run: run-e2e.sh reads the report and exits non-zero.
/// </summary>
internal sealed class LeakScanListener(SecretLedger ledger, IControllerLogs? controllerLogs) : IRunListener
{
    public const string ReportFile = "leak-scan.txt";

    /// <summary>The controllers' logs of the whole run, written beside the results so the scan covers them too.</summary>
    public const string ControllerLogsFile = "controller-logs.txt";

    public async ValueTask OnRunFinishedAsync(RunResults results, string? artifactsDirectory)
    {
        if (artifactsDirectory is null)
        {
            return;
        }

        if (controllerLogs is not null)
        {
            var logged = await controllerLogs.ReadAsync(since: null, CancellationToken.None);
            await File.WriteAllLinesAsync(Path.Combine(artifactsDirectory, ControllerLogsFile), logged.Select(l => l.ToString()));
        }

        var hits = new LeakScanner(ledger).ScanDirectory(artifactsDirectory);
        var redactor = new Redactor(ledger);
        foreach (var file in hits.Select(h => h.Source).Distinct())
        {
            redactor.RedactFile(file);
        }

        var lines = new List<string>
        {
            $"leak scan: {ledger.All.Count} known secret values, {hits.Count} hit(s)",
        };
        lines.AddRange(hits.Select(h => "LEAK " + h));
        await File.WriteAllLinesAsync(Path.Combine(artifactsDirectory, ReportFile), lines);
        if (hits.Count > 0)
        {
            await Console.Error.WriteLineAsync(string.Join(Environment.NewLine, lines));
        }
    }
}
