namespace Conformance.Twin.Workloads.Kubelet;

/// <summary>
/// The Env of the images the twin knows (their OCI image config). The container runtime starts a process with the
/// image's env, overridden by the pod's resolved env, so a pod without HOME still sees the image's HOME.
/// </summary>
public static class ImageConfigs
{
    /// <summary>
    /// jupyter/docker-stacks images (quay.io/jupyter/*, docker.io jupyter/*): docker-stacks-foundation's Dockerfile sets
    /// SHELL, LC_ALL/LANG/LANGUAGE, TZ, NB_USER/NB_UID/NB_GID, HOME=/home/jovyan, CONDA_DIR and PATH.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, string> JupyterStacks = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["PATH"] = "/opt/conda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        ["SHELL"] = "/bin/bash",
        ["LC_ALL"] = "C.UTF-8",
        ["LANG"] = "C.UTF-8",
        ["LANGUAGE"] = "C.UTF-8",
        ["TZ"] = "Etc/UTC",
        ["NB_USER"] = "jovyan",
        ["NB_UID"] = "1000",
        ["NB_GID"] = "100",
        ["HOME"] = "/home/jovyan",
        ["CONDA_DIR"] = "/opt/conda",
    };

    /// <summary>The image's env, or an empty map for images the twin knows nothing about.</summary>
    public static IReadOnlyDictionary<string, string> EnvOf(string? image)
    {
        var name = Programs.ContainerProgramRegistry.ImageName(image);
        if (name.StartsWith("quay.io/jupyter/", StringComparison.Ordinal) || name.StartsWith("jupyter/", StringComparison.Ordinal)
            || name.StartsWith("docker.io/jupyter/", StringComparison.Ordinal))
            return JupyterStacks;
        return new Dictionary<string, string>();
    }

    /// <summary>What the process sees: the image's env, then the pod's resolved env over it.</summary>
    public static IReadOnlyDictionary<string, string> Merge(IReadOnlyDictionary<string, string> image, IReadOnlyDictionary<string, string> resolved)
    {
        var env = new Dictionary<string, string>(image, StringComparer.Ordinal);
        foreach (var (k, v) in resolved) env[k] = v;
        return env;
    }
}
