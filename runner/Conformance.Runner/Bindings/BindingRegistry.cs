using System.Reflection;
using System.Text.RegularExpressions;
using Conformance.Runner.Expressions;

namespace Conformance.Runner.Bindings;

/// <summary>Every step definition, hook and argument transformation of a set of <see cref="BindingAttribute"/> classes.</summary>
public sealed class BindingRegistry
{
    private readonly List<StepBinding> _steps = [];
    private readonly List<HookBinding> _hooks = [];
    private readonly List<TransformationBinding> _transformations = [];
    private readonly Dictionary<string, ParameterType> _parameterTypes = new(StringComparer.Ordinal);

    private BindingRegistry(IEnumerable<Type> types)
    {
        foreach (var builtIn in ParameterType.BuiltIns()) _parameterTypes[builtIn.Name] = builtIn;
        var bindingTypes = types.Where(t => t.GetCustomAttribute<BindingAttribute>() is not null)
            .OrderBy(t => t.FullName, StringComparer.Ordinal).ToList();
        BindingTypes = bindingTypes;
        var problems = new List<string>();
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        // Transformations first: they define parameter types the step expressions use.
        foreach (var type in bindingTypes)
            foreach (var method in type.GetMethods(all))
                foreach (var attribute in method.GetCustomAttributes<StepArgumentTransformationAttribute>())
                    Collect(problems, method, () => AddTransformation(method, attribute));
        var counter = 0;
        foreach (var type in bindingTypes)
            foreach (var method in type.GetMethods(all).OrderBy(m => m.MetadataToken))
            {
                foreach (var attribute in method.GetCustomAttributes<StepDefinitionBaseAttribute>())
                    Collect(problems, method, () => _steps.Add(CreateStep($"step-{counter++}", method, attribute)));
                foreach (var attribute in method.GetCustomAttributes<HookAttribute>())
                    Collect(problems, method, () => _hooks.Add(CreateHook($"hook-{counter++}", method, attribute)));
            }
        if (problems.Count > 0)
            throw new BindingException("The bindings have problems:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)));
    }

    public IReadOnlyList<Type> BindingTypes { get; }
    public IReadOnlyList<StepBinding> Steps => _steps;
    public IReadOnlyList<HookBinding> Hooks => _hooks;
    public IReadOnlyList<TransformationBinding> Transformations => _transformations;
    public IReadOnlyCollection<ParameterType> ParameterTypes => _parameterTypes.Values;

    /// <summary>All [Binding] classes of the given assemblies.</summary>
    public static BindingRegistry FromAssemblies(params Assembly[] assemblies) =>
        new(assemblies.SelectMany(a => a.GetTypes()));

    /// <summary>Exactly these [Binding] classes (used by tests to isolate binding sets).</summary>
    public static BindingRegistry FromTypes(params Type[] types) => new(types);

    public IEnumerable<HookBinding> HooksOf(HookType type) => _hooks.Where(h => h.Type == type).OrderBy(h => h.Order);

    internal static string Describe(MethodInfo method) =>
        $"{method.DeclaringType?.Name}.{method.Name}({string.Join(", ", method.GetParameters().Select(p => FriendlyName(p.ParameterType)))})";

    internal static string FriendlyName(Type type) =>
        Nullable.GetUnderlyingType(type) is { } inner ? FriendlyName(inner) + "?" :
        type.IsGenericType ? $"{type.Name[..type.Name.IndexOf('`')]}<{string.Join(", ", type.GetGenericArguments().Select(FriendlyName))}>" :
        type.Name;

    private static void Collect(List<string> problems, MethodInfo method, Action add)
    {
        try { add(); }
        catch (Exception e) when (e is FormatException or BindingException or ArgumentException or Tags.TagExpressionException)
        {
            problems.Add($"{Describe(method)}: {e.Message}");
        }
    }

    private void AddTransformation(MethodInfo method, StepArgumentTransformationAttribute attribute)
    {
        if (method.ReturnType == typeof(void)) throw new BindingException("a step argument transformation must return a value");
        var regex = attribute.Regex is null ? null : new Regex($"^(?:{attribute.Regex})$", RegexOptions.CultureInvariant);
        _transformations.Add(new TransformationBinding(method, regex, attribute.Order));
        var name = attribute is ParameterTypeAttribute p ? p.ParameterName : attribute.Name ?? method.ReturnType.Name;
        if (attribute.Regex is null && attribute is not ParameterTypeAttribute && attribute.Name is null) return;
        var parameterType = new ParameterType(name, attribute.Regex ?? ".*", method.ReturnType, method);
        if (_parameterTypes.TryGetValue(name, out var existing) && existing.Transformation is not null)
            throw new BindingException($"parameter type {{{name}}} is already defined by {Describe(existing.Transformation)}");
        _parameterTypes[name] = parameterType;
    }

    private StepBinding CreateStep(string id, MethodInfo method, StepDefinitionBaseAttribute attribute)
    {
        if (method.ReturnType != typeof(void) && !typeof(Task).IsAssignableFrom(method.ReturnType) && method.ReturnType != typeof(ValueTask))
            throw new BindingException("a step method must return void, Task or ValueTask");
        if (method.GetCustomAttribute<System.Runtime.CompilerServices.AsyncStateMachineAttribute>() is not null && method.ReturnType == typeof(void))
            throw new BindingException("async void step methods are not allowed; return Task");
        var expression = attribute.Expression;
        var type = attribute.ExpressionType != ExpressionType.Unspecified ? attribute.ExpressionType
            : ExpressionDetector.IsRegex(expression) ? ExpressionType.RegularExpression : ExpressionType.CucumberExpression;
        var valueParameters = method.GetParameters().Where(p => p.ParameterType != typeof(CancellationToken)).ToList();
        if (type == ExpressionType.RegularExpression)
        {
            var pattern = expression;
            if (!pattern.StartsWith('^')) pattern = "^" + pattern;
            if (!pattern.EndsWith('$')) pattern += "$";
            Regex regex;
            try { regex = new Regex(pattern, RegexOptions.CultureInvariant); }
            catch (ArgumentException e) { throw new BindingException($"invalid regular expression \"{expression}\": {e.Message}"); }
            return new StepBinding(id, method, attribute.Kind, expression, type, regex, null);
        }
        var (compiled, parameters) = CucumberExpression.Compile(expression, (name, index) =>
        {
            if (_parameterTypes.TryGetValue(name, out var known)) return known;
            // Reqnroll: {EnumName} (or any parameter's type name) matches a word converted to that type.
            var target = index < valueParameters.Count ? valueParameters[index].ParameterType : null;
            target = target is null ? null : Nullable.GetUnderlyingType(target) ?? target;
            if (target is not null && (target.Name == name || target.FullName == name))
                return new ParameterType(name, target.IsEnum ? @"\w+" : ".*?", target);
            return null;
        });
        return new StepBinding(id, method, attribute.Kind, expression, type, compiled, parameters);
    }

    private static HookBinding CreateHook(string id, MethodInfo method, HookAttribute attribute)
    {
        if (attribute.Type is HookType.BeforeTestRun or HookType.AfterTestRun or HookType.BeforeFeature or HookType.AfterFeature && !method.IsStatic)
            throw new BindingException($"[{attribute.Type}] hooks must be static");
        if (method.ReturnType != typeof(void) && !typeof(Task).IsAssignableFrom(method.ReturnType) && method.ReturnType != typeof(ValueTask))
            throw new BindingException("a hook method must return void, Task or ValueTask");
        if (method.GetCustomAttribute<System.Runtime.CompilerServices.AsyncStateMachineAttribute>() is not null && method.ReturnType == typeof(void))
            throw new BindingException("async void hook methods are not allowed; return Task");
        return new HookBinding(id, method, attribute.Type, attribute.Order, attribute.Tags);
    }
}
