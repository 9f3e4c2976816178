namespace Conformance.Runner.Tags;

/// <summary>
/// A Cucumber tag expression (<c>@tier2 and not (@slow or @wip)</c>): operators <c>not</c> &gt; <c>and</c> &gt; <c>or</c>,
/// parentheses, and <c>\</c> escapes in tag names, as in cucumber/tag-expressions. An empty expression matches everything.
/// </summary>
public abstract class TagExpression
{
    public static readonly TagExpression True = new TrueNode();

    public abstract bool Evaluate(IEnumerable<string> tags);

    /// <summary>Parses an expression; throws <see cref="TagExpressionException"/> naming the position of the error.</summary>
    public static TagExpression Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return True;
        var tokens = Tokenize(text);
        var parser = new Parser(text, tokens);
        var result = parser.ParseOr();
        if (parser.Position < tokens.Count)
            throw new TagExpressionException(text, $"unexpected '{tokens[parser.Position].Text}' at column {tokens[parser.Position].Column}");
        return result;
    }

    private sealed record Token(string Text, int Column, bool IsOperand);

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var current = new System.Text.StringBuilder();
        var start = 0;
        void Flush()
        {
            if (current.Length == 0) return;
            var word = current.ToString();
            var isOperator = word is "and" or "or" or "not";
            tokens.Add(new Token(word, start + 1, !isOperator));
            current.Clear();
        }
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\\')
            {
                if (i + 1 >= text.Length) throw new TagExpressionException(text, $"a '\\' at column {i + 1} escapes nothing");
                var next = text[i + 1];
                if (next is not ('(' or ')' or '\\') && !char.IsWhiteSpace(next))
                    throw new TagExpressionException(text, $"illegal escape '\\{next}' at column {i + 1}");
                if (current.Length == 0) start = i;
                current.Append(next);
                i++;
            }
            else if (char.IsWhiteSpace(c)) Flush();
            else if (c is '(' or ')')
            {
                Flush();
                tokens.Add(new Token(c.ToString(), i + 1, false));
            }
            else
            {
                if (current.Length == 0) start = i;
                current.Append(c);
            }
        }
        Flush();
        return tokens;
    }

    private sealed class Parser(string text, List<Token> tokens)
    {
        public int Position;

        private Token? Peek => Position < tokens.Count ? tokens[Position] : null;

        public TagExpression ParseOr()
        {
            var left = ParseAnd();
            while (Peek is { IsOperand: false, Text: "or" })
            {
                Position++;
                left = new OrNode(left, ParseAnd());
            }
            return left;
        }

        private TagExpression ParseAnd()
        {
            var left = ParseNot();
            while (Peek is { IsOperand: false, Text: "and" })
            {
                Position++;
                left = new AndNode(left, ParseNot());
            }
            return left;
        }

        private TagExpression ParseNot()
        {
            if (Peek is { IsOperand: false, Text: "not" })
            {
                Position++;
                return new NotNode(ParseNot());
            }
            return ParsePrimary();
        }

        private TagExpression ParsePrimary()
        {
            var token = Peek ?? throw new TagExpressionException(text, "it ends where a tag or '(' was expected");
            Position++;
            if (token is { IsOperand: false, Text: "(" })
            {
                var inner = ParseOr();
                if (Peek is not { IsOperand: false, Text: ")" })
                    throw new TagExpressionException(text, $"the '(' at column {token.Column} is not closed");
                Position++;
                return inner;
            }
            if (!token.IsOperand)
                throw new TagExpressionException(text, $"'{token.Text}' at column {token.Column} where a tag was expected");
            if (!token.Text.StartsWith('@'))
                throw new TagExpressionException(text, $"'{token.Text}' at column {token.Column} is not a tag (tags start with '@')");
            return new TagNode(token.Text);
        }
    }

    private sealed class TrueNode : TagExpression
    {
        public override bool Evaluate(IEnumerable<string> tags) => true;
        public override string ToString() => "true";
    }

    private sealed class TagNode(string tag) : TagExpression
    {
        public override bool Evaluate(IEnumerable<string> tags) => tags.Contains(tag, StringComparer.Ordinal);
        public override string ToString() => tag.Replace("(", "\\(").Replace(")", "\\)");
    }

    private sealed class NotNode(TagExpression inner) : TagExpression
    {
        public override bool Evaluate(IEnumerable<string> tags) => !inner.Evaluate(tags);
        public override string ToString() => $"not ( {inner} )";
    }

    private sealed class AndNode(TagExpression left, TagExpression right) : TagExpression
    {
        public override bool Evaluate(IEnumerable<string> tags) => left.Evaluate(tags) && right.Evaluate(tags);
        public override string ToString() => $"( {left} and {right} )";
    }

    private sealed class OrNode(TagExpression left, TagExpression right) : TagExpression
    {
        public override bool Evaluate(IEnumerable<string> tags) => left.Evaluate(tags) || right.Evaluate(tags);
        public override string ToString() => $"( {left} or {right} )";
    }
}

/// <summary>A tag expression that cannot be parsed.</summary>
public sealed class TagExpressionException(string expression, string problem)
    : Exception($"Tag expression \"{expression}\" could not be parsed: {problem}.")
{
    public string Expression { get; } = expression;
}
