using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Conformance.Environments.Twin;

namespace Conformance.Environments.Bench;

/// <summary>
/// twin-start: how long <see cref="TwinEnvironment.StartAsync"/> takes, part by part. Cold figures come from fresh
/// child processes (this program re-run with <see cref="ChildCommand"/>), warm ones from repeated starts in one
/// process after a first start. "Without AWS" hides moto_server by taking its folder off PATH, which is exactly how
/// the twin decides whether it has AWS.
/// </summary>
internal static class TwinStartBench
{
    public const string ChildCommand = "twin-start-child";

    private sealed record Sample(
        double ProcessToMainMs, double StartMs, double StartCpuMs, double StopMs,
        Dictionary<string, double[]> Parts, Dictionary<string, double> Milestones);

    public static async Task<int> RunAsync(string[] args)
    {
        var cold = IntOption(args, "--cold", 3);
        var warm = IntOption(args, "--warm", 5);
        var aws = StringOption(args, "--aws", "both");
        if (aws is not ("on" or "off" or "both"))
        {
            Console.Error.WriteLine($"--aws {aws}: use on, off or both");
            return 2;
        }

        Console.WriteLine($"twin-start on {Environment.ProcessorCount} core(s), .NET {Environment.Version}, " +
                          $"{(IsOptimized() ? "Release" : "Debug")} build, {JitSettings()}, load average {LoadAverage()}");
        foreach (var withAws in aws == "both" ? new[] { false, true } : [aws == "on"])
        {
            var label = withAws ? "with moto_server" : "without moto_server";
            if (withAws && Conformance.Fixtures.Aws.MotoServer.Locate() is null)
            {
                Console.WriteLine($"{label}: skipped, moto_server is not on PATH");
                continue;
            }

            var colds = new List<Sample>();
            for (var i = 0; i < cold; i++)
            {
                colds.Add(await ColdSampleAsync(withAws));
            }

            Report($"cold process, {label}", colds);

            var warms = new List<Sample>();
            using (HideMoto(!withAws))
            {
                if (warm == 0)
                {
                    continue;
                }

                await OnceAsync(); // the first, cold start in this process is not a warm sample
                for (var i = 0; i < warm; i++)
                {
                    warms.Add(await OnceAsync());
                }
            }

            Report($"warm process, {label}", warms);
        }

        Console.WriteLine($"load average after: {LoadAverage()}");
        return 0;
    }

    /// <summary>The child: one start and stop in a fresh process, printed as one JSON line.</summary>
    public static async Task<int> ChildAsync(string[] args)
    {
        var sinceProcessStart = DateTime.Now - Process.GetCurrentProcess().StartTime;
        var sample = await OnceAsync() with { ProcessToMainMs = sinceProcessStart.TotalMilliseconds };
        Console.WriteLine(JsonSerializer.Serialize(sample));
        return 0;
    }

    private static async Task<Sample> OnceAsync()
    {
        var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var twin = new TwinEnvironment(new TwinOptions());
        await twin.StartAsync(CancellationToken.None);
        var startMs = clock.Elapsed.TotalMilliseconds;
        process.Refresh();
        var startCpu = (process.TotalProcessorTime - cpu).TotalMilliseconds;
        clock.Restart();
        await twin.DisposeAsync();
        return new Sample(
            0, startMs, startCpu, clock.Elapsed.TotalMilliseconds,
            twin.Timings.Parts.ToDictionary(p => p.Part, p => new[] { p.Began.TotalMilliseconds, p.Duration.TotalMilliseconds }),
            twin.Timings.Milestones.ToDictionary(m => m.Key, m => m.Value.TotalMilliseconds));
    }

