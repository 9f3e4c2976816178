namespace Conformance.Environments.Plan;

/// <summary>A step that is code rather than manifests (the Vault configuration, an image import).</summary>
public sealed record ActionStep(string Component, IReadOnlyList<string> DependsOn, Func<CancellationToken, Task> Run);

/// <summary>
/// Runs install steps in dependency order; steps whose dependencies are done run in parallel. Each step applies its
/// manifests (server-side), then waits for what it declared. The first failure names its component.
/// </summary>
public sealed class PlanRunner(KubeApi api, TimeProvider time, Action<string> log)
{
    private readonly KubeWaiter _waiter = new(api, time);

    public async Task RunAsync(
        IReadOnlyList<InstallStep> steps, IReadOnlyList<ActionStep> actions, TimeSpan stepTimeout, CancellationToken cancellationToken)
    {
        var all = steps.Select(s => (s.Component, s.DependsOn, Run: (Func<CancellationToken, Task>)(ct => RunStepAsync(s, stepTimeout, ct))))
            .Concat(actions.Select(a => (a.Component, a.DependsOn, a.Run)))
            .ToDictionary(s => s.Component, StringComparer.Ordinal);

        foreach (var (name, step) in all)
        {
            var unknown = step.DependsOn.Where(d => !all.ContainsKey(d)).ToList();
            if (unknown.Count > 0) throw new InvalidOperationException($"step '{name}' depends on unknown step(s) {string.Join(", ", unknown)}");
        }

        using var failFast = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = new Dictionary<string, Task>(StringComparer.Ordinal);
        Task Start(string name)
        {
            if (tasks.TryGetValue(name, out var existing)) return existing;
            var step = all[name];
            var dependencies = step.DependsOn.Select(Start).ToList();
            var task = Run();
            tasks[name] = task;
            return task;

            async Task Run()
            {
                await Task.WhenAll(dependencies);
                var started = time.GetTimestamp();
                log($"[{name}] starting");
                try
                {
                    await step.Run(failFast.Token);
                }
                catch (Exception e) when (e is not WorldStartException && !cancellationToken.IsCancellationRequested)
                {
                    await failFast.CancelAsync();
                    throw WorldStartException.For(name, e);
                }

                log($"[{name}] ready after {time.GetElapsedTime(started).TotalSeconds:0.0}s");
            }
        }

        foreach (var name in all.Keys) _ = Start(name);
        try
        {
            await Task.WhenAll(tasks.Values);
        }
        catch
        {
            // Report the root cause, not the cancellations it caused in parallel steps.
            var failures = tasks.Values.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions).OfType<WorldStartException>().ToList();
            var root = failures.FirstOrDefault(f => f.InnerException is not OperationCanceledException) ?? failures.FirstOrDefault();
            if (root is not null) throw root;
            throw;
        }
    }

    private async Task RunStepAsync(InstallStep step, TimeSpan timeout, CancellationToken cancellationToken)
    {
        foreach (var manifest in step.Manifests) await ApplyWithWebhookRetryAsync(manifest, timeout, cancellationToken);
        foreach (var wait in step.Waits)
        {
            log($"[{step.Component}] waiting for {wait.Describe}");
            await _waiter.WaitAsync(wait, timeout, cancellationToken);
        }
    }

    // Right after an admission webhook's Deployment is Available its CA may not be injected yet: "failed calling
    // webhook" is transient there (reference/eso.md §2), so retry that one error with backoff until the deadline.
    private async Task ApplyWithWebhookRetryAsync(Manifest manifest, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await api.ApplyAsync(manifest, cancellationToken);
                return;
            }
            catch (KubeApiException e) when (e.ServerMessage.Contains("failed calling webhook", StringComparison.Ordinal)
                                             && time.GetElapsedTime(started) < timeout)
            {
                log($"apply {manifest.Describe}: webhook not ready yet (attempt {attempt}): {e.ServerMessage}");
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, attempt * 2)), time, cancellationToken);
            }
        }
    }
}

/// <summary>A world could not come up: which component, what was last observed, where the logs are.</summary>
public sealed class WorldStartException(string component, string lastObserved, string message, Exception? inner = null)
    : Exception(message, inner)
{
    public string Component { get; } = component;
    public string LastObserved { get; } = lastObserved;
    public string? LogsDirectory { get; private init; }

    public static WorldStartException For(string component, Exception e)
    {
        var last = e switch
        {
            WaitTimeoutException t => t.LastObserved,
            WaitFailedException f => f.LastObserved,
            _ => e.Message,
        };
        return new WorldStartException(component, last, $"component '{component}' did not come up: {e.Message}", e);
    }

    public WorldStartException WithLogs(string directory) =>
        new(Component, LastObserved, Message + $"\nlogs saved to: {directory}", InnerException) { LogsDirectory = directory };
}
