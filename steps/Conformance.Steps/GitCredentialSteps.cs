using Conformance.Fixtures.Jobs;
using Conformance.Fixtures.Kube;
using Conformance.Runner;
using Conformance.Steps.Support;
using k8s.Models;

namespace Conformance.Steps;

/// <summary>Private notebook repositories: the git credentials Secret (reference/operator.md §2.3) and where its token ends up.</summary>
[Binding]
public sealed class GitCredentialSteps(ScenarioWorld world)
{
    [Given("a git credentials Secret {string} with a generated username and token")]
    public Task GivenGitCredentials(string name) =>
        world.Kube.CreateSecretAsync(world.Namespace, name, world.NewCanaries(name, ["username", "token"]), cancellationToken: world.Cancellation);

    /// <summary>§2.3: credentials are used (and, by v1.0.8, spliced into the URL) only for https:// URLs.</summary>
    [Given("the notebook job clones over https with git credentials {string}")]
    public void GivenHttpsClone(string secret) => world.Job.Tweak(j => (j with
    {
        GitUrl = j.GitUrl.StartsWith("http://", StringComparison.Ordinal) ? "https://" + j.GitUrl["http://".Length..] : j.GitUrl,
    }).WithGitCredentials(secret));

    [Then("the validation pod exists within {int} seconds")]
    public async Task ThenThePodExists(int seconds)
    {
        var pod = NotebookJobs.ValidationPodName(world.CurrentJob);
        // Kept as first seen: a failing pod may be deleted and recreated by the operator's retries (operator.md §2.5).
        world.ObservedValidationPod = await world.Kube.WaitForAsync<V1Pod>(KubeResource.Pods, world.Namespace, pod, p => p is not null,
            $"pod {world.Namespace}/{pod} to be created", TimeSpan.FromSeconds(seconds), world.Cancellation);
    }
}
