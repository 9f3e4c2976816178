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

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            UseShellExecute = false,
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
        await using var stop = cancellationToken.Register(() => process.Kill(entireProcessTree: false));
        await process.WaitForExitAsync(CancellationToken.None);

        await output.WriteLineAsync();
        await output.WriteLineAsync($"==> reports: {settings.Artifacts}");
        foreach (var file in Directory.EnumerateFiles(settings.Artifacts).Order())
        {
            await output.WriteLineAsync($"    {Path.GetFileName(file)}");
        }

        return process.ExitCode == 0 ? CliProgram.Passed : CliProgram.Failed;
    }
}
