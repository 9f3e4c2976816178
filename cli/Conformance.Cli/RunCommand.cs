using System.Diagnostics;

namespace Conformance.Cli;

/// <summary>
/// Runs the features: a child `dotnet test` over steps/ (the World is started inside that test process, once per
/// run), its per-scenario lines streamed as they come, then where the reports are.
/// </summary>
public static class RunCommand
{
    public static async Task<int> ExecuteAsync(
        RunSettings settings, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var root = RepositoryRoot.Find();
        Directory.CreateDirectory(settings.Artifacts);
        await output.WriteLineAsync(
            $"==> running the features: env={settings.Environment} tags={settings.Tags ?? "(all)"} " +
            $"profile={settings.OperatorProfile} faults={(settings.Faults.Count == 0 ? "none" : string.Join(",", settings.Faults))}");

        if (settings.Environment is "k3s" or "existing"
            && Conformance.Environments.Options.LiveOptions.FromEnvironment(Environment.GetEnvironmentVariables()) is { Errors.Count: > 0 } bad)
        {
            // A version or image that cannot work is a usage error, reported before anything starts.
            foreach (var problem in bad.Errors)
            {
                await error.WriteLineAsync("run-e2e.sh: " + problem);
            }

            return CliProgram.Usage;
        }

        if (settings.Environment is "auto" or "k3s")
        {
            // Decide about Docker before anything starts (the test process decides the same way): k3s without a
            // daemon fails here, in well under a second, saying what was tried; auto says which world it picked.
            var docker = Conformance.Environments.K3s.DockerProbe.Probe();
            if (settings.Environment == "k3s" && !docker.Reachable)
            {
                await error.WriteLineAsync("run-e2e.sh --env k3s: " + docker.FailureMessage());
                return CliProgram.EnvironmentDown;
            }

            await output.WriteLineAsync(docker.Reachable
                ? $"==> using k3s ({docker.Explain()})"
                : $"==> --env auto: using the twin, not release evidence ({docker.Explain()})");
        }

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            UseShellExecute = false,
            RedirectStandardOutput = true,
        };
        foreach (var arg in new[]
                 {
                     "test", "--project", Path.Combine("steps", "Conformance.Steps", "Conformance.Steps.csproj"),
                     "--no-build", "--output", "Detailed", "--no-ansi",
                 })
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["CONFORMANCE_ARTIFACTS"] = settings.Artifacts;
        using var process = Process.Start(start)
                            ?? throw new InvalidOperationException("could not start 'dotnet test'");
        // Ctrl-C reaches the child too (same process group); it runs its [AfterTestRun] clean-up and exits.
        await using var stop = cancellationToken.Register(() => output.WriteLine("==> interrupted: waiting for the run to clean up"));
        await ProgressFilter.CopyAsync(process.StandardOutput, output);
        await process.WaitForExitAsync(CancellationToken.None);

        await output.WriteLineAsync();
        var clean = await RunSummary.WriteAsync(settings.Artifacts, output);
        await output.WriteLineAsync($"==> reports: {settings.Artifacts}");
        foreach (var file in Directory.EnumerateFiles(settings.Artifacts).Order())
        {
            await output.WriteLineAsync($"    {Path.GetFileName(file)}");
        }

        // A secret value in an artifact fails the run even when every scenario passed.
        return process.ExitCode == 0 && clean ? CliProgram.Passed : CliProgram.Failed;
    }
}
