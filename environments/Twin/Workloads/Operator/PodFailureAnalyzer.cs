using k8s.Models;

namespace Conformance.Twin.Workloads.Operator;

/// <summary>The verdict of v1.0.8's pod failure analysis (pod_failure_analyzer.go, reference/operator.md §2.5).</summary>
public sealed record PodFailureAnalysis(string Reason, string ErrorMessage, bool ShouldRetry, bool IsTransient, bool IsInit,
    bool IsImageIssue, string SuggestedAction)
{
    public const string Unknown = "Unknown";
}

/// <summary>
/// Classifies a failing validation pod the way v1.0.8 does: init container statuses first (waiting, then terminated
/// with git-specific rules), then the main containers, then pod conditions. Only the reasons the twin's kubelet can
/// produce are modelled in detail; the suggested actions are the operator's texts.
/// </summary>
public static class PodFailureAnalyzer
{
    public static PodFailureAnalysis Analyze(V1Pod pod)
    {
        foreach (var s in pod.Status?.InitContainerStatuses ?? [])
        {
            if (Waiting(s, isInit: true) is { } w) return w;
            if (InitTerminated(s) is { } t) return t;
        }
        foreach (var s in pod.Status?.ContainerStatuses ?? [])
        {
            if (Waiting(s, isInit: false) is { } w) return w;
            if (Terminated(s, isInit: false) is { } t) return t;
        }
        foreach (var c in pod.Status?.Conditions ?? [])
        {
            if (c.Status == "False" && c.Type == "PodScheduled" && c.Reason == "Unschedulable")
                return new(PodFailureAnalysis.Unknown, c.Message ?? "", true, false, false, false,
                    "Pod cannot be scheduled. Check resource requests, node selectors, and cluster capacity.");
        }
        return new(PodFailureAnalysis.Unknown, "", true, false, false, false, "Pod failed for unknown reason. Check pod events and logs for details.");
    }

    private static PodFailureAnalysis? Waiting(V1ContainerStatus s, bool isInit)
    {
        var w = s.State?.Waiting;
        if (w is null) return null;
        var msg = w.Message ?? "";
        return w.Reason switch
        {
            "ImagePullBackOff" => new("ImagePullBackOff", msg, true, true, isInit, true, isInit
                ? "Image pull failed for init container. Check image registry, credentials, and rate limits. Consider using built image to skip init container."
                : "Image pull failed. Check image registry, credentials, and rate limits. Consider fallback to pre-built image."),
            "ErrImagePull" => new("ErrImagePull", msg, true, true, isInit, true, isInit
                ? "Image pull error for init container. Verify image exists and credentials are correct. Consider using built image to skip init container."
                : "Image pull error. Verify image exists and credentials are correct. Consider fallback to pre-built image."),
            "CrashLoopBackOff" => new("CrashLoopBackOff", msg, true, false, isInit, false, isInit
                ? "Init container crashing repeatedly. Check init container logs for errors. Consider using built image to skip init container."
                : "Container crashing repeatedly. Check application logs and dependencies. May need different base image or build strategy."),
            "RunContainerError" => new("RunContainerError", msg, true, false, isInit, false, isInit
                ? "Init container failed to run. Check container configuration and logs."
                : "Container failed to run. Check container configuration and logs."),
            // §2.5: CreateContainerConfigError (missing Secret/key in env) -> retry, not transient
            "CreateContainerConfigError" => new("CreateContainerConfigError", msg, true, false, isInit, false, isInit
                ? "Init container configuration error. Check volume mounts, environment variables, and security context."
                : "Container configuration error. Check volume mounts, environment variables, and security context."),
            _ => null,
        };
    }

    private static PodFailureAnalysis? InitTerminated(V1ContainerStatus s)
    {
        var t = s.State?.Terminated;
        if (t is null || t.ExitCode == 0) return null;
        var msg = t.Message ?? "";
        var lower = msg.ToLowerInvariant();
        // §2.5: git clone exiting 2 or 128 is a permission problem, not retried
        if ((t.ExitCode is 2 or 128) && (s.Name == "git-clone" || s.Name.Contains("git", StringComparison.Ordinal)))
            return new("PermissionDenied", msg, false, false, true, false,
                $"Git-clone init container failed (exit code {t.ExitCode}). This typically indicates authentication or repository access issues. " +
                "Check the repository URL, the ref, and spec.notebook.git.credentialsSecret.");
        if (t.ExitCode == 126 || ContainsPermission(lower))
            return new("PermissionDenied", msg, false, false, true, false,
                "Git-clone init container failed with permission denied. This is a common OpenShift SCC (Security Context Constraint) issue.");
        if (t.ExitCode == 127 || lower.Contains("command not found", StringComparison.Ordinal))
            return new("PermissionDenied", msg, false, false, true, false,
                "Required command not found in init container. The git-clone image is missing necessary tools.");
        if (t.Reason == "OOMKilled")
            return new("OOMKilled", msg, true, false, true, false, "Init container killed due to out of memory. Increase memory limits.");
        // §2.5: git clone exit 1 (HTTPS failure, notebook missing) -> InitContainerError, retried
        return new("InitContainerError", msg, true, false, true, false,
            $"Init container failed with exit code {t.ExitCode}. Check logs for details. Consider using built image to skip init container.");
    }

    private static PodFailureAnalysis? Terminated(V1ContainerStatus s, bool isInit)
    {
        var t = s.State?.Terminated;
        if (t is null || t.ExitCode == 0) return null;
        var msg = t.Message ?? "";
        var lower = msg.ToLowerInvariant();
        if (t.ExitCode == 126 || ContainsPermission(lower))
            return new("PermissionDenied", msg, false, false, isInit, false,
                "Container failed with permission denied. This may be a file system permission issue or OpenShift SCC constraint.");
        if (t.ExitCode == 127 || lower.Contains("command not found", StringComparison.Ordinal))
            return new("PermissionDenied", msg, false, false, isInit, false,
                "Required command not found in container. The base image may be missing necessary tools. Consider using a different base image or build strategy.");
        if (t.Reason == "OOMKilled")
            return new("OOMKilled", msg, true, false, isInit, false, "Container killed due to out of memory. Increase memory limits in podConfig.resources.");
        // §2.5: a failing notebook -> reason Unknown, retried
        return new(PodFailureAnalysis.Unknown, msg, true, false, isInit, false, $"Container failed with exit code {t.ExitCode}. Check logs for details.");
    }

    private static bool ContainsPermission(string lower) =>
        lower.Contains("permission denied", StringComparison.Ordinal) || lower.Contains("permissionerror", StringComparison.Ordinal)
        || lower.Contains("cannot execute", StringComparison.Ordinal) || lower.Contains("access denied", StringComparison.Ordinal);

    /// <summary>getFailureRecoveryAction: what handlePodFailure does next.</summary>
    public static string RecoveryAction(PodFailureAnalysis a, int retryCount)
    {
        if (!a.ShouldRetry) return "do_not_retry";
        if (retryCount >= NotebookOperator.MaxRetries) return "max_retries_exceeded";
        if (a.IsInit) return a.IsImageIssue ? "skip_init_container" : "retry_same_config";
        if (a.IsImageIssue) return retryCount < 2 ? "retry_with_backoff" : "fallback_to_prebuilt_image";
        if (a.Reason == "CrashLoopBackOff") return retryCount < 1 ? "retry_same_config" : "try_different_build_strategy";
        if (a.Reason == "OOMKilled") return "increase_resources";
        if (a.IsTransient) return "retry_with_backoff";
        return "manual_intervention_required";
    }
}
