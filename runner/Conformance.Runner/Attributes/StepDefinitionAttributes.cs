namespace Conformance.Runner;

/// <summary>How a step definition's text is read (Reqnroll: ExpressionType).</summary>
public enum ExpressionType
{
    /// <summary>Decide by the Reqnroll heuristic: <c>^...</c> or <c>...$</c> is a regex, <c>{x}</c> a Cucumber expression.</summary>
    Unspecified,
    CucumberExpression,
    RegularExpression,
}

/// <summary>The Gherkin keyword kind a step definition answers to.</summary>
public enum StepKind
{
    Given,
    When,
    Then,
    /// <summary>Any keyword (<see cref="StepDefinitionAttribute"/>).</summary>
    Any,
}

/// <summary>Base of <see cref="GivenAttribute"/>, <see cref="WhenAttribute"/>, <see cref="ThenAttribute"/> and <see cref="StepDefinitionAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public abstract class StepDefinitionBaseAttribute(StepKind kind, string expression) : Attribute
{
    public StepKind Kind { get; } = kind;
    public string Expression { get; } = expression;
    public ExpressionType ExpressionType { get; set; }
}

public sealed class GivenAttribute(string expression) : StepDefinitionBaseAttribute(StepKind.Given, expression);
public sealed class WhenAttribute(string expression) : StepDefinitionBaseAttribute(StepKind.When, expression);
public sealed class ThenAttribute(string expression) : StepDefinitionBaseAttribute(StepKind.Then, expression);
/// <summary>Matches a step whatever its keyword.</summary>
public sealed class StepDefinitionAttribute(string expression) : StepDefinitionBaseAttribute(StepKind.Any, expression);

/// <summary>
/// Converts step text (or a data table) into a parameter type. With <see cref="Name"/> it also defines the Cucumber
/// parameter type <c>{Name}</c> matched by <see cref="Regex"/>; without a name, <c>{ReturnTypeName}</c> is defined.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public class StepArgumentTransformationAttribute(string? regex = null) : Attribute
{
    public string? Regex { get; } = regex;
    public string? Name { get; set; }
    /// <summary>Lower wins when several transformations fit (Reqnroll default 10000).</summary>
    public int Order { get; set; } = 10000;
}

/// <summary>A custom Cucumber parameter type: <c>[ParameterType("color", "red|green|blue")]</c> defines <c>{color}</c>.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false, Inherited = false)]
public sealed class ParameterTypeAttribute(string name, string regex) : StepArgumentTransformationAttribute(regex)
{
    public string ParameterName { get; } = name;
}
