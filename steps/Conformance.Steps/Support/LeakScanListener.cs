using Conformance.Fixtures.Secrets;
using Conformance.Runner;
using Conformance.Runner.Results;

namespace Conformance.Steps.Support;

/// <summary>
/// After the runner has written its result files, searches every file in the run's artifact folder for every secret
/// value the run knows (plain, base64, URL-encoded), redacts what it finds, and writes `leak-scan.txt`. A run with a
/// hit is a failed run: run-e2e.sh reads the report and exits non-zero.
/// </summary>
internal sealed class LeakScanListener(SecretLedger ledger) : IRunListener
{
    public const string ReportFile = "leak-scan.txt";

    public async ValueTask OnRunFinishedAsync(RunResults results, string? artifactsDirectory)
    {
        if (artifactsDirectory is null)
        {
            return;
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
