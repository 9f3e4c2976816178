using System.Collections;
using System.Globalization;
using System.Text;

namespace Conformance.Twin.Injector.Templates;

/// <summary>
/// A parsed consul-template template (the subset of Go text/template the brief lists) and its execution.
/// `secret` is supplied by the caller so the agent can fetch, record the dependency and reuse data.
/// </summary>
public sealed class GoTemplate
{
    private readonly ListNode _root;

    public string Name { get; }

    private GoTemplate(string name, ListNode root)
    {
        Name = name;
        _root = root;
    }

    public static GoTemplate Parse(string name, string text, string leftDelim = "{{", string rightDelim = "}}") =>
        new(name, TemplateParser.Parse(name, text, string.IsNullOrEmpty(leftDelim) ? "{{" : leftDelim, string.IsNullOrEmpty(rightDelim) ? "}}" : rightDelim));

    /// <summary>Runs the template. <paramref name="secret"/> implements consul-template's `secret path [k=v...]`.</summary>
    public string Execute(Func<string, IReadOnlyList<string>, SecretValue?> secret, bool errorOnMissingKey = false)
    {
        var state = new ExecState(Name, secret, errorOnMissingKey);
        var sb = new StringBuilder();
        // consul-template executes with a nil dot
        state.Vars.Add(("$", null));
        Walk(state, sb, null, _root);
        return sb.ToString();
    }

    private sealed class ExecState(string name, Func<string, IReadOnlyList<string>, SecretValue?> secret, bool errorOnMissingKey)
    {
        public string Name { get; } = name;
        public Func<string, IReadOnlyList<string>, SecretValue?> Secret { get; } = secret;
        public bool ErrorOnMissingKey { get; } = errorOnMissingKey;
        public List<(string Name, object? Value)> Vars { get; } = [];
    }

    private static void Walk(ExecState s, StringBuilder sb, object? dot, Node node)
    {
        switch (node)
        {
            case ListNode list:
                foreach (var item in list.Items) Walk(s, sb, dot, item);
                break;
            case TextNode text:
                sb.Append(text.Text);
                break;
            case ActionNode action:
                var value = EvalPipe(s, dot, action.Pipe);
                if (action.Pipe.Decl.Count == 0) sb.Append(GoValues.Print(value));
                break;
            case IfNode iff:
                WalkScoped(s, sb, dot, iff.Pipe, (v, _) => GoValues.IsTrue(v), (_, d) => d, iff.List, iff.Else);
                break;
            case WithNode with:
                WalkScoped(s, sb, dot, with.Pipe, (v, _) => GoValues.IsTrue(v), (v, _) => v, with.List, with.Else);
                break;
            case RangeNode range:
                WalkRange(s, sb, dot, range);
                break;
            default:
                throw Error(s, node, $"unexpected node {node.GetType().Name}");
        }
    }

    private static void WalkScoped(ExecState s, StringBuilder sb, object? dot, PipeNode pipe,
        Func<object?, object?, bool> test, Func<object?, object?, object?> newDot, ListNode list, ListNode? elseList)
    {
        var mark = s.Vars.Count;
        var value = EvalPipe(s, dot, pipe);
        if (test(value, dot)) Walk(s, sb, newDot(value, dot), list);
        else if (elseList is not null) Walk(s, sb, dot, elseList);
        s.Vars.RemoveRange(mark, s.Vars.Count - mark);
    }

