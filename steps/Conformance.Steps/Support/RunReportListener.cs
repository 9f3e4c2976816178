using Conformance.Fixtures.Evidence;
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
internal sealed class RunReportListener(SecretLedger ledger, Func<ReportEnvironment> environment, Func<IWorldDiagnostics?> diagnostics)
    : IRunListener
{
    /// <summary>Every controller's log for the whole run, written beside the results so the leak scan covers them too.</summary>
    public const string ControllerLogsFile = "controller-logs.txt";

    public async ValueTask OnRunFinishedAsync(RunResults results, string? artifactsDirectory)
    {
        if (artifactsDirectory is null)
        {
            return;
        }

        if (diagnostics() is { } world)
        {
            var lines = new List<string>();
            foreach (var component in world.Components)
            {
                // A live world's source can fail (a controller without pods, a container gone); the report must still be written.
                try
                {
                    var logged = await world.LogsAsync(component, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, CancellationToken.None);
                    lines.AddRange(logged.Select(l => $"[{component}] {l}"));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    lines.Add($"[{component}] could not be read: {e.GetType().Name}: {e.Message}");
                }
            }

            await File.WriteAllLinesAsync(Path.Combine(artifactsDirectory, ControllerLogsFile), lines);
        }

        RunReporting.WriteAndScan(results, environment(), ledger, artifactsDirectory, Console.Error);
    }
}
