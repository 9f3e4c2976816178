namespace Conformance.Runner;

/// <summary>When a hook runs.</summary>
public enum HookType
{
    BeforeTestRun,
    AfterTestRun,
    BeforeFeature,
    AfterFeature,
    BeforeScenario,
    AfterScenario,
    BeforeStep,
    AfterStep,
}

/// <summary>
/// Base of every hook attribute. Tags filter by the scenario's (or feature's) tags, combined with OR; each entry may
/// also be a full tag expression (<c>"@a and not @b"</c>). Lower <see cref="Order"/> runs first (default 10000).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true, Inherited = false)]
public abstract class HookAttribute(HookType type, string[] tags) : Attribute
{
    public HookType Type { get; } = type;
    public IReadOnlyList<string> Tags { get; } = tags;
    public int Order { get; set; } = 10000;
}

/// <summary>Runs once before the first scenario of the run. Must be static.</summary>
public sealed class BeforeTestRunAttribute() : HookAttribute(HookType.BeforeTestRun, []);
/// <summary>Runs once after the last scenario of the run. Must be static.</summary>
public sealed class AfterTestRunAttribute() : HookAttribute(HookType.AfterTestRun, []);
/// <summary>Runs before the first scenario of each feature. Must be static.</summary>
public sealed class BeforeFeatureAttribute(params string[] tags) : HookAttribute(HookType.BeforeFeature, tags);
/// <summary>Runs after the last scenario of each feature. Must be static.</summary>
public sealed class AfterFeatureAttribute(params string[] tags) : HookAttribute(HookType.AfterFeature, tags);
public sealed class BeforeScenarioAttribute(params string[] tags) : HookAttribute(HookType.BeforeScenario, tags);
public sealed class AfterScenarioAttribute(params string[] tags) : HookAttribute(HookType.AfterScenario, tags);
/// <summary>Reqnroll's short alias of <see cref="BeforeScenarioAttribute"/>.</summary>
public sealed class BeforeAttribute(params string[] tags) : HookAttribute(HookType.BeforeScenario, tags);
/// <summary>Reqnroll's short alias of <see cref="AfterScenarioAttribute"/>.</summary>
public sealed class AfterAttribute(params string[] tags) : HookAttribute(HookType.AfterScenario, tags);
public sealed class BeforeStepAttribute(params string[] tags) : HookAttribute(HookType.BeforeStep, tags);
public sealed class AfterStepAttribute(params string[] tags) : HookAttribute(HookType.AfterStep, tags);
