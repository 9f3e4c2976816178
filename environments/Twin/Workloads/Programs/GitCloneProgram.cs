using k8s.Models;

namespace Conformance.Twin.Workloads.Programs;

/// <summary>
/// The operator's `git-clone` init container (image quay.io/takinosh/git-init-rhel9 or $GIT_INIT_IMAGE): it runs
/// `/bin/bash -c &lt;script&gt;` (reference/operator.md §2.3). The twin runs this machine's real bash and git on the
/// script, with every mounted container path rewritten to the pod's host folder, so the clone really happens.
/// </summary>
public sealed class GitCloneProgram : IContainerProgram
{
    public static bool Matches(V1Pod pod, V1Container container) =>
        container.Name is "git-clone" or "golden-git-clone"
        || ContainerProgramRegistry.ImageName(container.Image).EndsWith("/git-init-rhel9", StringComparison.Ordinal);

    public async Task<int> RunAsync(ContainerContext context)
    {
        var argv = context.Command.Concat(context.Args).ToList();
        if (argv.Count < 3 || !argv[0].EndsWith("bash", StringComparison.Ordinal) || argv[1] != "-c")
        {
            context.Log.WriteLine($"twin git-clone: expected `/bin/bash -c <script>`, got `{string.Join(' ', argv.Take(2))}`");
            return 127;
        }
        var bash = ChildProcess.FindOnPath("bash");
        if (bash is null)
        {
            context.TerminationMessage = "twin: bash not found on this machine; the git-clone init container needs bash and git";
            context.Log.WriteLine(context.TerminationMessage);
            return 127;
        }

        var paths = context.Paths;
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in context.Env)
            env[k] = k is "HOME" or "TMPDIR" && v.StartsWith('/') ? paths.ToHost(v) : v; // HOME=/tmp -> the container's own /tmp
        env["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        env["GIT_CONFIG_NOSYSTEM"] = "1";
        foreach (var (k, v) in env.Where(e => e.Value.StartsWith(paths.RootFolder, StringComparison.Ordinal)).ToList())
            Directory.CreateDirectory(v);

        var script = paths.RewriteScript(argv[2]);
        var workdir = paths.ToHost(context.Container.WorkingDir ?? "/");
        Directory.CreateDirectory(workdir);
        return await ChildProcess.RunAsync(bash, ["-c", script, .. argv.Skip(3)], env, workdir, context);
    }
}
