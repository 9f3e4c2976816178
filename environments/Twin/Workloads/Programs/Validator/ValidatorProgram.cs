using System.Text.Json;
using System.Text.RegularExpressions;
using k8s.Models;

namespace Conformance.Twin.Workloads.Programs;

/// <summary>
/// The operator's `validator` container (reference/operator.md §2.4): runs the notebook's code cells in order with this
/// machine's real python3, using the pod's resolved env and its mounts (container paths mapped to host folders), and
/// writes the papermill script's log shape ending with `Results Summary:` and the results JSON. Exit 0 or 1.
/// </summary>
public sealed partial class ValidatorProgram(string? python3Path = null) : IContainerProgram
{
    public static bool Matches(V1Pod pod, V1Container container) =>
        container.Name == "validator" || (container.Command?.Any(c => c.Contains("papermill", StringComparison.Ordinal)) ?? false);

    public async Task<int> RunAsync(ContainerContext context)
    {
        var script = string.Join('\n', context.Command.Concat(context.Args));
        var io = PapermillCall().Match(script);
        if (!io.Success)
        {
            context.TerminationMessage = "twin validator: the container command has no `papermill <input> <output>` call to run";
            context.Log.WriteLine(context.TerminationMessage);
            return 2;
        }
        var input = io.Groups["in"].Value;
        var output = io.Groups["out"].Value;
        var resultsMatch = ResultsJson().Match(script);
        var results = resultsMatch.Success ? resultsMatch.Groups[1].Value : "/workspace/results.json";
        var notebookPath = input.StartsWith("/workspace/repo/", StringComparison.Ordinal) ? input["/workspace/repo/".Length..]
            : input.StartsWith("/opt/app-root/src/", StringComparison.Ordinal) ? input["/opt/app-root/src/".Length..] : input;

        var python = python3Path ?? DefaultPython.Value;
        if (python is null || !File.Exists(python))
        {
            // The image has no python: the shell reports "command not found" and exits 127.
            context.TerminationMessage = $"twin: python3 not found on this machine ({(python3Path is null ? "searched PATH" : python3Path)}); the twin's validator needs python3 to run notebooks";
            context.Log.WriteLine($"/bin/bash: line 1: python: command not found ({context.TerminationMessage})");
            return 127;
        }

        var paths = context.Paths;
        Directory.CreateDirectory(paths.RootFolder);
        var runner = Path.Combine(paths.RootFolder, ".twin-validator-runner.py");
        await File.WriteAllTextAsync(runner, RunnerSource.Value);
        var mountsFile = Path.Combine(paths.RootFolder, ".twin-mounts.json");
        var mounts = paths.Prefixes.Select(p => new { container = p.Container, host = p.Host }).ToList();
        await File.WriteAllTextAsync(mountsFile, JsonSerializer.Serialize(mounts));

        var env = new Dictionary<string, string>(context.Env, StringComparer.Ordinal);
        env.TryAdd("PATH", Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin");
        var workdir = context.Mounts.Any(m => m.ContainerPath == "/home/jovyan") ? paths.ToHost("/home/jovyan") : paths.ToHost(context.Container.WorkingDir ?? "/workspace");
        Directory.CreateDirectory(workdir);
        return await ChildProcess.RunAsync(python,
            ["-u", runner, mountsFile, paths.ToHost(input), paths.ToHost(output), paths.ToHost(results), notebookPath, input, output, results],
            env, workdir, context);
    }

    /// <summary>
    /// python3 from PATH, resolved once to the real interpreter (sys.executable): version-manager shims such as pyenv's
    /// cost seconds per start on a loaded machine.
    /// </summary>
    private static readonly Lazy<string?> DefaultPython = new(() =>
    {
        var onPath = ChildProcess.FindOnPath("python3");
        if (onPath is null) return null;
        try
        {
            using var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(onPath, ["-c", "import sys; print(sys.executable)"])
                { RedirectStandardOutput = true, UseShellExecute = false })!;
            var real = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return p.ExitCode == 0 && File.Exists(real) ? real : onPath;
        }
        catch (System.ComponentModel.Win32Exception) { return onPath; }
    });

    private static readonly Lazy<string> RunnerSource = new(() =>
    {
        using var stream = typeof(ValidatorProgram).Assembly.GetManifestResourceStream("Conformance.Twin.Workloads.validator_runner.py")
            ?? throw new InvalidOperationException("embedded validator_runner.py is missing from Conformance.Twin.Workloads");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    [GeneratedRegex("""-m\s+papermill\s*(?:\\\s*)*"?(?<in>[^"\s\\]+)"?\s*(?:\\\s*)*"?(?<out>[^"\s\\]+)"?""")]
    private static partial Regex PapermillCall();

    [GeneratedRegex("""Results JSON:\s*"?([^"\s]+)""")]
    private static partial Regex ResultsJson();
}
