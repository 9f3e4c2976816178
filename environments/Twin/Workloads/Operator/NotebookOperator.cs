using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Conformance.Twin.Workloads.Kube;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Conformance.Twin.Workloads.Operator;

/// <summary>
/// The twin's Jupyter Notebook Validator Operator controller (NotebookValidationJob, mlops.mlops.dev/v1alpha1), as
/// v1.0.8 reconciles it (reference/operator.md §2): Initializing -> ValidationRunning (-> Running -> ValidationRunning)
/// -> Succeeded | Failed, one bare validation pod, results parsed from the validator's log, retries up to 3.
/// It is an API client: it watches NotebookValidationJobs and the pods they own, and reconciles one key at a time.
/// </summary>
public sealed class NotebookOperator : IAsyncDisposable
{
    public const int MaxRetries = 3; // §2.6 MaxRetries = 3

    private readonly IKubernetes _client;
    private readonly OperatorOptions _options;
    private readonly WorkQueue _queue;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<IAsyncDisposable> _informers = [];
    private Task _worker = Task.CompletedTask;

    private NotebookOperator(IKubernetes client, OperatorOptions options)
    {
        _client = client;
        _options = options;
        _queue = new WorkQueue(options.Time);
    }

    public OperatorOptions Options => _options;

    public static async Task<NotebookOperator> StartAsync(IKubernetes client, OperatorOptions? options = null, CancellationToken ct = default)
    {
        var op = new NotebookOperator(client, options ?? new OperatorOptions());
        try
        {
            await op.StartCoreAsync(ct);
            return op;
        }
        catch
        {
            await op.DisposeAsync();
            throw;
        }
    }

    private async Task StartCoreAsync(CancellationToken ct)
    {
        // SetupWithManager: For(NotebookValidationJob).Owns(Pod)
        var jobs = new Informer<NvjObject, NvjObjectList>(
            (rv, watch, c) => _client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<NvjObjectList>(
                NotebookValidationJob.Group, NotebookValidationJob.Version, NotebookValidationJob.Plural,
                allowWatchBookmarks: watch ? true : null, resourceVersion: rv, watch: watch ? true : null, cancellationToken: c),
            (_, j) => { _queue.Add($"{j.Metadata.NamespaceProperty}/{j.Metadata.Name}"); return Task.CompletedTask; },
            OnWatchError, _options.Time);
        var pods = new Informer<V1Pod, V1PodList>(
            (rv, watch, c) => _client.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(
                allowWatchBookmarks: watch ? true : null, resourceVersion: rv, watch: watch ? true : null, cancellationToken: c),
            (_, p) =>
            {
                var owner = p.Metadata.OwnerReferences?.FirstOrDefault(o => o.Controller == true && o.Kind == NotebookValidationJob.Kind
                    && o.ApiVersion.StartsWith(NotebookValidationJob.Group + "/", StringComparison.Ordinal));
                if (owner is not null) _queue.Add($"{p.Metadata.NamespaceProperty}/{owner.Name}");
                return Task.CompletedTask;
            },
            OnWatchError, _options.Time);
        _informers.AddRange([jobs, pods]);
        await jobs.StartAsync(ct);
        await pods.StartAsync(ct);
        _worker = Task.Run(() => WorkerAsync(_stop.Token), CancellationToken.None);
    }

    private void OnWatchError(Exception ex) => _options.Log?.Invoke($"operator: watch error: {ex.GetType().Name}: {ex.Message}");

