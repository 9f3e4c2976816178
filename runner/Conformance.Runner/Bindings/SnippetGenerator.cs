using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Conformance.Runner.Bindings;

/// <summary>A ready-to-paste binding for an undefined step: a Cucumber expression with {int}/{float}/{string} guessed.</summary>
public static partial class SnippetGenerator
{
    public static string Snippet(StepKind kind, string text, bool hasTable, bool hasDocString)
    {
        var parameters = new List<string>();
        var expression = new StringBuilder();
        var nameWords = new List<string>();
        var index = 0;
        foreach (Match token in Tokens().Matches(text))
        {
            var value = token.Value;
            if (token.Groups["string"].Success) { expression.Append("{string}"); parameters.Add($"string p{index++}"); }
            else if (token.Groups["float"].Success) { expression.Append("{float}"); parameters.Add($"double p{index++}"); }
            else if (token.Groups["int"].Success) { expression.Append("{int}"); parameters.Add($"int p{index++}"); }
            else
            {
                expression.Append(Regex.Replace(value, @"[(){}/\\]", @"\$0"));
                foreach (Match w in Word().Matches(value)) nameWords.Add(w.Value);
            }
        }
        if (hasTable) parameters.Add("DataTable table");
        if (hasDocString) parameters.Add("DocString docString");
        var attribute = kind == StepKind.Any ? "Given" : kind.ToString();
        var method = attribute + string.Concat(nameWords.Select(w => char.ToUpper(w[0], CultureInfo.InvariantCulture) + w[1..]));
        var literal = expression.ToString().Replace("\"", "\"\"");
        return $"""
            [{attribute}(@"{literal}")]
            public void {method}({string.Join(", ", parameters)})
            {"{"}
                throw new PendingStepException();
            {"}"}
            """;
    }

    [GeneratedRegex("""(?<string>"[^"]*"|'[^']*')|(?<float>(?<![\w.])-?\d+\.\d+(?![\w.]))|(?<int>(?<![\w.])-?\d+(?![\w.]))|[^"'\d-]+|.""")]
    private static partial Regex Tokens();

    [GeneratedRegex(@"[A-Za-z0-9]+")]
    private static partial Regex Word();
}
