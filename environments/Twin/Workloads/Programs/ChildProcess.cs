using System.Diagnostics;

namespace Conformance.Twin.Workloads.Programs;

/// <summary>Runs a real process for a container: env replaced (not inherited), output streamed line by line into the container log.</summary>
internal static class ChildProcess
{
    public static async Task<int> RunAsync(
        string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string> env, string workingDirectory,
        ContainerContext context)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Clear();
        foreach (var (k, v) in env) psi.Environment[k] = v;

        using var process = new Process { StartInfo = psi };
        var gate = new Lock();
        void Write(string? line)
        {
            if (line is null) return;
            lock (gate) context.Log.WriteLine(line);
        }
        process.OutputDataReceived += (_, e) => Write(e.Data);
        process.ErrorDataReceived += (_, e) => Write(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // SIGTERM on deletion, SIGKILL (whole tree) when the grace period ends.
        await using var onTerm = context.Terminate.Register(() => SendSigterm(process));
        await using var onKill = context.Kill.Register(() => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } });
        await process.WaitForExitAsync(CancellationToken.None);
        process.WaitForExit(); // drains the async output readers
        return process.ExitCode;
    }

    private static void SendSigterm(Process process)
    {
        try
        {
            if (process.HasExited) return;
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            kill?.WaitForExit();
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception) { }
    }

    /// <summary>Finds an executable on this machine's PATH.</summary>
    public static string? FindOnPath(string name)
    {
        if (Path.IsPathRooted(name)) return File.Exists(name) ? name : null;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }
}
