using System.Reflection;
using Conformance.Runner.Gherkin;
using Xunit;
using Xunit.Sdk;
using Xunit.v3;

namespace Conformance.Runner.Xunit;

/// <summary>
/// Theory data for one feature file: one row per selected pickle (scenario or example row), with display name
/// <c>Feature: Scenario [col=value]</c>, traits from tags (<c>@tier1</c> gives <c>tag=tier1</c>, <c>@key:value</c> gives
/// <c>key=value</c>, plus <c>feature=&lt;title&gt;</c>), <c>@ignore</c>/<c>@wip</c> skipped with a reason and <c>@serial</c>
/// rows out of parallel runs. A file that does not parse yields one failing row naming the parser's line and column.
/// The generator (Conformance.Runner.Generator) puts this on one [Theory] per .feature file.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class FeatureScenariosAttribute(string uri, string source) : DataAttribute
{
    /// <summary>The row value that stands for "this file did not parse" or "the configuration is broken".</summary>
    public const string ProblemRow = "!problem";

    public string Uri { get; } = uri;
    public string Source { get; } = source;

    public override bool SupportsDiscoveryEnumeration() => true;

    public override ValueTask<IReadOnlyCollection<ITheoryDataRow>> GetData(MethodInfo testMethod, DisposalTracker disposalTracker)
    {
        var host = GherkinHost.For(testMethod.DeclaringType!.Assembly);
        return new(Rows(host, host.Feature(Uri, Source)));
    }

    /// <summary>The rows for a parsed feature under the host's options (public for tests).</summary>
    public static IReadOnlyCollection<ITheoryDataRow> Rows(GherkinHost host, ParsedFeature feature) => Rows(feature, host.Options, host.ConfigurationError);

    public static IReadOnlyCollection<ITheoryDataRow> Rows(ParsedFeature feature, RunnerOptions options, string? configurationError = null)
    {
        if (configurationError is not null)
            return [new TheoryDataRow<string>(ProblemRow) { TestDisplayName = $"{feature.Uri}: configuration error", Label = "" }];
        if (!feature.IsValid)
            return [new TheoryDataRow<string>(ProblemRow) { TestDisplayName = $"{feature.Uri}: parse error at line {feature.ParseErrors[0].Line}, column {feature.ParseErrors[0].Column}", Label = "" }];
        var rows = new List<ITheoryDataRow>();
        foreach (var pickle in feature.Pickles)
        {
            var tags = pickle.Tags.Select(t => t.Name).ToList();
            if (!options.TagFilter.Evaluate(tags)) continue;
            var row = new TheoryDataRow<string>(pickle.Id)
            {
                TestDisplayName = feature.DisplayName(pickle),
                Label = "", // xunit: an empty label drops the "(scenario: ...)" argument list from the display name
                Skip = FeatureRunner.IgnoreReason(pickle),
                DisableParallelization = tags.Contains("@serial") ? true : null,
            };
            row.WithTrait("feature", feature.Name);
            foreach (var (name, value) in TraitsOf(tags)) row.WithTrait(name, value);
            rows.Add(row);
        }
        if (rows.Count == 0)
        {
            // xunit fails a theory without data; an explicit row is listed but not run unless asked for.
            rows.Add(new TheoryDataRow<string>(ProblemRow)
            {
                TestDisplayName = $"{feature.Name}: no scenario selected by CONFORMANCE_TAGS",
                Label = "",
                Explicit = true,
            });
        }
        return rows;
    }

    /// <summary><c>@tier1</c> → (tag, tier1); <c>@key:value</c> → (key, value).</summary>
    public static IEnumerable<(string Name, string Value)> TraitsOf(IEnumerable<string> tags)
    {
        foreach (var tag in tags)
        {
            var name = tag.TrimStart('@');
            var colon = name.IndexOf(':', StringComparison.Ordinal);
            yield return colon > 0 ? (name[..colon], name[(colon + 1)..]) : ("tag", name);
        }
    }
}
