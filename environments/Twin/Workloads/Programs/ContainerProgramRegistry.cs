using k8s.Models;

namespace Conformance.Twin.Workloads.Programs;

/// <summary>
/// Chooses the program a container runs, by image or command. Registrations are tried newest first, so a later
/// registration (e.g. the Vault Agent from another twin part) can take over an image. Unknown images run
/// <see cref="NoOpProgram"/>: a long-lived process that exits when the pod is deleted.
/// </summary>
public sealed class ContainerProgramRegistry
{
    private readonly List<(string Name, Func<V1Pod, V1Container, bool> Matches, IContainerProgram Program)> _entries = [];
    private readonly Lock _gate = new();

    /// <summary>A registry with the twin's built-in programs: git-clone and the notebook validator.</summary>
    public static ContainerProgramRegistry CreateDefault(string? python3Path = null)
    {
        var registry = new ContainerProgramRegistry();
        registry.Register("git-clone", GitCloneProgram.Matches, new GitCloneProgram());
        registry.Register("validator", ValidatorProgram.Matches, new ValidatorProgram(python3Path));
        return registry;
    }

    public ContainerProgramRegistry Register(string name, Func<V1Pod, V1Container, bool> matches, IContainerProgram program)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        lock (_gate) _entries.Insert(0, (name, matches, program));
        return this;
    }

    /// <summary>Registers a program for every container whose image (without tag or digest) equals <paramref name="imageName"/>.</summary>
    public ContainerProgramRegistry RegisterImage(string imageName, IContainerProgram program) =>
        Register(imageName, (_, c) => ImageName(c.Image) == ImageName(imageName), program);

    public (string Name, IContainerProgram Program) Resolve(V1Pod pod, V1Container container)
    {
        lock (_gate)
        {
            foreach (var entry in _entries)
                if (entry.Matches(pod, container)) return (entry.Name, entry.Program);
        }
        return ("no-op", NoOpProgram.Instance);
    }

    /// <summary>`quay.io/x/y:tag@sha256:..` -> `quay.io/x/y`.</summary>
    public static string ImageName(string? image)
    {
        if (string.IsNullOrEmpty(image)) return "";
        var at = image.IndexOf('@');
        if (at >= 0) image = image[..at];
        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return colon > slash ? image[..colon] : image;
    }
}
