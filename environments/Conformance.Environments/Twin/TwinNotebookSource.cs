using System.Text;
using Conformance.Fixtures.Worlds;
using Conformance.Twin.Workloads.Git;

namespace Conformance.Environments.Twin;

/// <summary>Probe notebooks for the twin: real git repositories served by the twin's git server.</summary>
internal sealed class TwinNotebookSource(TwinGitServer server) : INotebookSource
{
    public async Task<NotebookRepository> PublishAsync(
        string repositoryName, IReadOnlyDictionary<string, byte[]> files, CancellationToken cancellationToken)
    {
        var text = files.ToDictionary(f => f.Key, f => Encoding.UTF8.GetString(f.Value));
        var url = await server.PublishAsync(repositoryName, text, cancellationToken);
        return new NotebookRepository(url, "main");
    }
}
