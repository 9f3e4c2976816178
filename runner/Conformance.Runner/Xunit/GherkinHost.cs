using System.Collections.Concurrent;
using System.Reflection;
using Conformance.Runner.Bindings;
using Conformance.Runner.Gherkin;
using Conformance.Runner.Tags;

namespace Conformance.Runner.Xunit;

/// <summary>
/// One per test assembly: its bindings, its <see cref="FeatureRunner"/> and the parsed features the generated test
/// classes declare. Options come from the environment (<see cref="RunnerOptions.FromEnvironment"/>).
/// </summary>
public sealed class GherkinHost
{
    private static readonly ConcurrentDictionary<Assembly, Lazy<GherkinHost>> Hosts = new();
    private readonly ConcurrentDictionary<string, ParsedFeature> _features = new(StringComparer.Ordinal);
    private readonly Lazy<FeatureRunner> _runner;

    private GherkinHost(Assembly assembly)
    {
        Assembly = assembly;
        try
        {
            Options = RunnerOptions.FromEnvironment(AppContext.BaseDirectory);
        }
        catch (TagExpressionException e)
        {
            ConfigurationError = $"CONFORMANCE_TAGS is not a valid tag expression: {e.Message}";
            Options = new RunnerOptions();
        }
        _runner = new Lazy<FeatureRunner>(() => new FeatureRunner(BindingRegistry.FromAssemblies(Assembly), Options));
    }

    public static GherkinHost For(Assembly assembly) =>
        Hosts.GetOrAdd(assembly, a => new Lazy<GherkinHost>(() => new GherkinHost(a))).Value;

    public Assembly Assembly { get; }
    public RunnerOptions Options { get; }
    /// <summary>A problem with the run's configuration that fails every scenario (a bad CONFORMANCE_TAGS).</summary>
    public string? ConfigurationError { get; }

    /// <summary>The engine; creating it scans the bindings and may throw <see cref="BindingException"/>.</summary>
    public FeatureRunner Runner => _runner.Value;

    public bool RunnerCreated => _runner.IsValueCreated;

    /// <summary>Parses a feature once per process (discovery and execution share the result).</summary>
    public ParsedFeature Feature(string uri, string source) => _features.GetOrAdd(uri, u => FeatureParser.Parse(u, source));

    public IReadOnlyCollection<ParsedFeature> Features => _features.Values.ToList();
}
