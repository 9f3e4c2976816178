using System.Globalization;
using k8s.Models;

namespace Conformance.Twin.Workloads.Operator;

/// <summary>Git credentials resolved from spec.notebook.git.credentialsSecret (reference/operator.md §2.3).</summary>
public sealed record GitCredentials(string Type, string? Username = null, string? Password = null, string? SshKey = null)
{
    /// <summary>The Secret the HTTPS credentials came from and the key of the password (password or token).</summary>
    public string? SecretName { get; init; }

    public string? PasswordKey { get; init; }

    public static readonly GitCredentials None = new("none");
}

/// <summary>
/// Builds the bare validation pod `&lt;name&gt;-validation` exactly as v1.0.8's createValidationPod does
/// (reference/operator.md §2.2), with the profile deciding the known deviations.
/// </summary>
public static class ValidationPodBuilder
{
    public static V1Pod Build(NotebookValidationJob job, GitCredentials creds, OperatorOptions options)
    {
        var spec = job.Spec;
        var pc = spec.PodConfig;
        var path = spec.Notebook.Path;

        var pod = new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = $"{job.Name}-validation", // §2.2 name <cr-name>-validation
                NamespaceProperty = job.Namespace,
                // §2.2 labels
                Labels = new Dictionary<string, string>
                {
                    ["app"] = "jupyter-notebook-validator",
                    ["notebookvalidationjob"] = job.Name,
                    ["app.kubernetes.io/name"] = "jupyter-notebook-validator-operator",
                    ["app.kubernetes.io/component"] = "validation-pod",
                    ["app.kubernetes.io/managed-by"] = "jupyter-notebook-validator-operator",
                },
                // §2.2 controller ownerReference, so GC removes the pod with the CR
                OwnerReferences =
                [
                    new V1OwnerReference
                    {
                        ApiVersion = $"{NotebookValidationJob.Group}/{NotebookValidationJob.Version}", Kind = NotebookValidationJob.Kind,
                        Name = job.Name, Uid = job.Uid, Controller = true, BlockOwnerDeletion = true,
                    },
                ],
            },
            Spec = new V1PodSpec
            {
                // §2.2 serviceAccountName from the spec (CRD default "default"), restartPolicy Never, no pod securityContext
                ServiceAccountName = pc.ServiceAccountName,
                RestartPolicy = "Never",
                InitContainers = [GitCloneContainer(job, creds, options)],
                Containers = [ValidatorContainer(job, options)],
                // §2.2 volumes workspace + jovyan-home (emptyDir), then the user's
                Volumes =
                [
                    new V1Volume { Name = "workspace", EmptyDir = new V1EmptyDirVolumeSource() },
                    new V1Volume { Name = "jovyan-home", EmptyDir = new V1EmptyDirVolumeSource() },
                    .. pc.Volumes ?? [],
                ],
                Tolerations = pc.Tolerations is { Count: > 0 } t ? t : null,
                NodeSelector = pc.NodeSelector is { Count: > 0 } ns ? ns : null,
                Affinity = pc.Affinity,
            },
        };

        if (options.Profile == OperatorProfile.Contract && job.Annotations.Count > 0)
        {
            // contract (ADR-017): CR annotations reach the pod; upstream copies none (§1.1 "CR annotations are not copied")
            pod.Metadata.Annotations = job.Annotations
                .Where(a => a.Key != "kubectl.kubernetes.io/last-applied-configuration")
                .ToDictionary(a => a.Key, a => a.Value);
        }
        return pod;
    }

    private static V1Container GitCloneContainer(NotebookValidationJob job, GitCredentials creds, OperatorOptions options)
    {
        var git = job.Spec.Notebook.Git;
        var path = job.Spec.Notebook.Path;
        // contract (ADR-014 §Consequences "Security: best practices built-in"): HTTPS credentials reach git through
        // env secretKeyRefs and a credential helper, so the pod spec holds references only, never the token.
        // (the operator-embeds-git-token fault takes v1.0.8's code path below under the contract profile too)
        var helperCredentials = options.Profile == OperatorProfile.Contract && creds.Type == "https"
                                && !options.HasFault(OperatorFaults.EmbedsGitToken);
        var script = creds.Type switch
        {
            "https" when helperCredentials => ValidationScripts.HttpsCloneWithCredentialEnv(git.Url, git.Ref, path),
            // §2.3: username:password is spliced into an https:// URL inside the command (a known defect, kept)
            "https" => ValidationScripts.HttpsClone(
                ReplaceFirst(git.Url, "https://", $"https://{creds.Username}:{creds.Password}@"), git.Ref, path),
            "ssh" => ValidationScripts.SshClone(git.Url, git.Ref, path),
            _ => ValidationScripts.AnonymousClone(git.Url, git.Ref, path),
        };
        var env = new List<V1EnvVar> { new() { Name = "HOME", Value = "/tmp" } }; // §2.2 git-clone env HOME=/tmp
        // §2.3: the SSH key is a plain env value in the pod spec
        if (creds.Type == "ssh") env.Add(new V1EnvVar { Name = "SSH_PRIVATE_KEY", Value = creds.SshKey });
        if (helperCredentials)
        {
            env.Add(SecretEnv("GIT_USERNAME", creds.SecretName!, "username"));
            env.Add(SecretEnv("GIT_PASSWORD", creds.SecretName!, creds.PasswordKey!));
        }
        return new V1Container
        {
            Name = "git-clone",
            Image = options.EffectiveGitInitImage, // §2.2 $GIT_INIT_IMAGE or quay.io/takinosh/git-init-rhel9:latest
            Command = ["/bin/bash", "-c", script],
            VolumeMounts = [new V1VolumeMount { Name = "workspace", MountPath = "/workspace" }],
            // §2.2: no runAsNonRoot, no seccompProfile on the init container
            SecurityContext = new V1SecurityContext
            {
                AllowPrivilegeEscalation = false,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
            },
            Env = env,
        };
    }

    private static V1EnvVar SecretEnv(string name, string secret, string key) => new()
    {
        Name = name,
        ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret, Key = key } },
    };

    private static V1Container ValidatorContainer(NotebookValidationJob job, OperatorOptions options)
    {
        var pc = job.Spec.PodConfig;
        var userEnv = options.HasFault(OperatorFaults.DropsEnv) ? [] : pc.Env ?? [];
        // §2.2: first user env + VALIDATION_* + HOME/PYTHONUSERBASE/PIP_USER/PIP_NO_CACHE_DIR ...
        var env = new List<V1EnvVar>(userEnv);
        env.AddRange(ValidationConfigEnv(job.Spec.ValidationConfig));
        env.Add(new V1EnvVar { Name = "HOME", Value = "/workspace" });
        env.Add(new V1EnvVar { Name = "PYTHONUSERBASE", Value = "/workspace/.local" });
        env.Add(new V1EnvVar { Name = "PIP_USER", Value = "1" });
        env.Add(new V1EnvVar { Name = "PIP_NO_CACHE_DIR", Value = "1" });
        var modelValidation = job.Spec.ModelValidation is { } mv && (mv["enabled"]?.GetValue<bool>() ?? true);
        if (options.Profile == OperatorProfile.Upstream && (userEnv.Count > 0 || modelValidation))
        {
            // §2.2 env quirk (upstream): with user env, Containers[0].Env is REPLACED by the user list, so HOME and
            // VALIDATION_* disappear. Model-validation env (MODEL_VALIDATION_*) is not modelled by the twin.
            env = [.. userEnv];
        }

        // §2.2 envFrom: explicit entries in order, then one secretRef per credentials[] entry
        var envFrom = new List<V1EnvFromSource>();
        foreach (var from in options.HasFault(OperatorFaults.DropsEnvFrom) ? [] : pc.EnvFrom ?? [])
        {
            // §1.1 the CRD has no prefix/optional: only the names survive the operator's conversion
            envFrom.Add(new V1EnvFromSource
            {
                SecretRef = from.SecretRef is { } s ? new V1SecretEnvSource { Name = s.Name } : null,
                ConfigMapRef = from.ConfigMapRef is { } c ? new V1ConfigMapEnvSource { Name = c.Name } : null,
            });
        }
        foreach (var credential in options.HasFault(OperatorFaults.IgnoresCredentials) ? [] : pc.Credentials ?? [])
            envFrom.Add(new V1EnvFromSource { SecretRef = new V1SecretEnvSource { Name = credential } });

        var path = job.Spec.Notebook.Path;
        return new V1Container
        {
            Name = "validator",
            Image = pc.ContainerImage,
            Command = ["/bin/bash", "-c", ValidationScripts.Papermill($"/workspace/repo/{path}", path)],
            VolumeMounts =
            [
                new V1VolumeMount { Name = "workspace", MountPath = "/workspace" },
                new V1VolumeMount { Name = "jovyan-home", MountPath = "/home/jovyan" },
                .. pc.VolumeMounts ?? [], // §1.1 user mounts go on the validator only
            ],
            Resources = Resources(pc.Resources),
            Env = env.Select(StripToCrdFields).ToList() is { Count: > 0 } e ? e : null,
            EnvFrom = envFrom.Count > 0 ? envFrom : null,
            // §2.2 validator securityContext
            SecurityContext = new V1SecurityContext
            {
                RunAsNonRoot = true,
                AllowPrivilegeEscalation = false,
                Capabilities = new V1Capabilities { Drop = ["ALL"] },
            },
        };
    }

    /// <summary>§1.1: the CRD's env has only value, secretKeyRef{name,key} and configMapKeyRef{name,key}; no optional, no fieldRef.</summary>
    private static V1EnvVar StripToCrdFields(V1EnvVar e) => new()
    {
        Name = e.Name,
        Value = e.Value,
        ValueFrom = e.ValueFrom is null ? null : new V1EnvVarSource
        {
            SecretKeyRef = e.ValueFrom.SecretKeyRef is { } s ? new V1SecretKeySelector { Name = s.Name, Key = s.Key } : null,
            ConfigMapKeyRef = e.ValueFrom.ConfigMapKeyRef is { } c ? new V1ConfigMapKeySelector { Name = c.Name, Key = c.Key } : null,
        },
    };

    /// <summary>§1.1 validationConfig -> VALIDATION_* (defaults development/false/false/false/true).</summary>
    internal static IEnumerable<V1EnvVar> ValidationConfigEnv(NvjValidationConfig? config)
    {
        static string B(bool b) => b ? "true" : "false";
        yield return new V1EnvVar { Name = "VALIDATION_LEVEL", Value = string.IsNullOrEmpty(config?.Level) ? "development" : config.Level };
        yield return new V1EnvVar { Name = "VALIDATION_STRICT_MODE", Value = B(config?.StrictMode ?? false) };
        yield return new V1EnvVar { Name = "VALIDATION_FAIL_ON_STDERR", Value = B(config?.FailOnStderr ?? false) };
        yield return new V1EnvVar { Name = "VALIDATION_FAIL_ON_WARNINGS", Value = B(config?.FailOnWarnings ?? false) };
        yield return new V1EnvVar { Name = "VALIDATION_DETECT_SILENT_FAILURES", Value = B(config?.DetectSilentFailures ?? true) };
    }

    /// <summary>§1.1 resources: quantities parsed leniently, a bad string becomes 0.</summary>
    private static V1ResourceRequirements? Resources(NvjResources? r)
    {
        if (r is null) return null;
        static IDictionary<string, ResourceQuantity>? Map(Dictionary<string, string>? m) =>
            m?.ToDictionary(kv => kv.Key, kv => Quantity(kv.Value));
        return new V1ResourceRequirements { Limits = Map(r.Limits), Requests = Map(r.Requests) };
    }

    private static ResourceQuantity Quantity(string value)
    {
        try
        {
            var q = new ResourceQuantity(value);
            _ = q.ToDecimal();
            return q;
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or OverflowException)
        {
            return new ResourceQuantity("0");
        }
    }

    private static string ReplaceFirst(string s, string oldValue, string newValue)
    {
        var i = s.IndexOf(oldValue, StringComparison.Ordinal);
        return i < 0 ? s : string.Concat(s.AsSpan(0, i), newValue, s.AsSpan(i + oldValue.Length));
    }

    internal static string Rfc3339(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
