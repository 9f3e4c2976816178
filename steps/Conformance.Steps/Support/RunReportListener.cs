using Conformance.Fixtures.Reporting;
using Conformance.Fixtures.Secrets;
using Conformance.Runner;
using Conformance.Runner.Results;

namespace Conformance.Steps.Support;

/// <summary>
/// Hands the finished run to <see cref="RunReporting"/>: reports first, then the leak scan over the whole artifact
/// folder (reports included), reports rewritten with any hit. Registered before the world starts, so a run whose
/// world failed still gets a report saying so.
/// </summary>
internal sealed class RunReportListener(SecretLedger ledger, Func<ReportEnvironment> environment) : IRunListener
{
    public ValueTask OnRunFinishedAsync(RunResults results, string? artifactsDirectory)
    {
        if (artifactsDirectory is not null)
        {
            RunReporting.WriteAndScan(results, environment(), ledger, artifactsDirectory, Console.Error);
        }

        return ValueTask.CompletedTask;
    }
}
