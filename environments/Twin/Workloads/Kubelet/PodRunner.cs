using System.Globalization;
using Conformance.Twin.Workloads.Programs;
using k8s.Models;

namespace Conformance.Twin.Workloads.Kubelet;

/// <summary>
/// Runs one pod on the twin's node the way the kubelet's pod worker does: volumes, then init containers in order, then
/// the containers; writes status (phase, conditions, container states) through pods/status and records Events with the
/// kubelet's reasons. Blocked steps (missing Secret for a volume or env) wait for a poke (a Secret/ConfigMap changed)
/// rather than polling. Deletion runs preStop hooks, SIGTERM, waits the grace period, SIGKILL, then deletes the pod.
/// </summary>
internal sealed class PodRunner
{
    private readonly IKubeletApi _api;
    private readonly ContainerProgramRegistry _programs;
    private readonly ContainerLogStore _logs;
    private readonly KubeletOptions _options;
    private readonly VolumeBuilder _volumeBuilder;
    private readonly string _podFolder;
    private readonly string _podIp;
    private readonly List<ContainerSlot> _init;
    private readonly List<ContainerSlot> _main;
    private readonly Dictionary<string, string> _volumes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reported = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Status, DateTime At)> _conditionTimes = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _publishGate = new(1, 1);
    private readonly Lock _terminationGate = new();
    private readonly CancellationTokenSource _deleting = new();
    private readonly Lock _pokeGate = new();
    private TaskCompletionSource _poke = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly DateTime _startTime;
    private volatile V1Pod _pod;
    private bool _sandboxReady;
    private bool _initialized;
    private bool _initFailed;
    private bool _gone;
    private Task _lifecycle = Task.CompletedTask;
    private Task? _termination;

    public PodRunner(V1Pod pod, IKubeletApi api, ContainerProgramRegistry programs, ContainerLogStore logs,
        KubeletOptions options, string podFolder, string podIp)
    {
        _pod = pod;
        _api = api;
        _programs = programs;
        _logs = logs;
        _options = options;
        _podFolder = podFolder;
        _podIp = podIp;
        _volumeBuilder = new VolumeBuilder(api, api.RequestTokenAsync)
        {
            SecretsAsText = options.Faults.Contains(KubeletFaults.WritesSecretVolumeAsText),
        };
        _init = (pod.Spec.InitContainers ?? []).Select(c => new ContainerSlot(c, init: true)).ToList();
        _main = pod.Spec.Containers.Select(c => new ContainerSlot(c, init: false)).ToList();
        _startTime = Now();
        foreach (var slot in _init.Concat(_main)) _logs.For(Ns, Name, slot.Name);
        _logs.TrackPod(Ns, Name, Uid);
    }

    public string Uid => _pod.Metadata.Uid;
    private string Ns => _pod.Metadata.NamespaceProperty;
    private string Name => _pod.Metadata.Name;

    private readonly TaskCompletionSource _removed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the pod has been removed from the node (after its deletion, not when its containers end).</summary>
    public Task Finished => _removed.Task;

    public void Start() => _lifecycle = Task.Run(LifecycleAsync);

    public void Update(V1Pod pod)
    {
        if (pod.Metadata.Uid != Uid) return;
        _pod = pod;
        if (pod.Metadata.DeletionTimestamp is not null) BeginTermination(forced: false);
    }

    /// <summary>Something the pod may be waiting for changed (a Secret, ConfigMap or ServiceAccount of its namespace).</summary>
    public void Poke()
    {
        TaskCompletionSource signal;
        lock (_pokeGate)
        {
            signal = _poke;
            _poke = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        signal.TrySetResult();
    }

    public void PokeIfIn(string ns)
    {
        if (ns == Ns) Poke();
    }

    /// <summary>The pod object is gone from the API (force delete): stop everything without grace.</summary>
    public void Removed()
    {
        _gone = true;
        BeginTermination(forced: true);
    }

    /// <summary>The kubelet is shutting down: kill containers at once, leave the API alone.</summary>
    public Task StopAsync()
    {
        _gone = true;
        return BeginTermination(forced: true);
    }

    private Task WaitForPokeAsync()
    {
        Task signal;
        lock (_pokeGate) signal = _poke.Task;
        return signal.WaitAsync(_deleting.Token);
    }

    private async Task LifecycleAsync()
    {
        try
        {
            await PublishAsync();
            // kubelet: volumes are mounted before the sandbox; a missing source keeps the pod in ContainerCreating
            while (true)
            {
                _deleting.Token.ThrowIfCancellationRequested();
                var poke = WaitForPokeAsync();
                var failures = await _volumeBuilder.SetUpAsync(_pod, _podFolder, _volumes, _deleting.Token);
                if (failures.Count == 0) break;
                foreach (var failure in failures)
                    await EventOnceAsync(null, KubeletEvent.Warning("FailedMount", failure));
                await poke;
            }
            _sandboxReady = true;
            await PublishAsync();

            foreach (var slot in _init)
            {
                while (true)
                {
                    var exit = await RunContainerAsync(slot);
                    if (_deleting.IsCancellationRequested) return; // a pod being deleted starts nothing new
                    if (exit == 0) break;
                    // kubelet: a failed init container with restartPolicy Never fails the pod
                    if (_pod.Spec.RestartPolicy == "Never")
                    {
                        _initFailed = true;
                        await PublishAsync();
                        return;
                    }
                    await BackOffAsync(slot);
                }
            }
            _initialized = true;
            await PublishAsync();

            await Task.WhenAll(_main.Select(RunMainAsync));
            await PublishAsync();
        }
        catch (OperationCanceledException) when (_deleting.IsCancellationRequested) { }
    }

    private async Task RunMainAsync(ContainerSlot slot)
    {
        try
        {
            while (true)
            {
                var exit = await RunContainerAsync(slot);
                if (_deleting.IsCancellationRequested) return; // kubelet: no restarts once the pod is terminating
                var policy = _pod.Spec.RestartPolicy ?? "Always";
                // kubelet: restartPolicy decides whether an exited container starts again
                if (policy == "Never" || (policy == "OnFailure" && exit == 0)) return;
                await BackOffAsync(slot);
            }
        }
        catch (OperationCanceledException) when (_deleting.IsCancellationRequested) { }
    }

    /// <summary>Runs one container to its exit; a config error (env) waits for a poke and tries again.</summary>
    private async Task<int> RunContainerAsync(ContainerSlot slot)
    {
        var fieldPath = $"spec.{(slot.Init ? "initContainers" : "containers")}{{{slot.Name}}}";
        ContainerLogRecord record = _logs.For(Ns, Name, slot.Name);
        EnvResolution env;
        while (true)
        {
            _deleting.Token.ThrowIfCancellationRequested();
            var poke = WaitForPokeAsync();
            env = await EnvResolver.ResolveAsync(_pod, slot.Spec, _api, _options.ServiceEnv, _deleting.Token,
                ignoreMissingSecrets: _options.Faults.Contains(KubeletFaults.IgnoresMissingSecret));
            foreach (var e in env.Events) await EventOnceAsync(null, e);
            if (env.Ok) break;
            // kubelet: env resolution errors are CreateContainerConfigError with the error text, plus a Failed event
            slot.WaitingReason = record.WaitingReason = "CreateContainerConfigError";
            slot.WaitingMessage = env.Error;
            await EventOnceAsync(fieldPath, KubeletEvent.Warning("Failed", $"Error: {env.Error}"));
            await PublishAsync();
            await poke;
        }

        var (programName, program) = _programs.Resolve(_pod, slot.Spec);
        var mounts = VolumeBuilder.MountsFor(slot.Spec, _volumes);
        var root = Path.Combine(_podFolder, "containers", slot.Name);
        Directory.CreateDirectory(root);
        // kubelet events for a container start: Pulled, Created, Started
        await EventAsync(fieldPath, KubeletEvent.Normal("Pulled", $"Container image \"{slot.Spec.Image}\" already present on machine"));
        await EventAsync(fieldPath, KubeletEvent.Normal("Created", $"Created container: {slot.Name}"));

        var buffer = record.StartRun();
        var writer = new LogLineWriter(buffer, _options.Time);
        slot.Terminate = new CancellationTokenSource();
        slot.Kill = new CancellationTokenSource();
        slot.WaitingReason = slot.WaitingMessage = null;
        slot.ContainerId = ContainerSlot.NewContainerId();
        slot.StartedAt = Now();
        slot.MarkRunning();
        var context = new ContainerContext
        {
            Pod = _pod,
            Container = slot.Spec,
            IsInitContainer = slot.Init,
            // runtime: the image's env first, the pod's resolved env over it
            Env = ImageConfigs.Merge(_options.ImageEnv(slot.Spec.Image), env.Env),
            Mounts = mounts,
            RootFolder = root,
            Log = writer,
            Terminate = slot.Terminate.Token,
            Kill = slot.Kill.Token,
        };
        await EventAsync(fieldPath, KubeletEvent.Normal("Started", $"Started container {slot.Name}"));
        await PublishAsync();
        _options.Log?.Invoke($"kubelet: {Ns}/{Name} container {slot.Name} runs program {programName}");

        var process = Task.Run(async () =>
        {
            try { return await program.RunAsync(context); }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                writer.WriteLine($"twin: container program {programName} crashed: {ex.GetType().Name}: {ex.Message}");
                return 1;
            }
            catch (OperationCanceledException) { return 143; }
        });
        slot.Process = process;
        var killed = Task.Delay(Timeout.Infinite, slot.Kill.Token);
        var exit = await Task.WhenAny(process, killed) == process ? await process : 137; // SIGKILL: 128 + 9

        writer.Close(complete: true);
        slot.MarkStopped();
        slot.ExitCode = exit;
        // kubelet/CRI: exit 0 is Completed, anything else Error
        slot.TerminatedReason = exit == 0 ? "Completed" : "Error";
        slot.TerminatedMessage = context.TerminationMessage;
        slot.FinishedAt = Now();
        await PublishAsync();
        return exit;
    }

    private async Task BackOffAsync(ContainerSlot slot)
    {
        // kubelet: crash-loop back-off doubles from 10 s up to 5 min
        var delay = TimeSpan.FromSeconds(Math.Min(300, 10 * Math.Pow(2, slot.RestartCount)));
        slot.PrepareRestart();
        slot.WaitingReason = "CrashLoopBackOff";
        slot.WaitingMessage = $"back-off {delay.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s restarting failed container={slot.Name} pod={Name}_{Ns}({Uid})";
        var fieldPath = $"spec.{(slot.Init ? "initContainers" : "containers")}{{{slot.Name}}}";
        await EventAsync(fieldPath, KubeletEvent.Warning("BackOff", $"Back-off restarting failed container {slot.Name} in pod {Name}_{Ns}({Uid})"));
        await PublishAsync();
        await Task.Delay(delay, _options.Time, _deleting.Token);
    }

    private Task BeginTermination(bool forced)
    {
        lock (_terminationGate)
        {
            _termination ??= Task.Run(() => TerminateAsync(forced));
            return _termination;
        }
    }

    private async Task TerminateAsync(bool forced)
    {
        await _deleting.CancelAsync();
        var grace = forced ? 0 : _pod.Metadata.DeletionGracePeriodSeconds ?? _pod.Spec.TerminationGracePeriodSeconds ?? 30;
        var deadline = Task.Delay(TimeSpan.FromSeconds(Math.Max(0, grace)), _options.Time);
        var running = _init.Concat(_main).Where(s => s.Running).ToList();
        await Task.WhenAll(running.Select(slot => StopContainerAsync(slot, deadline, forced)));
        try { await _lifecycle; } catch (Exception ex) { _options.Log?.Invoke($"kubelet: {Ns}/{Name} lifecycle ended with {ex.GetType().Name}: {ex.Message}"); }

        if (!_gone)
        {
            await PublishAsync();
            // kubelet: once every container is stopped, the pod is deleted for good (grace 0, uid precondition)
            try { await _api.DeletePodAsync(_pod, CancellationToken.None); }
            catch (Exception ex) { _options.Log?.Invoke($"kubelet: final delete of {Ns}/{Name} failed: {ex.Message}"); }
        }
        _logs.RemovePod(Ns, Name, Uid);
        try { Directory.Delete(_podFolder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        _removed.TrySetResult();
    }

    private async Task StopContainerAsync(ContainerSlot slot, Task deadline, bool forced)
    {
        var fieldPath = $"spec.{(slot.Init ? "initContainers" : "containers")}{{{slot.Name}}}";
        if (!forced)
        {
            await EventAsync(fieldPath, KubeletEvent.Normal("Killing", $"Stopping container {slot.Name}"));
            var (_, program) = _programs.Resolve(_pod, slot.Spec);
            // kubelet: the preStop hook runs first, within the grace period, then SIGTERM
            if (program.PreStop is { } preStop && slot.Process is not null)
            {
                using var hookBudget = new CancellationTokenSource();
                var hook = preStop(new ContainerContext
                {
                    Pod = _pod, Container = slot.Spec, IsInitContainer = slot.Init, Env = new Dictionary<string, string>(),
                    Mounts = VolumeBuilder.MountsFor(slot.Spec, _volumes), RootFolder = Path.Combine(_podFolder, "containers", slot.Name),
                    Log = TextWriter.Null, Terminate = slot.Terminate!.Token, Kill = slot.Kill!.Token,
                }, hookBudget.Token);
                if (await Task.WhenAny(hook, deadline) != hook) await hookBudget.CancelAsync();
            }
        }
        await slot.Terminate!.CancelAsync();
        if (slot.Process is not null && await Task.WhenAny(slot.Process, deadline) != slot.Process)
            await slot.Kill!.CancelAsync();
        else if (forced) await slot.Kill!.CancelAsync();
        await slot.WhenStopped;
    }

    private async Task EventOnceAsync(string? fieldPath, KubeletEvent evt)
    {
        if (_reported.Add($"{fieldPath}|{evt.Reason}|{evt.Message}")) await EventAsync(fieldPath, evt);
    }

    private async Task EventAsync(string? fieldPath, KubeletEvent evt)
    {
        if (_gone) return;
        try { await _api.RecordEventAsync(_pod, fieldPath, evt, CancellationToken.None); }
        catch (Exception ex) { _options.Log?.Invoke($"kubelet: event {evt.Reason} for {Ns}/{Name} not recorded: {ex.Message}"); }
    }

    private DateTime Now() => _options.Time.GetUtcNow().UtcDateTime;

    private async Task PublishAsync()
    {
        if (_gone) return;
        await _publishGate.WaitAsync();
        try
        {
            if (!await _api.WritePodStatusAsync(_pod, BuildStatus(), CancellationToken.None)) _gone = true;
        }
        catch (Exception ex) { _options.Log?.Invoke($"kubelet: status of {Ns}/{Name} not written: {ex.Message}"); }
        finally { _publishGate.Release(); }
    }

    /// <summary>The pod status as the kubelet's generateAPIPodStatus would render it now.</summary>
    internal V1PodStatus BuildStatus()
    {
        var phase = Phase();
        var terminal = phase is "Succeeded" or "Failed";
        var initDefault = "PodInitializing";
        var mainDefault = _init.Count > 0 && !_initialized ? "PodInitializing" : "ContainerCreating";
        var initStatuses = _init.Select(s => s.ToStatus(initDefault)).ToList();
        var mainStatuses = _main.Select(s => s.ToStatus(mainDefault)).ToList();

        var conditions = new List<V1PodCondition>
        {
            Condition("PodReadyToStartContainers", _sandboxReady && !terminal),
        };
        var incompleteInit = _init.Where(s => !s.Succeeded).Select(s => s.Name).ToList();
        conditions.Add(incompleteInit.Count == 0
            ? Condition("Initialized", true)
            : Condition("Initialized", false, "ContainersNotInitialized", $"containers with incomplete status: [{string.Join(" ", incompleteInit)}]"));
        var unready = _main.Where(s => !s.Running).Select(s => s.Name).ToList();
        var ready = unready.Count == 0 && _initialized;
        (string? Reason, string? Message) notReady = phase == "Succeeded" ? ("PodCompleted", null)
            : ("ContainersNotReady", $"containers with unready status: [{string.Join(" ", unready)}]");
        conditions.Add(ready ? Condition("Ready", true) : Condition("Ready", false, notReady.Reason, notReady.Message));
        conditions.Add(ready ? Condition("ContainersReady", true) : Condition("ContainersReady", false, notReady.Reason, notReady.Message));
        conditions.Add(Condition("PodScheduled", true));

        return new V1PodStatus
        {
            Phase = phase,
            Conditions = conditions,
            HostIP = "127.0.0.1",
            HostIPs = [new V1HostIP { Ip = "127.0.0.1" }],
            PodIP = _sandboxReady ? _podIp : null,
            PodIPs = _sandboxReady ? [new V1PodIP { Ip = _podIp }] : null,
            StartTime = _startTime,
            InitContainerStatuses = initStatuses.Count > 0 ? initStatuses : null,
            ContainerStatuses = mainStatuses,
            QosClass = QosClass(),
        };
    }

    /// <summary>kubelet getPhase: pending while initialising or any container waits; terminal by exit codes and restartPolicy.</summary>
    private string Phase()
    {
        var policy = _pod.Spec.RestartPolicy ?? "Always";
        if (_initFailed) return "Failed";
        if (!_initialized) return "Pending";
        int running = 0, waiting = 0, stopped = 0, succeeded = 0;
        foreach (var s in _main)
        {
            if (s.Running) running++;
            else if (s.ExitCode is not null) { stopped++; if (s.ExitCode == 0) succeeded++; }
            else if (s.LastState?.Terminated is not null) stopped++;
            else waiting++;
        }
        if (waiting > 0) return "Pending";
        if (running > 0) return "Running";
        if (stopped > 0)
        {
            if (policy == "Always") return "Running";
            if (stopped == succeeded) return "Succeeded";
            if (policy == "Never") return "Failed";
            return "Running";
        }
        return "Pending";
    }

    private V1PodCondition Condition(string type, bool status, string? reason = null, string? message = null)
    {
        var s = status ? "True" : "False";
        if (!_conditionTimes.TryGetValue(type, out var prev) || prev.Status != s) _conditionTimes[type] = prev = (s, Now());
        return new V1PodCondition { Type = type, Status = s, Reason = reason, Message = message, LastTransitionTime = prev.At, LastProbeTime = null };
    }

    private string QosClass()
    {
        var all = _init.Concat(_main).Select(s => s.Spec.Resources).ToList();
        if (all.All(r => (r?.Requests is null || r.Requests.Count == 0) && (r?.Limits is null || r.Limits.Count == 0))) return "BestEffort";
        var guaranteed = all.All(r => r?.Limits is { } l && l.ContainsKey("cpu") && l.ContainsKey("memory")
            && (r.Requests is null || r.Requests.All(q => l.TryGetValue(q.Key, out var lim) && lim.ToString() == q.Value.ToString())));
        return guaranteed ? "Guaranteed" : "Burstable";
    }
}
