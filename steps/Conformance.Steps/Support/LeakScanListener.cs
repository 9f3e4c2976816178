using Conformance.Fixtures.Secrets;

namespace Conformance.Steps.Support;

/// <summary>
/// The leak scan of a run's artifact folder: every file searched for every secret value the run knows (plain,
/// base64, URL-encoded), every file with a hit redacted in place, and `leak-scan.txt` written with the hits (file,
/// line, column, label and fingerprint; never the value). A run with a hit is a failed run: the report says so and
/// run-e2e.sh reads leak-scan.txt and exits non-zero. Run by <see cref="RunReportListener"/> after the reports are
/// written, so the reports are scanned too.
/// </summary>
internal static class LeakScanListener
{
    public const string ReportFile = "leak-scan.txt";

    /// <summary>Scans and redacts <paramref name="artifactsDirectory"/>; returns the hits with paths relative to it.</summary>
    public static IReadOnlyList<LeakHit> ScanAndRedact(SecretLedger ledger, string artifactsDirectory)
    {
        var hits = new LeakScanner(ledger).ScanDirectory(artifactsDirectory)
            .Select(h => h with { Source = Path.GetRelativePath(artifactsDirectory, h.Source) })
            .ToList();
        var redactor = new Redactor(ledger);
        foreach (var file in hits.Select(h => h.Source).Distinct())
        {
            redactor.RedactFile(Path.Combine(artifactsDirectory, file));
        }

        var lines = new List<string>
        {
            $"leak scan: {ledger.All.Count} known secret values ({ledger.Unscannable.Count} too short to search), {hits.Count} hit(s)",
        };
        lines.AddRange(hits.Select(h => "LEAK " + h));
        File.WriteAllLines(Path.Combine(artifactsDirectory, ReportFile), lines);
        if (hits.Count > 0)
        {
            Console.Error.WriteLine(string.Join(Environment.NewLine, lines));
        }

        return hits;
    }
}
