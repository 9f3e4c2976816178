using System.Reflection;

namespace Conformance.Runner;

/// <summary>
/// The per-scenario object container: registered instances (contexts, output helper) plus any class with a public
/// constructor, created on first request, shared for the rest of the scenario, and disposed at its end in reverse order.
/// </summary>
public sealed class ScenarioContainer : IAsyncDisposable
{
    private readonly Dictionary<Type, object> _instances = new();
    private readonly List<object> _created = [];
    private readonly HashSet<Type> _resolving = [];
    private readonly Lock _gate = new();

    public void RegisterInstance<T>(T instance) where T : notnull => RegisterInstance(typeof(T), instance);

    public void RegisterInstance(Type type, object instance)
    {
        lock (_gate) _instances[type] = instance;
    }

    public T Resolve<T>() => (T)Resolve(typeof(T));

    public object Resolve(Type type)
    {
        lock (_gate) return ResolveLocked(type, type);
    }

    private object ResolveLocked(Type type, Type requestedBy)
    {
        if (_instances.TryGetValue(type, out var existing)) return existing;
        if (type.IsInterface || type.IsAbstract || type.IsValueType || type == typeof(string))
            throw new ScenarioContainerException($"Cannot create {type.Name} for {requestedBy.Name}: it is {(type.IsInterface ? "an interface" : type.IsAbstract ? "abstract" : "not a class")} and nothing registered it. Register an instance in a [BeforeScenario] hook (ScenarioContainer.RegisterInstance) or depend on a concrete class.");
        var constructor = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance)
            .OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            ?? throw new ScenarioContainerException($"Cannot create {type.Name}: it has no public constructor.");
        if (!_resolving.Add(type))
            throw new ScenarioContainerException($"Cannot create {type.Name}: its constructor depends on itself ({string.Join(" -> ", _resolving.Select(t => t.Name))} -> {type.Name}).");
        try
        {
            var args = constructor.GetParameters().Select(p => ResolveLocked(p.ParameterType, type)).ToArray();
            object instance;
            try { instance = constructor.Invoke(args); }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                throw new ScenarioContainerException($"The constructor of {type.Name} threw {e.InnerException.GetType().Name}: {e.InnerException.Message}", e.InnerException);
            }
            _instances[type] = instance;
            _created.Add(instance);
            return instance;
        }
        finally
        {
            _resolving.Remove(type);
        }
    }

    /// <summary>Disposes what the container created, newest first; every object is disposed even if one throws.</summary>
    public async ValueTask DisposeAsync()
    {
        List<object> created;
        lock (_gate)
        {
            created = [.. _created];
            _created.Clear();
        }
        var errors = new List<Exception>();
        for (var i = created.Count - 1; i >= 0; i--)
        {
            try
            {
                switch (created[i])
                {
                    case IAsyncDisposable asyncDisposable: await asyncDisposable.DisposeAsync().ConfigureAwait(false); break;
                    case IDisposable disposable: disposable.Dispose(); break;
                }
            }
            catch (Exception e)
            {
                errors.Add(new ScenarioContainerException($"Disposing {created[i].GetType().Name} threw {e.GetType().Name}: {e.Message}", e));
            }
        }
        if (errors.Count == 1) throw errors[0];
        if (errors.Count > 1) throw new AggregateException("Disposing the scenario's objects failed.", errors);
    }
}

/// <summary>An object a binding needs could not be created or disposed.</summary>
public sealed class ScenarioContainerException(string message, Exception? inner = null) : Exception(message, inner);