    private async Task WorkerAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            string key;
            try { key = await _queue.TakeAsync(ct); }
            catch (Exception ex) when (ex is OperationCanceledException or System.Threading.Channels.ChannelClosedException) { return; }
            try
            {
                var result = await ReconcileAsync(key, ct);
                if (result.Requeue) _queue.AddAfter(key, result.After ?? TimeSpan.FromMilliseconds(5));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception ex)
            {
                // controller-runtime: an error result requeues with rate limiting
                _options.Log?.Invoke($"operator: reconcile {key} failed: {ex.GetType().Name}: {ex.Message}");
                _queue.AddAfter(key, TimeSpan.FromSeconds(1));
            }
            finally { _queue.Done(key); }
        }
    }

    internal readonly record struct Result(bool Requeue, TimeSpan? After = null)
    {
        public static readonly Result Done = new(false);
        public static readonly Result Now = new(true);
        public static Result In(TimeSpan after) => new(true, after);
    }

    private async Task<Result> ReconcileAsync(string key, CancellationToken ct)
    {
        var slash = key.IndexOf('/');
        var ns = key[..slash];
        var name = key[(slash + 1)..];
        var job = await GetJobAsync(ns, name, ct);
        if (job is null) return Result.Done;

        try
        {
            var st = job.Status;
            if (string.IsNullOrEmpty(st.Phase))
            {
                // §2.1 step 1: "" -> Initializing with startTime, retryCount 0, condition Ready=False/Initializing
                st.Phase = "Initializing";
                st.StartTime = Now();
                st.RetryCount = 0;
                st.Conditions = [new NvjCondition { Type = "Ready", Status = "False", Reason = "Initializing", Message = "NotebookValidationJob is initializing", LastTransitionTime = Now() }];
                await UpdateStatusAsync(job, ct);
                return Result.Now;
            }
            // §2.1 terminal phases are final
            if (st.Phase is "Succeeded" or "Failed") return Result.Done;
            // §2.6 any reconcile that sees retryCount >= 3 fails the job
            // (fault operator-retries-forever: the check is skipped)
            if (st.RetryCount >= MaxRetries && !_options.HasFault(OperatorFaults.RetriesForever))
                return await UpdateJobPhaseAsync(job, "Failed", "Maximum retry attempts exceeded", ct);

            switch (st.Phase)
            {
                case "Initializing":
                    // §2.1: with buildConfig.enabled -> Building, else -> ValidationRunning
                    return await TransitionPhaseAsync(job, BuildEnabled(job) ? "Building" : "ValidationRunning", ct);
                case "Building":
                    // The twin has no Tekton or OpenShift builds: the strategy is unavailable, as on plain Kubernetes.
                    var strategy = (string?)job.Spec.PodConfig.BuildConfig?["strategy"] ?? "s2i";
                    return await UpdateJobPhaseAsync(job, "Failed", strategy switch
                    {
                        "s2i" => "S2I build strategy not available",
                        "tekton" => "Tekton build strategy not available",
                        _ => $"Build strategy not available: {strategy}",
                    }, ct);
                case "ValidationRunning":
                    return await ReconcileValidationAsync(job, ct);
                case "Pending" or "Running":
                    // §2.1 step 5: the legacy phase is migrated back
                    return await TransitionPhaseAsync(job, BuildEnabled(job) ? "Building" : "ValidationRunning", ct);
                default:
                    return await UpdateJobPhaseAsync(job, "Failed", $"Unknown phase: {st.Phase}", ct);
            }
        }
        catch (HttpOperationException ex)
        {
            return await HandleReconcileErrorAsync(job, ex, ct);
        }
    }

    /// <summary>§2.6 handleReconcileError: conflicts/timeouts requeue after 60 s; Invalid/BadRequest/Forbidden fail; others retry.</summary>
    private async Task<Result> HandleReconcileErrorAsync(NotebookValidationJob job, HttpOperationException ex, CancellationToken ct)
    {
        var code = ex.Response.StatusCode;
        var message = KubeletApi.StatusMessage(ex);
        if (code is HttpStatusCode.Conflict or HttpStatusCode.GatewayTimeout or HttpStatusCode.ServiceUnavailable or (HttpStatusCode)504)
            return Result.In(TimeSpan.FromMinutes(1));
        var fresh = await GetJobAsync(job.Namespace, job.Name, ct);
        if (fresh is null) return Result.Done;
        if (code is HttpStatusCode.UnprocessableEntity or HttpStatusCode.BadRequest or HttpStatusCode.Forbidden)
            return await UpdateJobPhaseAsync(fresh, "Failed", $"Terminal error: {message}", ct);
        fresh.Status.RetryCount++;
        fresh.Status.LastRetryTime = Now();
        await UpdateStatusAsync(fresh, ct);
        if (fresh.Status.RetryCount >= MaxRetries)
            return await UpdateJobPhaseAsync(fresh, "Failed", $"Maximum retries exceeded: {message}", ct);
        return Result.In(TimeSpan.FromMinutes(1 << Math.Clamp(fresh.Status.RetryCount - 1, 0, 2)));
    }

    private static bool BuildEnabled(NotebookValidationJob job) =>
        job.Spec.PodConfig.BuildConfig?["enabled"]?.GetValue<bool>() == true;

    private async Task<Result> ReconcileValidationAsync(NotebookValidationJob job, CancellationToken ct)
    {
        var podName = $"{job.Name}-validation";
        if (_options.Profile == OperatorProfile.Contract && TimeoutExceeded(job, out var limit, out var remaining))
        {
            // contract: spec.timeout is enforced (upstream ignores it, §2.6)
            await DeletePodAsync(job.Namespace, podName, ct);
            return await FailWithEventAsync(job, $"Validation timed out after {job.Spec.Timeout ?? "30m"} (spec.timeout)", ct);
        }

        var pod = await ApiObjectSource.OrNull(() => _client.CoreV1.ReadNamespacedPodAsync(podName, job.Namespace, cancellationToken: ct));
        if (pod is null)
        {
            // §2.1 step 3: phase Running, "Starting validation", ValidationComplete=Unknown/PodRunning
            if (job.Status.Phase != "Running") await UpdateJobPhaseAsync(job, "Running", "Starting validation", ct);
            V1Pod created;
            try
            {
                var creds = await ResolveGitCredentialsAsync(job, ct);
                created = await _client.CoreV1.CreateNamespacedPodAsync(ValidationPodBuilder.Build(job, creds, _options), job.Namespace, cancellationToken: ct);
                if (_options.HasFault(OperatorFaults.LogsSecretValue) && await SecretPeek.FirstValueAsync(_client, job, ct) is { } leaked)
                    _options.Log?.Invoke($"operator: created validation pod {job.Namespace}/{podName} with {leaked.Name}={leaked.Value}"); // fault: a value in the log
            }
            catch (PodCreationException ex)
            {
                // §2.5: no pod, Failed at once with "Failed to create validation pod: ..."
                return await UpdateJobPhaseAsync(job, "Failed", $"Failed to create validation pod: {ex.Message}", ct);
            }
            catch (HttpOperationException ex)
            {
                return await UpdateJobPhaseAsync(job, "Failed", $"Failed to create validation pod: {KubeletApi.StatusMessage(ex)}", ct);
            }
            // §2.1 step 4: validationPodName set
            job.Status.ValidationPodName = created.Metadata.Name;
            await UpdateStatusAsync(job, ct);
            return Result.In(WithTimeout(job, TimeSpan.FromSeconds(10)));
        }

        switch (pod.Status?.Phase)
        {
            case "Pending":
                // §2.5: a pending pod whose analysis names a reason (e.g. CreateContainerConfigError) is handled as failed
                var analysis = PodFailureAnalyzer.Analyze(pod);
                if (analysis.Reason != PodFailureAnalysis.Unknown) return await HandlePodFailureAsync(job, pod, ct);
                return Result.In(WithTimeout(job, TimeSpan.FromSeconds(10))); // §2.1 step 6: poll every 10 s while Pending
            case "Running":
                return Result.In(WithTimeout(job, TimeSpan.FromSeconds(15))); // every 15 s while Running
            case "Succeeded":
                return await HandlePodSuccessAsync(job, pod, ct);
            case "Failed" when _options.HasFault(OperatorFaults.SucceedsFailingNotebook) && NotebookRan(pod):
                return await HandlePodSuccessAsync(job, pod, ct); // fault: a failed notebook read as a finished one
            case "Failed":
                return await HandlePodFailureAsync(job, pod, ct);
            default:
                return Result.In(WithTimeout(job, TimeSpan.FromSeconds(10)));
        }
    }

    /// <summary>The validator container ran to an exit code (the notebook ran), as opposed to never starting.</summary>
    private static bool NotebookRan(V1Pod pod) =>
        pod.Status?.ContainerStatuses?.FirstOrDefault(c => c.Name == "validator")?.State?.Terminated is { } t && t.ExitCode != 0;

    private TimeSpan WithTimeout(NotebookValidationJob job, TimeSpan poll) =>
        _options.Profile == OperatorProfile.Contract && TimeoutExceeded(job, out _, out var remaining) == false && remaining < poll
            ? remaining + TimeSpan.FromMilliseconds(50) : poll;

    private bool TimeoutExceeded(NotebookValidationJob job, out TimeSpan limit, out TimeSpan remaining)
    {
        limit = GoDuration.Parse(job.Spec.Timeout) ?? TimeSpan.FromMinutes(30);
        var start = DateTimeOffset.TryParse(job.Status.StartTime, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var s) ? s : _options.Time.GetUtcNow();
        remaining = start + limit - _options.Time.GetUtcNow();
        return remaining <= TimeSpan.Zero;
    }

    /// <summary>§2.4 handlePodSuccess: results from the validator's log; unreadable or unparsable logs still mean Succeeded.</summary>
    private async Task<Result> HandlePodSuccessAsync(NotebookValidationJob job, V1Pod pod, CancellationToken ct)
    {
        var (logs, error) = await ReadValidatorLogsAsync(pod, ct);
        if (logs is null)
            return await UpdateJobPhaseAsync(job, "Succeeded", $"Validation completed but failed to collect logs: {error}", ct);
        NotebookExecutionResult result;
        try { result = ValidationResults.Parse(logs); }
        catch (FormatException ex)
        {
            return await UpdateJobPhaseAsync(job, "Succeeded", $"Validation completed but failed to parse results: {ex.Message}", ct);
        }
        job.Status.Results = ValidationResults.ToCellResults(result);
        job.Status.Message = ValidationResults.Message(result);
        await UpdateStatusAsync(job, ct);
        var phase = result.Status == "failed" && !_options.HasFault(OperatorFaults.SucceedsFailingNotebook) ? "Failed" : "Succeeded";
        await CreateNotificationEventAsync(job, phase, ct);
        return await UpdateJobPhaseAsync(job, phase, job.Status.Message!, ct);
    }

    /// <summary>§2.5 handlePodFailure: analyse, retryCount++, delete and recreate the pod, or fail with MSG(n).</summary>
    private async Task<Result> HandlePodFailureAsync(NotebookValidationJob job, V1Pod pod, CancellationToken ct)
    {
        var analysis = PodFailureAnalyzer.Analyze(pod);
        var errorMsg = $"Validation pod failed: {analysis.Reason} - {analysis.ErrorMessage}";
        var (logs, _) = await ReadValidatorLogsAsync(pod, ct);
        if (logs is not null) errorMsg = $"{errorMsg}. Log error: {ValidationResults.ExtractErrors(logs)}";

        job.Status.RetryCount++;
        job.Status.LastRetryTime = Now();
        await UpdateStatusAsync(job, ct);

        var action = PodFailureAnalyzer.RecoveryAction(analysis, job.Status.RetryCount);
        if (_options.HasFault(OperatorFaults.RetriesForever) && action != "do_not_retry")
        {
            // fault: no retry budget; the pod is deleted (its watch event brings the next reconcile) however often it fails
            await DeletePodAsync(job.Namespace, pod.Metadata.Name, ct);
            return Result.In(TimeSpan.FromMinutes(1));
        }

        switch (action)
        {
            case "skip_init_container":
                await DeletePodAsync(job.Namespace, pod.Metadata.Name, ct);
                return Result.In(TimeSpan.FromSeconds(30));
            case "retry_with_backoff" when job.Status.RetryCount < MaxRetries:
                await DeletePodAsync(job.Namespace, pod.Metadata.Name, ct);
                return Result.In(TimeSpan.FromMinutes(1 << Math.Clamp(job.Status.RetryCount - 1, 0, 2)));
            case "fallback_to_prebuilt_image":
                await DeletePodAsync(job.Namespace, pod.Metadata.Name, ct);
                return Result.In(TimeSpan.FromMinutes(2));
            case "max_retries_exceeded" or "do_not_retry":
                await CreateNotificationEventAsync(job, "Failed", ct);
                return await UpdateJobPhaseAsync(job, "Failed",
                    $"Validation failed after {job.Status.RetryCount} retries: {errorMsg}. Suggested action: {analysis.SuggestedAction}", ct);
            case "retry_with_backoff":
                break;
            default:
                if (job.Status.RetryCount < MaxRetries)
                {
                    // §2.6: the pod is deleted; its watch event brings the next reconcile at once (RequeueAfter 1 m is moot)
                    await DeletePodAsync(job.Namespace, pod.Metadata.Name, ct);
                    return Result.In(TimeSpan.FromMinutes(1));
                }
                break;
        }
        await CreateNotificationEventAsync(job, "Failed", ct);
        return await UpdateJobPhaseAsync(job, "Failed",
            $"Validation failed after {MaxRetries} retries: {errorMsg}. Suggested action: {analysis.SuggestedAction}", ct);
    }

    private async Task<Result> FailWithEventAsync(NotebookValidationJob job, string message, CancellationToken ct)
    {
        job.Status.Message = message;
        await CreateNotificationEventAsync(job, "Failed", ct);
        return await UpdateJobPhaseAsync(job, "Failed", message, ct);
    }

    private async Task<(string? Logs, string? Error)> ReadValidatorLogsAsync(V1Pod pod, CancellationToken ct)
    {
        try
        {
            // §2.4: the operator reads container "validator" through pods/log
            await using var stream = await _client.CoreV1.ReadNamespacedPodLogAsync(pod.Metadata.Name, pod.Metadata.NamespaceProperty, container: "validator", cancellationToken: ct);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return (await reader.ReadToEndAsync(ct), null);
        }
        catch (HttpOperationException ex)
        {
            // upstream logs "Failed to collect pod logs" and carries on without them
            _options.Log?.Invoke($"operator: logs of {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name} not read: {(int)ex.Response.StatusCode} {KubeletApi.StatusMessage(ex)}");
            return (null, $"failed to open log stream: {KubeletApi.StatusMessage(ex)}");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            _options.Log?.Invoke($"operator: logs of {pod.Metadata.NamespaceProperty}/{pod.Metadata.Name} not read: {ex.GetType().Name}: {ex.Message}");
            return (null, $"failed to read logs: {ex.Message}");
        }
    }

    private async Task DeletePodAsync(string ns, string name, CancellationToken ct)
    {
        try { await _client.CoreV1.DeleteNamespacedPodAsync(name, ns, cancellationToken: ct); }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound) { }
        catch (HttpOperationException ex) { _options.Log?.Invoke($"operator: failed to delete pod {ns}/{name}: {KubeletApi.StatusMessage(ex)}"); }
    }

    private sealed class PodCreationException(string message) : Exception(message);

    /// <summary>§2.3 resolveGitCredentials: the operator reads the Secret itself; its key layout decides the clone.</summary>
    private async Task<GitCredentials> ResolveGitCredentialsAsync(NotebookValidationJob job, CancellationToken ct)
    {
        var secretName = job.Spec.Notebook.Git.CredentialsSecret;
        if (string.IsNullOrEmpty(secretName)) return GitCredentials.None;
        V1Secret secret;
        try { secret = await _client.CoreV1.ReadNamespacedSecretAsync(secretName, job.Namespace, cancellationToken: ct); }
        catch (HttpOperationException ex)
        {
            throw new PodCreationException($"failed to resolve Git credentials: failed to get credentials secret {secretName}: {KubeletApi.StatusMessage(ex)}");
        }
        var data = secret.Data ?? new Dictionary<string, byte[]>();
        if (data.TryGetValue("ssh-privatekey", out var key)) return new GitCredentials("ssh", SshKey: Encoding.UTF8.GetString(key));
        if (data.TryGetValue("username", out var user))
        {
            var password = data.TryGetValue("password", out var p) ? p : data.TryGetValue("token", out var t) ? t : null;
            if (password is null) throw new PodCreationException("failed to resolve Git credentials: HTTPS credentials require 'password' or 'token' key in secret");
            return new GitCredentials("https", Encoding.UTF8.GetString(user), Encoding.UTF8.GetString(password))
            {
                SecretName = secretName, PasswordKey = data.ContainsKey("password") ? "password" : "token",
            };
        }
        throw new PodCreationException($"failed to resolve Git credentials: secret {secretName} does not contain recognized credential format (ssh-privatekey or username+password/token)");
    }

    /// <summary>transitionPhase: writes only the phase, then requeues at once.</summary>
    private async Task<Result> TransitionPhaseAsync(NotebookValidationJob job, string phase, CancellationToken ct)
    {
        job.Status.Phase = phase;
        await UpdateStatusAsync(job, ct);
        return Result.Now;
    }

    /// <summary>updateJobPhase: phase, message, completionTime on terminal phases, condition ValidationComplete.</summary>
    private async Task<Result> UpdateJobPhaseAsync(NotebookValidationJob job, string phase, string message, CancellationToken ct)
    {
        var st = job.Status;
        if (phase is "Succeeded" or "Failed" && _options.HasFault(OperatorFaults.CopiesSecretIntoMessage)
            && await SecretPeek.FirstValueAsync(_client, job, ct) is { } leaked)
            message = $"{message} ({leaked.Name}={leaked.Value})"; // fault: a value in status.message
        st.Phase = phase;
        st.Message = message;
        if (phase is "Succeeded" or "Failed") st.CompletionTime = Now();
        // §2.5 conditions: ValidationComplete True/ValidationComplete, False/PodFailed, Unknown/PodRunning
        var condition = new NvjCondition
        {
            Type = "ValidationComplete",
            Status = phase == "Succeeded" ? "True" : phase == "Failed" ? "False" : "Unknown",
            Reason = phase == "Succeeded" ? "ValidationComplete" : phase == "Failed" ? "PodFailed" : "PodRunning",
            Message = message,
            LastTransitionTime = Now(),
        };
        st.Conditions ??= [];
        var i = st.Conditions.FindIndex(c => c.Type == condition.Type);
        if (i >= 0) st.Conditions[i] = condition;
        else st.Conditions.Add(condition);
        await UpdateStatusAsync(job, ct);
        return Result.Done;
    }

    /// <summary>§2.4: one Event on a terminal phase, ValidationSucceeded (Normal) or ValidationFailed (Warning), name &lt;cr&gt;-&lt;random&gt;.</summary>
    private async Task CreateNotificationEventAsync(NotebookValidationJob job, string phase, CancellationToken ct)
    {
        var failed = phase == "Failed";
        var reason = failed ? "ValidationFailed" : "ValidationSucceeded";
        var message = job.Status.Message;
        if (failed && string.IsNullOrEmpty(message)) message = "Notebook validation failed";
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"NotebookValidationJob '{job.Name}' {reason}\n\n");
        text.Append(CultureInfo.InvariantCulture, $"Message: {message}\n");
        if (job.Annotations.TryGetValue("argocd.argoproj.io/sync-wave", out var wave) && wave.Length > 0) text.Append(CultureInfo.InvariantCulture, $"Sync Wave: {wave}\n");
        if (job.Labels.TryGetValue("app.kubernetes.io/part-of", out var partOf) && partOf.Length > 0) text.Append(CultureInfo.InvariantCulture, $"Application: {partOf}\n");
        text.Append(CultureInfo.InvariantCulture, $"Timestamp: {Now()}\n");
        text.Append(CultureInfo.InvariantCulture, $"Namespace: {job.Namespace}\n");
        var now = _options.Time.GetUtcNow().UtcDateTime;
        var evt = new Corev1Event
        {
            Metadata = new V1ObjectMeta
            {
                GenerateName = $"{job.Name}-",
                NamespaceProperty = job.Namespace,
                Labels = new Dictionary<string, string> { ["mlops.dev/notification-type"] = failed ? "validation-failure" : "validation-success" },
            },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = $"{NotebookValidationJob.Group}/{NotebookValidationJob.Version}", Kind = NotebookValidationJob.Kind,
                NamespaceProperty = job.Namespace, Name = job.Name, Uid = job.Uid, ResourceVersion = job.ResourceVersion,
            },
            Type = failed ? "Warning" : "Normal",
            Reason = reason,
            Message = text.ToString(),
            Source = new V1EventSource { Component = "jupyter-notebook-validator-operator" },
            FirstTimestamp = now,
            LastTimestamp = now,
            Count = 1,
            ReportingComponent = "jupyter-notebook-validator-operator",
            ReportingInstance = "controller",
        };
        try { await _client.CoreV1.CreateNamespacedEventAsync(evt, job.Namespace, cancellationToken: ct); }
        catch (HttpOperationException ex)
        {
            // events are optional for the operator ("non-critical")
            _options.Log?.Invoke($"operator: notification event for {job.Namespace}/{job.Name} not created: {KubeletApi.StatusMessage(ex)}");
        }
    }

    private async Task<NotebookValidationJob?> GetJobAsync(string ns, string name, CancellationToken ct)
    {
        var obj = await ApiObjectSource.OrNull(() => _client.CustomObjects.GetNamespacedCustomObjectAsync(
            NotebookValidationJob.Group, NotebookValidationJob.Version, ns, NotebookValidationJob.Plural, name, cancellationToken: ct));
        return obj is null ? null : new NotebookValidationJob(ToJsonObject(obj));
    }

    /// <summary>Status().Update: the whole object with the new status, optimistic on resourceVersion.</summary>
    private async Task UpdateStatusAsync(NotebookValidationJob job, CancellationToken ct)
    {
        var response = await _client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync(job.WithStatus(),
            NotebookValidationJob.Group, NotebookValidationJob.Version, job.Namespace, NotebookValidationJob.Plural, job.Name, cancellationToken: ct);
        if ((string?)ToJsonObject(response)["metadata"]?["resourceVersion"] is { } rv) job.ResourceVersion = rv;
    }

    private static JsonObject ToJsonObject(object o) => o switch
    {
        JsonObject j => j,
        JsonElement e => JsonNode.Parse(e.GetRawText())!.AsObject(),
        _ => JsonNode.Parse(KubernetesJson.Serialize(o))!.AsObject(),
    };

    private string Now() => ValidationPodBuilder.Rfc3339(_options.Time.GetUtcNow());

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _queue.Dispose();
        try { await _worker; } catch (OperationCanceledException) { }
        foreach (var informer in _informers) await informer.DisposeAsync();
        _stop.Dispose();
    }
}

