using System.Diagnostics;
using Conformance.Environments.K3s;
using Conformance.Fixtures.Worlds;

namespace Conformance.Environments.Existing;

/// <summary>
/// Notebooks for an existing world: the repository is written locally (pure C#) and pushed with the git CLI to
/// <c>&lt;base&gt;/&lt;name&gt;.git</c> on the user's git server, which pods must be able to clone from.
/// </summary>
public sealed class GitPushNotebookSource(Uri baseUrl) : INotebookSource
{
    public async Task<NotebookRepository> PublishAsync(
        string repositoryName, IReadOnlyDictionary<string, byte[]> files, CancellationToken cancellationToken)
    {
        GitRepositoryWriter.ValidateName(repositoryName);
        var url = new Uri(baseUrl.ToString().TrimEnd('/') + $"/{repositoryName}.git");
        var local = Directory.CreateTempSubdirectory("conformance-notebook-");
        try
        {
            foreach (var (path, content) in GitRepositoryWriter.Write(files))
            {
                var target = Path.Combine(local.FullName, path);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                await File.WriteAllBytesAsync(target, content, cancellationToken);
            }

            var push = new ProcessStartInfo("git", ["--git-dir", local.FullName, "push", "--force", url.ToString(), "main:main"])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            using var process = Process.Start(push) ?? throw new ExistingWorldException("could not start git (is it installed?)");
            var stderr = await process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0)
            {
                throw new ExistingWorldException(
                    $"git push to {url} failed (exit {process.ExitCode}): {stderr.Trim()}\n"
                    + "CONFORMANCE_NOTEBOOK_GIT_BASE must be a git server the harness can push to and pods can clone from.");
            }

            return new NotebookRepository(url, "main");
        }
        finally
        {
            local.Delete(recursive: true);
        }
    }
}

/// <summary>Used when no notebook git base is configured: fails with what to set.</summary>
public sealed class MissingNotebookSource : INotebookSource
{
    public Task<NotebookRepository> PublishAsync(
        string repositoryName, IReadOnlyDictionary<string, byte[]> files, CancellationToken cancellationToken) =>
        throw new ExistingWorldException(
            "the existing world has no notebook git server: set CONFORMANCE_NOTEBOOK_GIT_BASE to a git base URL "
            + "(e.g. http://git.example/notebooks) that the harness can push to and pods can clone from");
}
