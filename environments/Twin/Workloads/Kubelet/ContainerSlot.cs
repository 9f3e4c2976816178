using System.Security.Cryptography;
using System.Text;
using k8s.Models;

namespace Conformance.Twin.Workloads.Kubelet;

/// <summary>What the kubelet knows about one container of a pod, and how it renders as a V1ContainerStatus.</summary>
internal sealed class ContainerSlot(V1Container spec, bool init)
{
    public V1Container Spec { get; } = spec;
    public bool Init { get; } = init;
    public string Name => Spec.Name;

    public string? WaitingReason { get; set; }
    public string? WaitingMessage { get; set; }
    public DateTime? StartedAt { get; set; }
    public bool Running { get; private set; }

    // Completed whenever the container is not running, so stopping it can await its exit instead of spinning.
    private TaskCompletionSource _stopped = Stopped();

    /// <summary>Completes when the current run of the container has exited (at once when it is not running).</summary>
    public Task WhenStopped => _stopped.Task;

    public void MarkRunning()
    {
        _stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Running = true;
    }

    public void MarkStopped()
    {
        Running = false;
        _stopped.TrySetResult();
    }

    private static TaskCompletionSource Stopped()
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        done.SetResult();
        return done;
    }
    public int? ExitCode { get; set; }
    public string? TerminatedReason { get; set; }
    public string? TerminatedMessage { get; set; }
    public DateTime? FinishedAt { get; set; }
    public string? ContainerId { get; set; }
    public int RestartCount { get; set; }
    public V1ContainerState? LastState { get; set; }

    /// <summary>The run's SIGTERM/SIGKILL signals while the container is running.</summary>
    public CancellationTokenSource? Terminate { get; set; }
    public CancellationTokenSource? Kill { get; set; }
    public Task<int>? Process { get; set; }

    public bool Terminated => ExitCode is not null && !Running;
    public bool Succeeded => Terminated && ExitCode == 0;

    /// <summary>Moves the finished run into lastState, as the kubelet does when it restarts a container.</summary>
    public void PrepareRestart()
    {
        LastState = new V1ContainerState { Terminated = TerminatedState() };
        RestartCount++;
        ExitCode = null;
        TerminatedReason = TerminatedMessage = null;
        StartedAt = FinishedAt = null;
    }

    public V1ContainerStatus ToStatus(string defaultWaiting)
    {
        V1ContainerState state;
        if (Running) state = new V1ContainerState { Running = new V1ContainerStateRunning { StartedAt = StartedAt } };
        else if (ExitCode is not null) state = new V1ContainerState { Terminated = TerminatedState() };
        else state = new V1ContainerState { Waiting = new V1ContainerStateWaiting { Reason = WaitingReason ?? defaultWaiting, Message = WaitingMessage } };
        return new V1ContainerStatus
        {
            Name = Name,
            Image = Spec.Image,
            ImageID = ContainerId is null ? "" : ImageId(Spec.Image),
            ContainerID = ContainerId,
            Ready = Running && !Init,
            Started = Running,
            RestartCount = RestartCount,
            State = state,
            LastState = LastState ?? new V1ContainerState(),
        };
    }

    private V1ContainerStateTerminated TerminatedState() => new()
    {
        ExitCode = ExitCode ?? 0,
        Reason = TerminatedReason,
        Message = TerminatedMessage,
        StartedAt = StartedAt,
        FinishedAt = FinishedAt,
        ContainerID = ContainerId,
    };

    public static string NewContainerId() => "containerd://" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private static string ImageId(string image)
    {
        var name = image.Contains('@', StringComparison.Ordinal) ? image[..image.IndexOf('@', StringComparison.Ordinal)] : image;
        var colon = name.LastIndexOf(':');
        if (colon > name.LastIndexOf('/')) name = name[..colon];
        return $"{name}@sha256:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(image)))}";
    }
}
