namespace Conformance.Twin.Workloads.Programs;

/// <summary>An image the twin does not know: a process that sleeps until it is told to stop, then exits 0.</summary>
public sealed class NoOpProgram : IContainerProgram
{
    public static readonly NoOpProgram Instance = new();

    public async Task<int> RunAsync(ContainerContext context)
    {
        try { await Task.Delay(Timeout.Infinite, context.Terminate); }
        catch (OperationCanceledException) { }
        // A process that handles SIGTERM exits cleanly; the kubelet records exit code 0 (reason Completed).
        return 0;
    }
}