/// <summary>Only the metadata of a NotebookValidationJob, for the watch that enqueues keys.</summary>
internal sealed class NvjObject : IKubernetesObject<V1ObjectMeta>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "";
    [JsonPropertyName("metadata")] public V1ObjectMeta Metadata { get; set; } = new();
}

internal sealed class NvjObjectList : IKubernetesObject<V1ListMeta>, IItems<NvjObject>
{
    [JsonPropertyName("apiVersion")] public string ApiVersion { get; set; } = "";
    [JsonPropertyName("kind")] public string Kind { get; set; } = "";
    [JsonPropertyName("metadata")] public V1ListMeta Metadata { get; set; } = new();
    [JsonPropertyName("items")] public IList<NvjObject> Items { get; set; } = [];
}

/// <summary>Go's time.ParseDuration for the CRD's timeout pattern `^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$`.</summary>
internal static class GoDuration
{
    public static TimeSpan? Parse(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        var m = System.Text.RegularExpressions.Regex.Matches(text, @"([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)");
        if (m.Count == 0 || string.Concat(m.Select(x => x.Value)) != text) return null;
        var total = TimeSpan.Zero;
        foreach (System.Text.RegularExpressions.Match x in m)
        {
            var n = double.Parse(x.Groups[1].Value, CultureInfo.InvariantCulture);
            total += x.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                _ => TimeSpan.FromHours(n),
            };
        }
        return total;
    }
}
