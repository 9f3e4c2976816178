using System.Text.RegularExpressions;

namespace Conformance.Runner.Bindings;

/// <summary>The binding a step matched, with its captured texts.</summary>
public sealed record StepMatch(StepBinding Binding, IReadOnlyList<string> Captures);

/// <summary>Finds the bindings that match a step's text and keyword kind.</summary>
public static class StepMatcher
{
    /// <summary>Every binding matching <paramref name="text"/>. <see cref="StepKind.Any"/> as the step's kind (a <c>*</c> step
    /// with nothing before it) matches bindings of every kind.</summary>
    public static IReadOnlyList<StepMatch> Match(BindingRegistry registry, string text, StepKind stepKind)
    {
        var matches = new List<StepMatch>(1);
        foreach (var binding in registry.Steps)
        {
            if (binding.Kind != StepKind.Any && stepKind != StepKind.Any && binding.Kind != stepKind) continue;
            var m = binding.Regex.Match(text);
            if (!m.Success) continue;
            // One method under several attributes ([Given] and [When] with one text) is one binding, not an ambiguity.
            if (matches.Exists(x => x.Binding.Method == binding.Method)) continue;
            matches.Add(new StepMatch(binding, Captures(binding, m)));
        }
        return matches;
    }

    private static List<string> Captures(StepBinding binding, Match m)
    {
        var captures = new List<string>();
        if (binding.ParameterTypes is { } types)
        {
            for (var i = 0; i < types.Count; i++) captures.Add(m.Groups["p" + i].Value);
        }
        else
        {
            for (var i = 1; i < m.Groups.Count; i++)
                if (!int.TryParse(m.Groups[i].Name, out _)) continue; // named groups follow numbered ones; keep positional
                else captures.Add(m.Groups[i].Value);
        }
        return captures;
    }
}
