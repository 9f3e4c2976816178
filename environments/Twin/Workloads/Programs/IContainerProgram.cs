using k8s.Models;

namespace Conformance.Twin.Workloads.Programs;

/// <summary>
/// What a container runs in the twin. The kubelet picks one per container through <see cref="ContainerProgramRegistry"/>
/// and hands it a <see cref="ContainerContext"/>: the container as the pod spec gives it, its resolved env, its mounts
/// mapped to host folders, a log writer and the two stop signals (SIGTERM, then SIGKILL after the grace period).
/// </summary>
public interface IContainerProgram
{
    /// <summary>Runs the container's main process and returns its exit code.</summary>
    Task<int> RunAsync(ContainerContext context);

    /// <summary>
    /// The container's preStop exec hook, when the program models one (kubelet runs it before SIGTERM on deletion).
    /// Return null when the program has no hook.
    /// </summary>
    Func<ContainerContext, CancellationToken, Task>? PreStop => null;
}

/// <summary>One volume mount as the container sees it and where its files live on this machine.</summary>
public sealed record ContainerMount(string ContainerPath, string HostPath, bool ReadOnly, string VolumeName);

/// <summary>Everything a running container gets from the kubelet.</summary>
public sealed class ContainerContext
{
    public required V1Pod Pod { get; init; }
    public required V1Container Container { get; init; }
    public required bool IsInitContainer { get; init; }

    /// <summary>The env exactly as the kubelet resolved it (valueFrom, envFrom, fieldRef), in resolution order.</summary>
    public required IReadOnlyDictionary<string, string> Env { get; init; }

    /// <summary>Mounts, longest container path first, so a prefix match picks the most specific one.</summary>
    public required IReadOnlyList<ContainerMount> Mounts { get; init; }

    /// <summary>A private host folder for the container's own filesystem (paths no volume covers, e.g. /tmp).</summary>
    public required string RootFolder { get; init; }

    public IReadOnlyList<string> Command => (IReadOnlyList<string>?)Container.Command ?? [];
    public IReadOnlyList<string> Args => (IReadOnlyList<string>?)Container.Args ?? [];

    /// <summary>The container's stdout/stderr as `kubectl logs` will show it.</summary>
    public required TextWriter Log { get; init; }

    /// <summary>SIGTERM: the pod is being deleted (or the container stopped); a well-behaved program exits.</summary>
    public required CancellationToken Terminate { get; init; }

    /// <summary>SIGKILL: the grace period is over; programs running child processes must kill them now.</summary>
    public required CancellationToken Kill { get; init; }

    /// <summary>Set to fill `state.terminated.message` (the container's /dev/termination-log).</summary>
    public string? TerminationMessage { get; set; }

    /// <summary>Maps a container path to the host path that holds its files.</summary>
    public PathMapper Paths => _paths ??= new PathMapper(Mounts, RootFolder);
    private PathMapper? _paths;
}
