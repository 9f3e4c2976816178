using System.Globalization;
using System.Text;

namespace Conformance.Twin.Injector.Templates;

// The Go text/template subset consul-template templates use (reference/vault.md §2; the brief's list): text,
// {{ }} actions with `-` trim markers, comments, pipelines with `|`, fields (.Data.x), variables ($k, $),
// literals, parenthesised pipelines, if/else if/else, with/else, range (with $k, $v :=)/else, end.

internal abstract record Node(int Line);
internal sealed record TextNode(int Line, string Text) : Node(Line);
internal sealed record ListNode(int Line, List<Node> Items) : Node(Line);
internal sealed record ActionNode(int Line, PipeNode Pipe) : Node(Line);
internal sealed record IfNode(int Line, PipeNode Pipe, ListNode List, ListNode? Else) : Node(Line);
internal sealed record WithNode(int Line, PipeNode Pipe, ListNode List, ListNode? Else) : Node(Line);
internal sealed record RangeNode(int Line, PipeNode Pipe, ListNode List, ListNode? Else) : Node(Line);
internal sealed record PipeNode(int Line, List<string> Decl, bool IsAssign, List<CommandNode> Commands, string Source) : Node(Line);
internal sealed record CommandNode(int Line, List<Node> Args) : Node(Line);
internal sealed record FieldNode(int Line, List<string> Names) : Node(Line);
internal sealed record DotNode(int Line) : Node(Line);
internal sealed record VariableNode(int Line, string Name, List<string> Fields) : Node(Line);
internal sealed record IdentifierNode(int Line, string Name) : Node(Line);
internal sealed record LiteralNode(int Line, object? Value) : Node(Line);
internal sealed record ChainNode(int Line, Node Target, List<string> Fields) : Node(Line);

/// <summary>A template that fails to parse; the message names the template, line and problem like Go's parser.</summary>
public sealed class TemplateException(string message) : Exception(message);

internal sealed class TemplateParser
{
    private readonly string _name;
    private readonly string _src;
    private readonly string _left;
    private readonly string _right;
    private int _pos;
    private int _line = 1;

    private TemplateParser(string name, string src, string left, string right)
    {
        _name = name;
        _src = src;
        _left = left;
        _right = right;
    }

    public static ListNode Parse(string name, string src, string left = "{{", string right = "}}")
    {
        var p = new TemplateParser(name, src, left, right);
        var (list, end) = p.ParseList();
        if (end is not null) throw p.Error($"unexpected {{{{{end}}}}}");
        return list;
    }

    private TemplateException Error(string msg) => new($"template: {_name}:{_line}: {msg}");

    // Returns the list and the terminating keyword ("end", "else ...") or null at EOF.
    private (ListNode List, string? Terminator) ParseList()
    {
        var items = new List<Node>();
        var startLine = _line;
        while (true)
        {
            var (text, action) = NextChunk();
            if (text.Length > 0) items.Add(new TextNode(_line, text));
            if (action is null) return (new ListNode(startLine, items), null);
            var a = action.Trim();
            if (a.StartsWith("/*", StringComparison.Ordinal))
            {
                if (!a.EndsWith("*/", StringComparison.Ordinal)) throw Error("unclosed comment");
                continue;
            }
            var keyword = FirstWord(a);
            switch (keyword)
            {
                case "end":
                    return (new ListNode(startLine, items), "end");
                case "else":
                    return (new ListNode(startLine, items), a);
                case "if":
                case "with":
                case "range":
                    items.Add(ParseControl(keyword, a[keyword.Length..]));
                    break;
                case "define" or "template" or "block" or "break" or "continue":
                    throw Error($"{{{{{keyword}}}}} is not supported by the twin's template engine");
                default:
                    items.Add(new ActionNode(_line, ParsePipe(a, allowDecl: true)));
                    break;
            }
        }
    }

    private Node ParseControl(string keyword, string pipeSource)
    {
        var line = _line;
        var pipe = ParsePipe(pipeSource, allowDecl: keyword == "range" || keyword == "with" || keyword == "if");
        var (list, term) = ParseList();
        ListNode? elseList = null;
        if (term is null) throw Error($"unexpected EOF: missing {{{{end}}}} for {{{{{keyword}}}}}");
        if (term != "end")
        {
            var rest = term["else".Length..].Trim();
            if (rest.Length == 0)
            {
                var (el, t2) = ParseList();
                if (t2 != "end") throw Error($"expected {{{{end}}}} after {{{{else}}}}");
                elseList = el;
            }
            else
            {
                // {{else if x}} / {{else with x}}: a nested control sharing the outer {{end}}
                var kw = FirstWord(rest);
                if (kw is not ("if" or "with")) throw Error($"unexpected {{{{else {rest}}}}}");
                var nested = ParseControl(kw, rest[kw.Length..]);
                elseList = new ListNode(_line, [nested]);
            }
        }
        return keyword switch
        {
            "if" => new IfNode(line, pipe, list, elseList),
            "with" => new WithNode(line, pipe, list, elseList),
            _ => new RangeNode(line, pipe, list, elseList),
        };
    }

