using System.Reflection;
using System.Text.RegularExpressions;
using Conformance.Runner.Expressions;
using Conformance.Runner.Tags;

namespace Conformance.Runner.Bindings;

/// <summary>A method bound to step text.</summary>
public sealed class StepBinding
{
    internal StepBinding(string id, MethodInfo method, StepKind kind, string expression, ExpressionType type, Regex regex,
        IReadOnlyList<ParameterType>? parameters)
    {
        Id = id;
        Method = method;
        Kind = kind;
        Expression = expression;
        ExpressionType = type;
        Regex = regex;
        ParameterTypes = parameters;
    }

    public string Id { get; }
    public MethodInfo Method { get; }
    public StepKind Kind { get; }
    public string Expression { get; }
    public ExpressionType ExpressionType { get; }
    public Regex Regex { get; }
    /// <summary>The Cucumber parameter types in order; null for a regular expression.</summary>
    public IReadOnlyList<ParameterType>? ParameterTypes { get; }

    /// <summary><c>[Given("...")] Class.Method(int, string)</c>, as listed for ambiguous steps.</summary>
    public override string ToString() =>
        $"[{(Kind == StepKind.Any ? "StepDefinition" : Kind.ToString())}(\"{Expression}\")] {BindingRegistry.Describe(Method)}";
}

/// <summary>A hook method with its tag filter and order.</summary>
public sealed class HookBinding
{
    internal HookBinding(string id, MethodInfo method, HookType type, int order, IReadOnlyList<string> tags)
    {
        Id = id;
        Method = method;
        Type = type;
        Order = order;
        Tags = tags;
        Filter = tags.Count == 0 ? null : tags.Select(t => TagExpression.Parse(t.StartsWith('@') || t.Contains(' ') ? t : "@" + t)).ToList();
    }

    public string Id { get; }
    public MethodInfo Method { get; }
    public HookType Type { get; }
    public int Order { get; }
    public IReadOnlyList<string> Tags { get; }
    private IReadOnlyList<TagExpression>? Filter { get; }

    /// <summary>True when the hook has no tags, or any of its tag filters matches (Reqnroll: OR).</summary>
    public bool Applies(IEnumerable<string> tags)
    {
        if (Filter is null) return true;
        var list = tags as IReadOnlyCollection<string> ?? tags.ToList();
        return Filter.Any(f => f.Evaluate(list));
    }

    public override string ToString() => $"[{Type}{(Tags.Count > 0 ? "(\"" + string.Join("\", \"", Tags) + "\")" : "")}] {BindingRegistry.Describe(Method)}";
}

/// <summary>A <see cref="StepArgumentTransformationAttribute"/> method.</summary>
public sealed class TransformationBinding
{
    internal TransformationBinding(MethodInfo method, Regex? regex, int order)
    {
        Method = method;
        Regex = regex;
        Order = order;
    }

    public MethodInfo Method { get; }
    public Regex? Regex { get; }
    public int Order { get; }
    public Type ReturnType => Method.ReturnType;
    public bool TakesTable => Method.GetParameters() is [{ ParameterType: var t }] && t == typeof(DataTable);

    public override string ToString() => $"[StepArgumentTransformation{(Regex is null ? "" : $"(\"{Regex}\")")}] {BindingRegistry.Describe(Method)}";
}

/// <summary>A problem in binding code (a bad expression, a non-static feature hook...).</summary>
public sealed class BindingException(string message, Exception? inner = null) : Exception(message, inner);