    private static void WalkRange(ExecState s, StringBuilder sb, object? dot, RangeNode range)
    {
        var mark = s.Vars.Count;
        var pipe = range.Pipe with { Decl = [] };
        var value = EvalPipe(s, dot, pipe);
        var decl = range.Pipe.Decl;
        IEnumerable<(object? Key, object? Value)> items = value switch
        {
            IDictionary<string, object?> m => m.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => ((object?)kv.Key, kv.Value)),
            IList l => l.Cast<object?>().Select((v, i) => ((object?)(long)i, v)),
            null or NoValue => [],
            _ => throw Error(s, range, $"range can't iterate over {GoValues.Print(value)}"),
        };
        var any = false;
        foreach (var (key, item) in items)
        {
            any = true;
            var inner = s.Vars.Count;
            // `range $v := x` binds the element; `range $k, $v := x` binds key and element (Go text/template)
            if (decl.Count == 1) s.Vars.Add((decl[0], item));
            else if (decl.Count >= 2) { s.Vars.Add((decl[0], key)); s.Vars.Add((decl[1], item)); }
            Walk(s, sb, item, range.List);
            s.Vars.RemoveRange(inner, s.Vars.Count - inner);
        }
        if (!any && range.Else is not null) Walk(s, sb, dot, range.Else);
        s.Vars.RemoveRange(mark, s.Vars.Count - mark);
    }

    private static object? EvalPipe(ExecState s, object? dot, PipeNode pipe)
    {
        object? final = NoValue.Instance;
        var hasFinal = false;
        foreach (var cmd in pipe.Commands)
        {
            final = EvalCommand(s, dot, cmd, hasFinal ? final : NoValue.Instance, hasFinal);
            hasFinal = true;
        }
        if (pipe.Decl.Count > 0)
        {
            if (pipe.IsAssign)
            {
                var idx = s.Vars.FindLastIndex(v => v.Name == pipe.Decl[0]);
                if (idx < 0) throw Error(s, pipe, $"undefined variable: {pipe.Decl[0]}");
                s.Vars[idx] = (pipe.Decl[0], final);
            }
            else
            {
                s.Vars.Add((pipe.Decl[0], final));
            }
        }
        return final;
    }

    private static object? EvalCommand(ExecState s, object? dot, CommandNode cmd, object? final, bool hasFinal)
    {
        var first = cmd.Args[0];
        if (first is IdentifierNode fn)
        {
            var args = cmd.Args.Skip(1).Select(a => EvalArg(s, dot, a)).ToList();
            if (hasFinal) args.Add(final);
            return CallFunction(s, fn, args);
        }
        if (cmd.Args.Count > 1 || hasFinal)
            throw Error(s, cmd, $"can't give argument to non-function {Describe(first)}");
        return EvalArg(s, dot, first);
    }

    private static object? EvalArg(ExecState s, object? dot, Node node) => node switch
    {
        DotNode => dot,
        FieldNode f => EvalFields(s, node, dot, f.Names, "."),
        VariableNode v => EvalFields(s, node, LookupVar(s, v), v.Fields, v.Name),
        LiteralNode l => l.Value,
        ChainNode c => EvalFields(s, node, EvalPipe(s, dot, (PipeNode)c.Target), c.Fields, "(...)"),
        IdentifierNode fn => CallFunction(s, fn, []),
        _ => throw Error(s, node, $"can't evaluate {node.GetType().Name}"),
    };

    private static object? LookupVar(ExecState s, VariableNode v)
    {
        for (var i = s.Vars.Count - 1; i >= 0; i--)
            if (s.Vars[i].Name == v.Name) return s.Vars[i].Value;
        throw Error(s, v, $"undefined variable: {v.Name}");
    }

    private static object? EvalFields(ExecState s, Node at, object? receiver, List<string> names, string start)
    {
        var current = receiver;
        var path = start;
        foreach (var name in names)
        {
            path = path == "." ? "." + name : path + "." + name;
            switch (current)
            {
                case SecretValue secret:
                    if (!secret.TryGetField(name, out current))
                        throw Error(s, at, $"can't evaluate field {name} in type *dependency.Secret");
                    break;
                case IDictionary<string, object?> map:
                    if (map.TryGetValue(name, out var v)) current = v;
                    else if (s.ErrorOnMissingKey) throw Error(s, at, $"map has no entry for key {GoQuote(name)}");
                    else current = NoValue.Instance;
                    break;
                case null or NoValue:
                    // text/template: a field of a nil interface is an error (e.g. `.Data.x.y` with x missing)
                    throw Error(s, at, $"nil pointer evaluating interface {{}}.{name}");
                default:
                    throw Error(s, at, $"can't evaluate field {name} in type {GoType(current)}");
            }
        }
        return current;
    }

    private static object? CallFunction(ExecState s, IdentifierNode fn, List<object?> args)
    {
        string Str(int i) => i < args.Count ? args[i] switch { string str => str, var o => GoValues.Print(o) } : "";
        void Arity(int n) { if (args.Count != n) throw Error(s, fn, $"wrong number of args for {fn.Name}: want {n} got {args.Count}"); }
        switch (fn.Name)
        {
            case "secret":
                // consul-template `secret "path" ["k=v" ...]`: a read, or a write when data is given
                if (args.Count < 1) throw Error(s, fn, "wrong number of args for secret: want at least 1 got 0");
                return s.Secret(Str(0), args.Skip(1).Select((_, i) => Str(i + 1)).ToList());
            case "printf":
                if (args.Count < 1) throw Error(s, fn, "wrong number of args for printf: want at least 1 got 0");
                return GoFormat.Sprintf(Str(0), args.Skip(1).ToList());
            case "print":
                return GoFormat.Sprint(args);
            case "println":
                return string.Join(" ", args.Select(GoValues.Print)) + "\n";
            case "len":
                Arity(1);
                return args[0] switch
                {
                    string str => (long)Encoding.UTF8.GetByteCount(str),
                    ICollection c => (long)c.Count,
                    IDictionary<string, object?> m => (long)m.Count,
                    _ => throw Error(s, fn, $"error calling len: len of type {GoType(args[0])}"),
                };
            case "index":
                {
                    if (args.Count < 1) throw Error(s, fn, "wrong number of args for index: want at least 1 got 0");
                    var cur = args[0];
                    foreach (var key in args.Skip(1))
                    {
                        cur = cur switch
                        {
                            IDictionary<string, object?> m => m.TryGetValue(GoValues.Print(key), out var v) ? v : null,
                            IList l when GoValues.AsNumber(key) is { } n => n >= 0 && n < l.Count ? l[(int)n] : throw Error(s, fn, $"error calling index: index out of range: {n}"),
                            _ => throw Error(s, fn, $"error calling index: can't index item of type {GoType(cur)}"),
                        };
                    }
                    return cur;
                }
            case "eq":
                if (args.Count < 2) throw Error(s, fn, "missing argument for comparison");
                return args.Skip(1).Any(b => GoEquals(args[0], b));
            case "ne":
                Arity(2);
                return !GoEquals(args[0], args[1]);
            case "lt" or "le" or "gt" or "ge":
                {
                    Arity(2);
                    var c = Compare(s, fn, args[0], args[1]);
                    return fn.Name switch { "lt" => c < 0, "le" => c <= 0, "gt" => c > 0, _ => c >= 0 };
                }
            case "and":
                foreach (var a in args) if (!GoValues.IsTrue(a)) return a;
                return args.Count > 0 ? args[^1] : null;
            case "or":
                foreach (var a in args) if (GoValues.IsTrue(a)) return a;
                return args.Count > 0 ? args[^1] : null;
            case "not":
                Arity(1);
                return !GoValues.IsTrue(args[0]);
            case "toJSON":
                Arity(1);
                return GoValues.ToJson(args[0]);
            case "toJSONPretty":
                Arity(1);
                return GoValues.ToJson(args[0], pretty: true);
            case "base64Encode":
                Arity(1);
                return Convert.ToBase64String(Encoding.UTF8.GetBytes(Str(0)));
            case "base64Decode":
                Arity(1);
                try { return Encoding.UTF8.GetString(Convert.FromBase64String(Str(0))); }
                catch (FormatException ex) { throw Error(s, fn, $"error calling base64Decode: base64Decode: {ex.Message}"); }
            case "toUpper":
                Arity(1);
                return Str(0).ToUpperInvariant();
            case "toLower":
                Arity(1);
                return Str(0).ToLowerInvariant();
            case "trimSpace":
                Arity(1);
                return Str(0).Trim();
            case "contains":
                // consul-template: contains(substring, string) for pipelines: `"abc" | contains "b"`
                Arity(2);
                return Str(1).Contains(Str(0), StringComparison.Ordinal);
            case "replaceAll":
                Arity(3);
                return Str(2).Replace(Str(0), Str(1), StringComparison.Ordinal);
            case "split":
                Arity(2);
                return Str(1).Split(Str(0)).Cast<object?>().ToList();
            case "join":
                Arity(2);
                return string.Join(Str(0), (args[1] as IList ?? Array.Empty<object?>()).Cast<object?>().Select(GoValues.Print));
            default:
                throw Error(s, fn, $"function {GoQuote(fn.Name)} not defined");
        }
    }

    private static bool GoEquals(object? a, object? b)
    {
        if (GoValues.AsNumber(a) is { } x && GoValues.AsNumber(b) is { } y) return x == y;
        // text/template eq: json.Number is a string kind, so it equals "3" but cannot be compared with 3
        if (GoValues.AsStringKind(a) is { } sa && GoValues.AsStringKind(b) is { } sb) return sa == sb;
        if (a is bool ba && b is bool bb) return ba == bb;
        return a is null && b is null;
    }

    private static int Compare(ExecState s, Node at, object? a, object? b)
    {
        if (GoValues.AsNumber(a) is { } x && GoValues.AsNumber(b) is { } y) return x.CompareTo(y);
        if (GoValues.AsStringKind(a) is { } sa && GoValues.AsStringKind(b) is { } sb) return string.CompareOrdinal(sa, sb);
        throw Error(s, at, "incompatible types for comparison");
    }

    private static string GoType(object? v) => v switch
    {
        null => "<nil>",
        string => "string",
        bool => "bool",
        GoNumber => "json.Number",
        long or int => "int",
        double => "float64",
        IDictionary<string, object?> => "map[string]interface {}",
        IList => "[]interface {}",
        SecretValue => "*dependency.Secret",
        _ => v.GetType().Name,
    };

    private static string Describe(Node n) => n switch
    {
        FieldNode f => "." + string.Join('.', f.Names),
        VariableNode v => v.Name,
        LiteralNode l => GoValues.Print(l.Value),
        _ => n.GetType().Name,
    };

    private static string GoQuote(string s) => "\"" + s + "\"";

    private static TemplateException Error(ExecState s, Node at, string message) =>
        new($"template: {s.Name}:{at.Line}: executing {GoQuote(s.Name)}: {message}");
}

