using System.Diagnostics;
using System.Globalization;
using System.Text;
using Conformance.Runner;
using Conformance.Runner.Bench;
using Conformance.Runner.Bindings;
using Conformance.Runner.Gherkin;
using Conformance.Runner.Results;
using Conformance.Runner.Xunit;

// Runner overhead benchmark (issue 2): discovery of 200 generated feature files, and per-step dispatch.
const int FeatureCount = 200;
const int DispatchScenarios = 200;
const int StepsPerScenario = 50;

var directory = Path.Combine(Path.GetTempPath(), "conformance-bench-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
Directory.CreateDirectory(directory);
try
{
    for (var f = 0; f < FeatureCount; f++)
        File.WriteAllText(Path.Combine(directory, $"generated-{f:000}.feature"), GeneratedFeature(f));
    var files = Directory.GetFiles(directory, "*.feature").OrderBy(p => p, StringComparer.Ordinal).ToList();

    Console.WriteLine($"Conformance.Runner bench on {Environment.ProcessorCount} core(s), .NET {Environment.Version}, {(Debugger.IsAttached ? "debugger attached" : "no debugger")}");
    var registryClock = Stopwatch.StartNew();
    var registry = BindingRegistry.FromTypes(typeof(BenchSteps));
    Console.WriteLine($"binding registry (4 step definitions, 1 hook): {registryClock.Elapsed.TotalMilliseconds:0.0} ms");

    // Discovery = what FeatureScenariosAttribute does per feature class: read, parse, compile pickles, build the rows.
    var options = new RunnerOptions();
    var samples = new List<double>();
    var rows = 0;
    var cpuSamples = new List<double>();
    for (var round = 0; round < 6; round++)
    {
        var (wall, cpu) = Measure(() =>
        {
            rows = 0;
            foreach (var path in files)
            {
                var feature = FeatureParser.Parse("features/" + Path.GetFileName(path), File.ReadAllText(path));
                rows += FeatureScenariosAttribute.Rows(feature, options).Count;
            }
        });
        samples.Add(wall);
        cpuSamples.Add(cpu);
    }
    var warm = samples.Skip(1).Order().ToList();
    var warmCpu = cpuSamples.Skip(1).Order().ToList();
    Console.WriteLine($"discovery of {FeatureCount} feature files ({rows} test rows): cold {samples[0]:0} ms wall / {cpuSamples[0]:0} ms CPU; warm median {warm[warm.Count / 2]:0} ms wall / {warmCpu[warmCpu.Count / 2]:0} ms CPU ({warm[warm.Count / 2] / FeatureCount:0.00} ms/file)");

    // Dispatch: scenarios of many trivial steps through the full engine (matching, conversion, injection, hooks, results).
    var dispatchFeature = FeatureParser.Parse("features/dispatch.feature", DispatchFeature(StepsPerScenario));
    var pickle = dispatchFeature.Pickles.Single();
    var runner = new FeatureRunner(registry, options);
    for (var i = 0; i < 20; i++) await runner.RunScenarioAsync(dispatchFeature, pickle); // warm-up (JIT)
    var perStep = new List<double>();
    var perStepCpu = new List<double>();
    for (var round = 0; round < 5; round++)
    {
        var (wall, cpu) = Measure(() =>
        {
            for (var i = 0; i < DispatchScenarios; i++)
            {
                var result = runner.RunScenarioAsync(dispatchFeature, pickle).GetAwaiter().GetResult();
                if (result.Status != ScenarioStatus.Passed) throw new InvalidOperationException(result.Error);
            }
        });
        perStep.Add(wall * 1000 / (DispatchScenarios * pickle.Steps.Count));
        perStepCpu.Add(cpu * 1000 / (DispatchScenarios * pickle.Steps.Count));
    }
    perStep.Sort();
    perStepCpu.Sort();
    var median = perStep[perStep.Count / 2];
    Console.WriteLine($"dispatch: {DispatchScenarios} scenarios x {pickle.Steps.Count} steps, median {median:0.0} µs/step wall (best {perStep[0]:0.0}, worst {perStep[^1]:0.0}), {perStepCpu[perStepCpu.Count / 2]:0.0} µs/step CPU; target < 1000 µs/step: {(median < 1000 ? "met" : "NOT met")}");

    // The generated catalogue end to end: every pickle of the 200 files, then the three result files.
    var catalogue = new FeatureRunner(registry, options);
    var parsed = files.Select(p => FeatureParser.Parse("features/" + Path.GetFileName(p), File.ReadAllText(p))).ToList();
    var steps = parsed.Sum(f => f.Pickles.Sum(p => p.Steps.Count));
    var runClock = Stopwatch.StartNew();
    foreach (var feature in parsed) await catalogue.RunFeatureAsync(feature);
    var runMs = runClock.Elapsed.TotalMilliseconds;
    Console.WriteLine($"running all {catalogue.Results.Scenarios.Count} generated scenarios ({steps} steps) sequentially: {runMs:0} ms ({runMs * 1000 / steps:0.0} µs/step incl. hooks and per-scenario setup)");
    var resultsDir = Path.Combine(directory, "results");
    Directory.CreateDirectory(resultsDir);
    foreach (var (name, write) in new (string, Action<Stream>)[]
    {
        (ResultWriters.JsonFileName, s => JsonResultsWriter.Write(catalogue.Results, s)),
        (ResultWriters.JUnitFileName, s => JUnitWriter.Write(catalogue.Results, s)),
        (ResultWriters.MessagesFileName, s => CucumberMessagesWriter.Write(catalogue.Results, registry, s)),
    })
    {
        var (wall, cpu) = Measure(() =>
        {
            using var stream = File.Create(Path.Combine(resultsDir, name));
            write(stream);
        });
        Console.WriteLine($"writing {name} for {catalogue.Results.Scenarios.Count} scenarios: {wall:0} ms wall, {cpu:0} ms CPU, {new FileInfo(Path.Combine(resultsDir, name)).Length / 1024} KiB");
    }
    return median < 1000 ? 0 : 1;
}
finally
{
    Directory.Delete(directory, recursive: true);
}

// Wall and CPU time: this machine is shared, so CPU time is the figure that does not depend on the neighbours.
static (double WallMs, double CpuMs) Measure(Action action)
{
    var process = Process.GetCurrentProcess();
    var cpu = process.TotalProcessorTime;
    var clock = Stopwatch.StartNew();
    action();
    process.Refresh();
    return (clock.Elapsed.TotalMilliseconds, (process.TotalProcessorTime - cpu).TotalMilliseconds);
}

static string GeneratedFeature(int index)
{
    var text = new StringBuilder();
    text.AppendLine(CultureInfo.InvariantCulture, $"@generated @batch:{index % 10}");
    text.AppendLine(CultureInfo.InvariantCulture, $"Feature: Generated feature {index}");
    text.AppendLine("  Background:");
    text.AppendLine(CultureInfo.InvariantCulture, $"    Given a counter named \"feature-{index}\"");
    for (var s = 0; s < 5; s++)
    {
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"  @tier{s % 3 + 1}");
        text.AppendLine(CultureInfo.InvariantCulture, $"  Scenario: Scenario {s} of feature {index}");
        for (var step = 0; step < 4; step++) text.AppendLine(CultureInfo.InvariantCulture, $"    When step {step} adds {s}");
        text.AppendLine("    Then the sum is positive");
    }
    text.AppendLine();
    text.AppendLine("  Scenario Outline: Outline of feature " + index);
    text.AppendLine("    When step <n> adds <m>");
    text.AppendLine("    Then the sum is positive");
    text.AppendLine("    Examples:");
    text.AppendLine("      | n | m |");
    for (var r = 0; r < 3; r++) text.AppendLine(CultureInfo.InvariantCulture, $"      | {r} | {r * 2} |");
    return text.ToString();
}

static string DispatchFeature(int steps)
{
    var text = new StringBuilder("Feature: Dispatch\n  Scenario: Many steps\n    Given a counter named \"dispatch\"\n");
    for (var i = 1; i < steps - 1; i++)
        text.AppendLine(i % 2 == 0
            ? string.Create(CultureInfo.InvariantCulture, $"    When step {i} adds {i * 3}")
            : string.Create(CultureInfo.InvariantCulture, $"    When the regex step {i} adds word{i}"));
    text.AppendLine("    Then the sum is positive");
    return text.ToString();
}
