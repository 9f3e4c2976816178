using Conformance.Environments.Plan;
using Conformance.Fixtures.Worlds;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;

namespace Conformance.Environments.K3s;

/// <summary>
/// Notebooks for the k3s world: a bare repository written in C# and copied into the git daemon container; pods clone
/// it through the <c>git</c> bridge Service (Docker DNS does not resolve in pods, reference/vault.md §5.2).
/// </summary>
public sealed class GitDaemonNotebookSource(IContainer gitServer) : INotebookSource
{
    public const string BasePath = "/srv/git";

    public static Uri CloneUrl(string repositoryName) =>
        new($"git://{Infra.Git.ServiceHost}:{Infra.Git.Port}/{repositoryName}.git");

    public async Task<NotebookRepository> PublishAsync(
        string repositoryName, IReadOnlyDictionary<string, byte[]> files, CancellationToken cancellationToken)
    {
        GitRepositoryWriter.ValidateName(repositoryName);
        var target = $"{BasePath}/{repositoryName}.git";
        // Republishing replaces the repository: remove the old one first so no stale ref survives.
        await gitServer.ExecAsync(["rm", "-rf", target], cancellationToken);
        foreach (var (path, content) in GitRepositoryWriter.Write(files))
        {
            await gitServer.CopyAsync(content, $"{target}/{path}", fileMode: Unix.FileMode644, ct: cancellationToken);
        }

        return new NotebookRepository(CloneUrl(repositoryName), "main");
    }
}
