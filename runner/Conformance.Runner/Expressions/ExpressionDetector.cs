using System.Text.RegularExpressions;

namespace Conformance.Runner.Expressions;

/// <summary>Reqnroll's heuristic (CucumberExpressionDetector, peers.md §3.2): is a step text a regex or a Cucumber expression?</summary>
public static partial class ExpressionDetector
{
    public static bool IsRegex(string expression)
    {
        if (expression.StartsWith('^') || expression.EndsWith('$')) return true;
        if (ParameterPlaceholder().IsMatch(expression)) return false;
        return RegexHints().IsMatch(expression);
    }

    [GeneratedRegex(@"\{\w*\}")]
    private static partial Regex ParameterPlaceholder();

    [GeneratedRegex(@"\([^)]*[*+][^)]*\)|\.\*|\\\.|\\d\+")]
    private static partial Regex RegexHints();
}
