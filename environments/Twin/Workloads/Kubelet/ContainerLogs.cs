using System.Collections.Concurrent;
using System.Text;

namespace Conformance.Twin.Workloads.Kubelet;

/// <summary>One run of a container: its log lines with their timestamps; readers can follow it until it ends.</summary>
public sealed class ContainerLogBuffer
{
    private readonly List<(DateTimeOffset At, string Line)> _lines = [];
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Completed { get; private set; }

    public void Append(DateTimeOffset at, string line)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            _lines.Add((at, line));
            signal = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        signal.TrySetResult();
    }

    public void Complete()
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            Completed = true;
            signal = _changed;
        }
        signal.TrySetResult();
    }

    /// <summary>Lines from <paramref name="from"/>, the total count, whether the run has ended, and a task that completes on the next change.</summary>
    public (IReadOnlyList<(DateTimeOffset At, string Line)> Lines, int Count, bool Completed, Task Changed) Read(int from)
    {
        lock (_gate)
            return (from < _lines.Count ? _lines.GetRange(from, _lines.Count - from) : [], _lines.Count, Completed, _changed.Task);
    }

    public string Text()
    {
        lock (_gate) return string.Concat(_lines.Select(l => l.Line + "\n"));
    }
}

/// <summary>A container's log as the kubelet keeps it: the current run and the previous one (after a restart).</summary>
public sealed class ContainerLogRecord
{
    public ContainerLogBuffer? Current { get; private set; }
    public ContainerLogBuffer? Previous { get; private set; }

    /// <summary>Why the container has not started (ContainerCreating, PodInitializing, CreateContainerConfigError ...).</summary>
    public string WaitingReason { get; set; } = "ContainerCreating";

    public ContainerLogBuffer StartRun()
    {
        Previous = Current;
        Current = new ContainerLogBuffer();
        return Current;
    }
}

/// <summary>Every container log of the node, keyed by namespace/pod/container.</summary>
public sealed class ContainerLogStore
{
    private readonly ConcurrentDictionary<(string Ns, string Pod, string Container), ContainerLogRecord> _logs = new();
    private readonly ConcurrentDictionary<(string Ns, string Pod), string> _podUids = new();

    public ContainerLogRecord For(string ns, string pod, string container) => _logs.GetOrAdd((ns, pod, container), _ => new());

    public bool TryGet(string ns, string pod, string container, out ContainerLogRecord record) =>
        _logs.TryGetValue((ns, pod, container), out record!);

    public bool HasPod(string ns, string pod) => _podUids.ContainsKey((ns, pod));

    public void TrackPod(string ns, string pod, string uid) => _podUids[(ns, pod)] = uid;

    /// <summary>The kubelet forgets a pod's logs when the pod is removed.</summary>
    public void RemovePod(string ns, string pod, string uid)
    {
        if (!_podUids.TryRemove(KeyValuePair.Create((ns, pod), uid))) return;
        foreach (var key in _logs.Keys.Where(k => k.Ns == ns && k.Pod == pod).ToList()) _logs.TryRemove(key, out _);
    }
}

/// <summary>A TextWriter that turns a program's output into log lines of one container run.</summary>
internal sealed class LogLineWriter(ContainerLogBuffer buffer, TimeProvider time) : TextWriter
{
    private readonly StringBuilder _pending = new();
    private readonly Lock _gate = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        lock (_gate)
        {
            if (value == '\n') FlushLine();
            else if (value != '\r') _pending.Append(value);
        }
    }

    public override void Write(string? value)
    {
        if (value is null) return;
        foreach (var ch in value) Write(ch);
    }

    public override void WriteLine(string? value)
    {
        lock (_gate)
        {
            _pending.Append(value);
            FlushLine();
        }
    }

    private void FlushLine()
    {
        buffer.Append(time.GetUtcNow(), _pending.ToString());
        _pending.Clear();
    }

    public void Close(bool complete)
    {
        lock (_gate)
            if (_pending.Length > 0) FlushLine();
        if (complete) buffer.Complete();
    }
}