    /// <summary>Reads text up to the next action, applying trim markers; returns the action's inside (null at EOF).</summary>
    private (string Text, string? Action) NextChunk()
    {
        var start = _pos;
        var open = _src.IndexOf(_left, _pos, StringComparison.Ordinal);
        if (open < 0)
        {
            _pos = _src.Length;
            var rest = _src[start..];
            _line += Count(rest);
            return (rest, null);
        }
        var text = _src[start..open];
        var inner = open + _left.Length;
        // "{{- " trims the whitespace before the action
        if (inner + 1 < _src.Length && _src[inner] == '-' && IsSpace(_src[inner + 1]))
        {
            text = text.TrimEnd(' ', '\t', '\r', '\n');
            inner += 2;
        }
        _line += Count(_src[start..open]);
        var close = FindClose(inner);
        if (close < 0) throw Error("unclosed action");
        var actionEnd = close;
        var after = close + _right.Length;
        var trimRight = false;
        // " -}}" trims the whitespace after the action
        if (close - 2 >= inner && _src[close - 1] == '-' && IsSpace(_src[close - 2]))
        {
            actionEnd = close - 2;
            trimRight = true;
        }
        var action = _src[inner..actionEnd];
        _line += Count(_src[open..after]);
        _pos = after;
        if (trimRight)
        {
            while (_pos < _src.Length && IsSpace(_src[_pos]))
            {
                if (_src[_pos] == '\n') _line++;
                _pos++;
            }
        }
        return (text, action);
    }

    // Finds the closing delimiter, skipping quoted strings inside the action.
    private int FindClose(int from)
    {
        var i = from;
        while (i < _src.Length)
        {
            var c = _src[i];
            if (c == '"' || c == '`' || c == '\'')
            {
                var q = c;
                i++;
                while (i < _src.Length && _src[i] != q)
                {
                    if (_src[i] == '\\' && q != '`') i++;
                    i++;
                }
                i++;
                continue;
            }
            if (string.CompareOrdinal(_src, i, _right, 0, _right.Length) == 0) return i;
            i++;
        }
        return -1;
    }

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\r' or '\n';

    private static int Count(string s) => s.Count(c => c == '\n');

    private static string FirstWord(string a)
    {
        var i = 0;
        while (i < a.Length && (char.IsLetterOrDigit(a[i]) || a[i] == '_')) i++;
        return a[..i];
    }

    // ---- pipelines ----

