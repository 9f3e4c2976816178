using Messages = Io.Cucumber.Messages.Types;

namespace Conformance.Runner.Gherkin;

/// <summary>A feature file after parsing: its Cucumber Messages document and pickles, or its parse errors.</summary>
public sealed class ParsedFeature
{
    private readonly Dictionary<string, Messages.Step> _steps = new();
    private readonly Dictionary<string, Messages.Scenario> _scenarios = new();
    private readonly Dictionary<string, (Messages.Examples Examples, Messages.TableRow Row)> _rows = new();
    private readonly Dictionary<string, Messages.Rule> _ruleOfScenario = new();

    public ParsedFeature(string uri, Messages.Source source, Messages.GherkinDocument? document,
        IReadOnlyList<Messages.Pickle> pickles, IReadOnlyList<FeatureParseError> parseErrors)
    {
        Uri = uri;
        Source = source;
        Document = document;
        Pickles = pickles;
        ParseErrors = parseErrors;
        if (document?.Feature is { } feature)
        {
            foreach (var child in feature.Children)
            {
                Index(child.Background, null);
                Index(child.Scenario, null);
                if (child.Rule is { } rule)
                    foreach (var ruleChild in rule.Children)
                    {
                        Index(ruleChild.Background, rule);
                        Index(ruleChild.Scenario, rule);
                    }
            }
        }
    }

    public string Uri { get; }
    public Messages.Source Source { get; }
    public Messages.GherkinDocument? Document { get; }
    public IReadOnlyList<Messages.Pickle> Pickles { get; }
    public IReadOnlyList<FeatureParseError> ParseErrors { get; }
    public bool IsValid => ParseErrors.Count == 0;
    public string Name => Document?.Feature?.Name is { Length: > 0 } name ? name : System.IO.Path.GetFileNameWithoutExtension(Uri);
    public IReadOnlyList<string> FeatureTags => Document?.Feature?.Tags.Select(t => t.Name).ToList() ?? [];

    public Messages.Pickle? FindPickle(string pickleId) => Pickles.FirstOrDefault(p => p.Id == pickleId);

    /// <summary>The source step a pickle step came from (keyword, line).</summary>
    public Messages.Step? SourceStep(Messages.PickleStep step) =>
        step.AstNodeIds.Count > 0 && _steps.TryGetValue(step.AstNodeIds[0], out var s) ? s : null;

    public Messages.Scenario? SourceScenario(Messages.Pickle pickle) =>
        pickle.AstNodeIds.Count > 0 && _scenarios.TryGetValue(pickle.AstNodeIds[0], out var s) ? s : null;

    public Messages.Rule? RuleOf(Messages.Pickle pickle) =>
        pickle.AstNodeIds.Count > 0 && _ruleOfScenario.TryGetValue(pickle.AstNodeIds[0], out var r) ? r : null;

    /// <summary>The Examples row a pickle was expanded from, if it came from a Scenario Outline.</summary>
    public (Messages.Examples Examples, Messages.TableRow Row)? ExampleRow(Messages.Pickle pickle) =>
        pickle.AstNodeIds.Count > 1 && _rows.TryGetValue(pickle.AstNodeIds[^1], out var r) ? r : null;

    /// <summary>The line of the pickle (the example row's line for outline rows).</summary>
    public int LineOf(Messages.Pickle pickle) =>
        ExampleRow(pickle) is { } row ? (int)row.Row.Location.Line : (int)(SourceScenario(pickle)?.Location.Line ?? pickle.Location?.Line ?? 0);

    public int LineOf(Messages.PickleStep step) => (int)(SourceStep(step)?.Location.Line ?? 0);

    /// <summary><c>Feature: Scenario</c>, plus <c>[col=value, ...]</c> for an outline row.</summary>
    public string DisplayName(Messages.Pickle pickle)
    {
        var name = $"{Name}: {pickle.Name}";
        if (ExampleRow(pickle) is { } row && row.Examples.TableHeader is { } header)
        {
            var cells = header.Cells.Zip(row.Row.Cells, (h, c) => $"{h.Value}={c.Value}");
            name += $" [{string.Join(", ", cells)}]";
        }
        return name;
    }

    private void Index(Messages.Background? background, Messages.Rule? rule)
    {
        if (background is null) return;
        foreach (var step in background.Steps) _steps[step.Id] = step;
    }

    private void Index(Messages.Scenario? scenario, Messages.Rule? rule)
    {
        if (scenario is null) return;
        _scenarios[scenario.Id] = scenario;
        if (rule is not null) _ruleOfScenario[scenario.Id] = rule;
        foreach (var step in scenario.Steps) _steps[step.Id] = step;
        foreach (var examples in scenario.Examples)
            foreach (var row in examples.TableBody)
                _rows[row.Id] = (examples, row);
    }
}
