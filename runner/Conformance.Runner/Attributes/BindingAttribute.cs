namespace Conformance.Runner;

/// <summary>Marks a class whose methods are step definitions, hooks or argument transformations.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class BindingAttribute : Attribute;