    private PipeNode ParsePipe(string source, bool allowDecl)
    {
        var tokens = Tokenize(source);
        var i = 0;
        var decl = new List<string>();
        var isAssign = false;
        // `$x :=`, `$k, $v :=`, `$x =`
        if (allowDecl && tokens.Count >= 2 && tokens[0].Kind == TokKind.Variable)
        {
            var j = 0;
            var names = new List<string>();
            while (j < tokens.Count && tokens[j].Kind == TokKind.Variable && tokens[j].Fields.Count == 0)
            {
                names.Add(tokens[j].Text);
                j++;
                if (j < tokens.Count && tokens[j].Kind == TokKind.Comma) { j++; continue; }
                break;
            }
            if (j < tokens.Count && tokens[j].Kind is TokKind.Declare or TokKind.Assign)
            {
                isAssign = tokens[j].Kind == TokKind.Assign;
                decl = names;
                i = j + 1;
            }
        }
        var commands = new List<CommandNode>();
        var args = new List<Node>();
        for (; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.Kind == TokKind.Pipe)
            {
                if (args.Count == 0) throw Error("missing command before |");
                commands.Add(new CommandNode(_line, args));
                args = [];
                continue;
            }
            args.Add(ToNode(t));
        }
        if (args.Count > 0) commands.Add(new CommandNode(_line, args));
        if (commands.Count == 0) throw Error($"missing value for command in {{{{{source.Trim()}}}}}");
        return new PipeNode(_line, decl, isAssign, commands, source.Trim());
    }

    private Node ToNode(Token t) => t.Kind switch
    {
        TokKind.Field => new FieldNode(_line, t.Fields),
        TokKind.Dot => new DotNode(_line),
        TokKind.Variable => new VariableNode(_line, t.Text, t.Fields),
        TokKind.Identifier => t.Text switch
        {
            "true" => new LiteralNode(_line, true),
            "false" => new LiteralNode(_line, false),
            "nil" => new LiteralNode(_line, null),
            _ => new IdentifierNode(_line, t.Text),
        },
        TokKind.String => new LiteralNode(_line, t.Text),
        TokKind.Number => new LiteralNode(_line, ParseNumber(t.Text)),
        TokKind.Paren => t.Fields.Count == 0 ? new ChainNode(_line, ParsePipe(t.Text, allowDecl: false), []) : new ChainNode(_line, ParsePipe(t.Text, allowDecl: false), t.Fields),
        _ => throw Error($"unexpected {t.Text}"),
    };

    private object ParseNumber(string s)
    {
        if (long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) return l;
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
        throw Error($"bad number syntax: {GoQuote(s)}");
    }

    private static string GoQuote(string s) => "\"" + s + "\"";

    private enum TokKind { Field, Dot, Variable, Identifier, String, Number, Paren, Pipe, Comma, Declare, Assign }

    private sealed record Token(TokKind Kind, string Text, List<string> Fields);

    private List<Token> Tokenize(string s)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (IsSpace(c)) { i++; continue; }
            if (c == '|') { tokens.Add(new(TokKind.Pipe, "|", [])); i++; continue; }
            if (c == ',') { tokens.Add(new(TokKind.Comma, ",", [])); i++; continue; }
            if (c == ':' && i + 1 < s.Length && s[i + 1] == '=') { tokens.Add(new(TokKind.Declare, ":=", [])); i += 2; continue; }
            if (c == '=') { tokens.Add(new(TokKind.Assign, "=", [])); i++; continue; }
            if (c == '"' || c == '`')
            {
                var (str, next) = ReadString(s, i);
                tokens.Add(new(TokKind.String, str, []));
                i = next;
                continue;
            }
            if (c == '(')
            {
                var depth = 0;
                var j = i;
                for (; j < s.Length; j++)
                {
                    if (s[j] == '"' || s[j] == '`') { j = ReadString(s, j).Next - 1; continue; }
                    if (s[j] == '(') depth++;
                    else if (s[j] == ')' && --depth == 0) break;
                }
                if (j >= s.Length) throw Error("unclosed left paren");
                var inner = s[(i + 1)..j];
                i = j + 1;
                tokens.Add(new(TokKind.Paren, inner, ReadFieldChain(s, ref i)));
                continue;
            }
            if (c == '.')
            {
                var fields = ReadFieldChain(s, ref i);
                tokens.Add(fields.Count == 0 ? new(TokKind.Dot, ".", []) : new(TokKind.Field, "." + string.Join('.', fields), fields));
                if (fields.Count == 0) i++;
                continue;
            }
            if (c == '$')
            {
                var j = i + 1;
                while (j < s.Length && (char.IsLetterOrDigit(s[j]) || s[j] == '_')) j++;
                var name = s[i..j];
                i = j;
                tokens.Add(new(TokKind.Variable, name, ReadFieldChain(s, ref i)));
                continue;
            }
            if (char.IsDigit(c) || ((c == '-' || c == '+') && i + 1 < s.Length && char.IsDigit(s[i + 1])))
            {
                var j = i + 1;
                while (j < s.Length && (char.IsLetterOrDigit(s[j]) || s[j] is '.' or '_' || (s[j] is '+' or '-' && s[j - 1] is 'e' or 'E'))) j++;
                tokens.Add(new(TokKind.Number, s[i..j], []));
                i = j;
                continue;
            }
            if (char.IsLetter(c) || c == '_')
            {
                var j = i;
                while (j < s.Length && (char.IsLetterOrDigit(s[j]) || s[j] == '_')) j++;
                tokens.Add(new(TokKind.Identifier, s[i..j], []));
                i = j;
                continue;
            }
            throw Error($"unexpected {GoQuote(c.ToString())} in command");
        }
        return tokens;
    }

    // Reads ".a.b.c" starting at s[i] == '.'; leaves i after the chain. Returns [] for a lone ".".
    private static List<string> ReadFieldChain(string s, ref int i)
    {
        var fields = new List<string>();
        while (i < s.Length && s[i] == '.' && i + 1 < s.Length && (char.IsLetter(s[i + 1]) || s[i + 1] == '_'))
        {
            var j = i + 1;
            while (j < s.Length && (char.IsLetterOrDigit(s[j]) || s[j] == '_')) j++;
            fields.Add(s[(i + 1)..j]);
            i = j;
        }
        return fields;
    }

    private (string Value, int Next) ReadString(string s, int i)
    {
        var q = s[i];
        var sb = new StringBuilder();
        var j = i + 1;
        while (j < s.Length && s[j] != q)
        {
            if (q == '"' && s[j] == '\\' && j + 1 < s.Length)
            {
                j++;
                sb.Append(s[j] switch { 'n' => '\n', 't' => '\t', 'r' => '\r', '\\' => '\\', '"' => '"', '0' => '\0', _ => s[j] });
                j++;
                continue;
            }
            sb.Append(s[j]);
            j++;
        }
        if (j >= s.Length) throw Error("unterminated quoted string");
        return (sb.ToString(), j + 1);
    }
}