    private static async Task<Sample> ColdSampleAsync(bool withAws)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            psi.ArgumentList.Add(typeof(TwinStartBench).Assembly.Location);
        }

        psi.ArgumentList.Add(ChildCommand);
        if (!withAws)
        {
            psi.Environment["PATH"] = PathWithoutMoto();
        }

        var clock = Stopwatch.StartNew();
        using var child = Process.Start(psi)!;
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        await child.WaitForExitAsync();
        var wall = clock.Elapsed.TotalMilliseconds;
        var line = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault(l => l.StartsWith('{'));
        if (child.ExitCode != 0 || line is null)
        {
            throw new InvalidOperationException($"the cold child exited {child.ExitCode}: {await stderr}");
        }

        var sample = JsonSerializer.Deserialize<Sample>(line)!;
        sample.Milestones["process exit"] = wall;
        return sample;
    }

    private static void Report(string title, List<Sample> samples)
    {
        if (samples.Count == 0)
        {
            return;
        }

        Console.WriteLine($"{title} ({samples.Count} run(s), median [min-max]):");
        if (samples[0].ProcessToMainMs > 0)
        {
            Console.WriteLine($"  {"runtime start to Main",-28}{Stat(samples.Select(s => s.ProcessToMainMs))}");
        }

        foreach (var part in samples.SelectMany(s => s.Parts.Keys).Distinct())
        {
            var present = samples.Where(s => s.Parts.ContainsKey(part)).ToList();
            Console.WriteLine($"  {part,-28}{Stat(present.Select(s => s.Parts[part][1]))}  (begins at {Median(present.Select(s => s.Parts[part][0])):0} ms)");
        }

        foreach (var milestone in samples.SelectMany(s => s.Milestones.Keys).Distinct().Where(m => m != "process exit"))
        {
            Console.WriteLine($"  {milestone + " ready",-28}{Stat(samples.Where(s => s.Milestones.ContainsKey(milestone)).Select(s => s.Milestones[milestone]))}");
        }

        Console.WriteLine($"  {"StartAsync (wall)",-28}{Stat(samples.Select(s => s.StartMs))}");
        Console.WriteLine($"  {"StartAsync (process CPU)",-28}{Stat(samples.Select(s => s.StartCpuMs))}");
        Console.WriteLine($"  {"stop",-28}{Stat(samples.Select(s => s.StopMs))}");
        if (samples.All(s => s.Milestones.ContainsKey("process exit")))
        {
            Console.WriteLine($"  {"whole child process",-28}{Stat(samples.Select(s => s.Milestones["process exit"]))}");
        }
    }

    private static string Stat(IEnumerable<double> values)
    {
        var list = values.Order().ToList();
        return list.Count == 0 ? "-" : $"{Median(list),6:0} ms [{list[0]:0}-{list[^1]:0}]";
    }

    private static double Median(IEnumerable<double> values)
    {
        var list = values.Order().ToList();
        return list.Count == 0 ? double.NaN : list[list.Count / 2];
    }

    private static string PathWithoutMoto() => string.Join(
        Path.PathSeparator,
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
        .Where(dir => dir.Length > 0 && !File.Exists(Path.Combine(dir, "moto_server"))));

    private static IDisposable HideMoto(bool hide)
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        if (hide)
        {
            Environment.SetEnvironmentVariable("PATH", PathWithoutMoto());
        }

        return new Restore(() => Environment.SetEnvironmentVariable("PATH", path));
    }

    private sealed class Restore(Action restore) : IDisposable
    {
        public void Dispose() => restore();
    }

    private static bool IsOptimized() =>
        typeof(TwinStartBench).Assembly.GetCustomAttributes(typeof(DebuggableAttribute), false)
            .OfType<DebuggableAttribute>().All(d => !d.IsJITOptimizerDisabled);

    private static string JitSettings()
    {
        string Setting(string name) => AppContext.GetData(name)?.ToString() ?? "default";
        var overrides = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("DOTNET_", StringComparison.Ordinal) && (k.Contains("Tiered", StringComparison.Ordinal) || k.Contains("ReadyToRun", StringComparison.Ordinal)))
            .Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}");
        return $"TieredCompilation {Setting("System.Runtime.TieredCompilation")}, TieredPGO {Setting("System.Runtime.TieredPGO")}" +
               string.Concat(overrides.Select(o => ", " + o));
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static int IntOption(string[] args, string name, int fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length
            ? int.Parse(args[i + 1], CultureInfo.InvariantCulture)
            : fallback;

    private static string StringOption(string[] args, string name, string fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
