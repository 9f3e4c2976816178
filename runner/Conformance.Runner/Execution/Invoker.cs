using System.Reflection;
using System.Runtime.ExceptionServices;

namespace Conformance.Runner;

/// <summary>Calls binding methods: sync, Task or ValueTask; unwraps reflection's TargetInvocationException.</summary>
internal static class Invoker
{
    public static async ValueTask<object?> InvokeAsync(MethodInfo method, object? target, object?[] args)
    {
        object? returned;
        try
        {
            returned = method.Invoke(target, args);
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw; // unreachable
        }
        switch (returned)
        {
            case Task task:
                await task.ConfigureAwait(false);
                return method.ReturnType.IsGenericType ? method.ReturnType.GetProperty("Result")!.GetValue(task) : null;
            case ValueTask valueTask:
                await valueTask.ConfigureAwait(false);
                return null;
            default:
                return returned;
        }
    }

    /// <summary>Hook parameters: a CancellationToken, or anything the container can give.</summary>
    public static object?[] ResolveParameters(MethodInfo method, ScenarioContainer container, CancellationToken cancellationToken) =>
        method.GetParameters().Select(p => p.ParameterType == typeof(CancellationToken) ? cancellationToken : container.Resolve(p.ParameterType)).ToArray();

    public static string Describe(Exception e) => e.ToString();
}
