using Conformance.Twin.Injector.Agent;
using Conformance.Twin.Workloads.Programs;

namespace Conformance.Twin.Injector;

/// <summary>Plugs the Vault Agent into the twin kubelet: injected `vault-agent-init` / `vault-agent` containers run it.</summary>
public static class VaultAgentPrograms
{
    public const string Name = "vault-agent";

    public static ContainerProgramRegistry Register(ContainerProgramRegistry registry, AgentOptions options)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry.Register(Name, VaultAgentProgram.Matches, new KubeletAdapter(new VaultAgentProgram(options)));
    }

    /// <summary>Maps the kubelet's ContainerContext onto the agent's own contract.</summary>
    private sealed class KubeletAdapter(VaultAgentProgram agent) : IContainerProgram
    {
        public async Task<int> RunAsync(ContainerContext context)
        {
            var code = await agent.RunAsync(ToAgent(context));
            if (code != 0) context.TerminationMessage = "vault agent exited with an error (see the container log)";
            return code;
        }

        public Func<ContainerContext, CancellationToken, Task>? PreStop => (context, ct) => agent.PreStopAsync(ToAgent(context), ct);

        private static AgentContainer ToAgent(ContainerContext c) => new()
        {
            Pod = c.Pod,
            Container = c.Container,
            IsInitContainer = c.IsInitContainer,
            Env = c.Env,
            MapPath = c.Paths.ToHost,
            Log = c.Log,
            Terminate = c.Terminate,
        };
    }
}
