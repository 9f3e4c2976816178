using k8s.Models;

namespace Conformance.Twin.Injector.Agent;

/// <summary>
/// What an agent container gets from the twin kubelet: the pod and container spec, the resolved env, container paths
/// mapped to host folders, a log, and the stop signal. A minimal local contract; the Workloads adapter fills it from
/// the kubelet's ContainerContext.
/// </summary>
public sealed class AgentContainer
{
    public required V1Pod Pod { get; init; }
    public required V1Container Container { get; init; }
    public required bool IsInitContainer { get; init; }
    public required IReadOnlyDictionary<string, string> Env { get; init; }

    /// <summary>Maps a path inside the container (e.g. /vault/secrets/db) to the host file that backs it.</summary>
    public required Func<string, string> MapPath { get; init; }

    public required TextWriter Log { get; init; }

    /// <summary>SIGTERM: the pod is being deleted.</summary>
    public required CancellationToken Terminate { get; init; }
}

/// <summary>Twin-wide agent settings.</summary>
public sealed record AgentOptions
{
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Jitter source (grace, lease-check fractions); seed it in tests.</summary>
    public Random? Random { get; init; }

    /// <summary>Maps the Vault address in the agent config (in-cluster) to one this process can reach; identity by default.</summary>
    public Func<string, Uri>? ResolveVaultAddress { get; init; }

    /// <summary>The HTTP handler used to reach Vault (tests pass a fake); a plain SocketsHttpHandler by default.</summary>
    public HttpMessageHandler? VaultHttpHandler { get; init; }

    /// <summary>
    /// Used when the pod's token file is absent: obtain the service-account token (e.g. a TokenRequest against the
    /// twin's API server). Receives the pod; returns a JWT.
    /// </summary>
    public Func<V1Pod, CancellationToken, Task<string>>? ServiceAccountToken { get; init; }

    /// <summary>Fault names from <see cref="TwinFaults"/>.</summary>
    public IReadOnlyList<string> Faults { get; init; } = [];

    /// <summary>Observes every agent event (for tests and evidence): name and details, never secret values.</summary>
    public Action<AgentEvent>? OnEvent { get; init; }
}

/// <summary>Something the agent did, with the time it did it (from the TimeProvider).</summary>
public sealed record AgentEvent(DateTimeOffset At, string Pod, string Container, string Kind, string Detail);
