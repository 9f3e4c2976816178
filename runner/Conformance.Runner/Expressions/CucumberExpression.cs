using System.Text;
using System.Text.RegularExpressions;

namespace Conformance.Runner.Expressions;

/// <summary>
/// Compiles a Cucumber expression (cucumber/cucumber-expressions grammar: <c>{type}</c> parameters, <c>(optional)</c>
/// text, <c>a/b</c> alternatives, <c>\</c> escapes) to an anchored regular expression with one named group per parameter.
/// </summary>
public static class CucumberExpression
{
    /// <summary>Compiles <paramref name="expression"/>; <paramref name="resolve"/> looks up parameter types by name and
    /// returns null for an unknown name (which then fails with <see cref="FormatException"/>).</summary>
    public static (Regex Regex, IReadOnlyList<ParameterType> Parameters) Compile(string expression, Func<string, int, ParameterType?> resolve)
    {
        var parameters = new List<ParameterType>();
        var pattern = new StringBuilder("^");
        // Split into whitespace-separated words; parameters split words too. Alternation lives inside one word.
        var i = 0;
        var word = new List<Piece>();
        void FlushWord()
        {
            if (word.Count == 0) return;
            pattern.Append(RenderWord(word, expression));
            word.Clear();
        }
        while (i < expression.Length)
        {
            var c = expression[i];
            if (c == '\\')
            {
                if (i + 1 >= expression.Length) throw new FormatException($"Cucumber expression \"{expression}\": a '\\' at the end escapes nothing.");
                word.Add(new Piece(PieceKind.Text, expression[i + 1].ToString()));
                i += 2;
            }
            else if (c == '{')
            {
                var close = expression.IndexOf('}', i);
                if (close < 0) throw new FormatException($"Cucumber expression \"{expression}\": the '{{' at column {i + 1} is not closed.");
                var name = expression[(i + 1)..close];
                if (name.IndexOfAny(['{', '(', ')', '\\', '/']) >= 0)
                    throw new FormatException($"Cucumber expression \"{expression}\": illegal parameter name \"{name}\" at column {i + 1}.");
                var type = resolve(name, parameters.Count)
                    ?? throw new FormatException($"Cucumber expression \"{expression}\": undefined parameter type {{{name}}} at column {i + 1}. Define it with [StepArgumentTransformation(\"regex\", Name = \"{name}\")] or [ParameterType(\"{name}\", \"regex\")].");
                FlushWord();
                pattern.Append($"(?<p{parameters.Count}>{type.Regex})");
                parameters.Add(type);
                i = close + 1;
            }
            else if (c == '(')
            {
                var (content, end) = ReadOptional(expression, i);
                word.Add(new Piece(PieceKind.Optional, content));
                i = end + 1;
            }
            else if (c == '/')
            {
                word.Add(new Piece(PieceKind.Slash, "/"));
                i++;
            }
            else if (char.IsWhiteSpace(c))
            {
                FlushWord();
                pattern.Append(Regex.Escape(c.ToString()));
                i++;
            }
            else if (c == ')' || c == '}')
            {
                throw new FormatException($"Cucumber expression \"{expression}\": unmatched '{c}' at column {i + 1}; escape it as '\\{c}'.");
            }
            else
            {
                word.Add(new Piece(PieceKind.Text, c.ToString()));
                i++;
            }
        }
        FlushWord();
        pattern.Append('$');
        return (new Regex(pattern.ToString(), RegexOptions.CultureInvariant), parameters);
    }

    private enum PieceKind { Text, Optional, Slash }

    private sealed record Piece(PieceKind Kind, string Value);

    private static (string Content, int End) ReadOptional(string expression, int start)
    {
        var content = new StringBuilder();
        for (var j = start + 1; j < expression.Length; j++)
        {
            var c = expression[j];
            if (c == '\\' && j + 1 < expression.Length) { content.Append(expression[j + 1]); j++; continue; }
            if (c == ')') return (content.ToString(), j);
            if (c is '(' or '{')
                throw new FormatException($"Cucumber expression \"{expression}\": optional text at column {start + 1} may not contain '{c}' (parameters and nested optionals are not allowed).");
            content.Append(c);
        }
        throw new FormatException($"Cucumber expression \"{expression}\": the '(' at column {start + 1} is not closed.");
    }

    private static string RenderWord(List<Piece> pieces, string expression)
    {
        static string Render(IEnumerable<Piece> part) => string.Concat(part.Select(p => p.Kind switch
        {
            PieceKind.Optional => $"(?:{Regex.Escape(p.Value)})?",
            _ => Regex.Escape(p.Value),
        }));
        if (!pieces.Any(p => p.Kind == PieceKind.Slash)) return Render(pieces);
        var alternatives = new List<List<Piece>> { new() };
        foreach (var p in pieces)
        {
            if (p.Kind == PieceKind.Slash) alternatives.Add([]);
            else alternatives[^1].Add(p);
        }
        if (alternatives.Any(a => a.Count == 0))
            throw new FormatException($"Cucumber expression \"{expression}\": an alternative may not be empty.");
        return "(?:" + string.Join("|", alternatives.Select(Render)) + ")";
    }
}
