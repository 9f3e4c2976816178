using Conformance.Fixtures.Reporting;
using Conformance.Fixtures.Secrets;
using Conformance.Runner;
using Conformance.Runner.Results;

namespace Conformance.Steps.Support;

/// <summary>
/// At the end of every run, after the runner wrote its own files: writes report.html, report.md and results.json,
/// THEN runs the leak scan over everything in the artifact folder (reports included) and redacts what it finds. When
/// the scan hits, the reports are written again with the hits (file, line, label, fingerprint) and a NOT QUALIFIED
/// verdict, and scanned once more, so the failure is visible in the report itself.
/// </summary>
internal sealed class RunReportListener(SecretLedger ledger, Func<ReportEnvironment> environment) : IRunListener
{
    public async ValueTask OnRunFinishedAsync(RunResults results, string? artifactsDirectory)
    {
        if (artifactsDirectory is null)
        {
            return;
        }

        SensitivityReport? sensitivity = null;
        try
        {
            sensitivity = SensitivityReport.TryLoad(Path.Combine(artifactsDirectory, SensitivityReport.FileName));
        }
        catch (InvalidDataException e)
        {
            await Console.Error.WriteLineAsync($"conformance: the report leaves out the sensitivity matrix: {e.Message}");
        }

        var env = environment();
        ReportFiles.Write(ReportBuilder.FromResults(results, env, sensitivity), artifactsDirectory);

        var hits = LeakScanListener.ScanAndRedact(ledger, artifactsDirectory);
        if (hits.Count == 0)
        {
            return;
        }

        var leaks = hits.Select(h => h.ToString()).ToList();
        var written = ReportFiles.Write(ReportBuilder.FromResults(results, env, sensitivity, leaks), artifactsDirectory);
        var redactor = new Redactor(ledger);
        foreach (var file in written)
        {
            redactor.RedactFile(file);
        }
    }
}