/// <summary>The fmt verbs templates use with printf: %s %v %d %q %t %f %x %%.</summary>
internal static class GoFormat
{
    public static string Sprint(IReadOnlyList<object?> args)
    {
        // fmt.Sprint adds a space between operands when neither is a string
        var sb = new StringBuilder();
        for (var i = 0; i < args.Count; i++)
        {
            if (i > 0 && args[i] is not string && args[i - 1] is not string) sb.Append(' ');
            sb.Append(GoValues.Print(args[i]));
        }
        return sb.ToString();
    }

    public static string Sprintf(string format, IReadOnlyList<object?> args)
    {
        var sb = new StringBuilder();
        var argi = 0;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c != '%' || i + 1 >= format.Length) { sb.Append(c); continue; }
            var verb = format[++i];
            if (verb == '%') { sb.Append('%'); continue; }
            if (argi >= args.Count) { sb.Append("%!").Append(verb).Append("(MISSING)"); continue; }
            var a = args[argi++];
            sb.Append(verb switch
            {
                's' or 'v' => GoValues.Print(a),
                'd' => GoValues.AsNumber(a) is { } n ? ((long)n).ToString(CultureInfo.InvariantCulture) : $"%!d({GoType(a)}={GoValues.Print(a)})",
                'f' => GoValues.AsNumber(a) is { } f ? f.ToString("F6", CultureInfo.InvariantCulture) : $"%!f({GoType(a)}={GoValues.Print(a)})",
                'q' => "\"" + GoValues.Print(a).Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"",
                't' => GoValues.Print(a),
                'x' => a is string xs ? Convert.ToHexStringLower(Encoding.UTF8.GetBytes(xs)) : GoValues.AsNumber(a) is { } x ? ((long)x).ToString("x", CultureInfo.InvariantCulture) : GoValues.Print(a),
                _ => $"%!{verb}({GoType(a)}={GoValues.Print(a)})",
            });
        }
        if (argi < args.Count)
            sb.Append("%!(EXTRA ").Append(string.Join(", ", args.Skip(argi).Select(x => $"{GoType(x)}={GoValues.Print(x)}"))).Append(')');
        return sb.ToString();
    }

    private static string GoType(object? v) => v switch
    {
        null => "<nil>",
        string => "string",
        GoNumber => "json.Number",
        long => "int",
        bool => "bool",
        _ => "interface {}",
    };
}
