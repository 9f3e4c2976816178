namespace Conformance.Twin.Workloads.Programs;

/// <summary>
/// A program made of delegates, for twin parts that keep their own container contract and adapt it here, e.g.
/// <c>registry.Register("vault-agent", VaultAgentProgram.Matches, new DelegateProgram(ctx =&gt; agent.RunAsync(Adapt(ctx)), (ctx, ct) =&gt; agent.PreStopAsync(Adapt(ctx), ct)))</c>.
/// </summary>
public sealed class DelegateProgram(Func<ContainerContext, Task<int>> run, Func<ContainerContext, CancellationToken, Task>? preStop = null) : IContainerProgram
{
    public Task<int> RunAsync(ContainerContext context) => run(context);

    public Func<ContainerContext, CancellationToken, Task>? PreStop => preStop;
}
