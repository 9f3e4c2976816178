using System.Text.Json.Nodes;
using Conformance.Twin.Workloads.Operator;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.TwinWorkloads;

/// <summary>
/// Where the git credentials go (reference/operator.md §2.3): upstream splices them into the init container's command,
/// the contract profile hands them to git through env secretKeyRefs, so the pod spec holds references only.
/// </summary>
public sealed class GitCredentialProfileTests
{
    private static readonly GitCredentials Https = new("https", "clone-user", "tok-123") { SecretName = "git-credentials", PasswordKey = "token" };

    private static NotebookValidationJob Job() => new(JsonNode.Parse("""
        {
          "apiVersion": "mlops.mlops.dev/v1alpha1", "kind": "NotebookValidationJob",
          "metadata": { "name": "t1", "namespace": "e2e", "uid": "uid-1", "resourceVersion": "7" },
          "spec": {
            "notebook": { "git": { "url": "https://git.example/x/nb.git", "ref": "main", "credentialsSecret": "git-credentials" }, "path": "nb/hello.ipynb" },
            "podConfig": { "containerImage": "quay.io/jupyter/minimal-notebook:latest", "serviceAccountName": "default" }
          }
        }
        """)!.AsObject());

    [Fact]
    public void Upstream_embeds_the_token_in_the_init_command()
    {
        var init = ValidationPodBuilder.Build(Job(), Https, new OperatorOptions { Profile = OperatorProfile.Upstream }).Spec.InitContainers[0];

        init.Command[2].Should().Contain("https://clone-user:tok-123@git.example/x/nb.git");
        init.Env.Should().NotContain(e => e.Name == "GIT_PASSWORD");
    }

    [Fact]
    public void Contract_passes_the_credentials_by_secret_reference_and_keeps_them_out_of_the_spec()
    {
        var init = ValidationPodBuilder.Build(Job(), Https, new OperatorOptions { Profile = OperatorProfile.Contract }).Spec.InitContainers[0];

        string.Join("\n", init.Command).Should().NotContain("tok-123").And.NotContain("clone-user").And.Contain("https://git.example/x/nb.git");
        init.Env.Should().Contain(e => e.Name == "GIT_USERNAME" && e.ValueFrom.SecretKeyRef.Name == "git-credentials" && e.ValueFrom.SecretKeyRef.Key == "username");
        init.Env.Should().Contain(e => e.Name == "GIT_PASSWORD" && e.ValueFrom.SecretKeyRef.Name == "git-credentials" && e.ValueFrom.SecretKeyRef.Key == "token");
        init.Env.Should().OnlyContain(e => e.Value == null || e.Name == "HOME");
    }

    [Fact]
    public void The_embeds_git_token_fault_takes_the_upstream_path_under_the_contract_profile()
    {
        var options = new OperatorOptions { Profile = OperatorProfile.Contract, Faults = new HashSet<string> { OperatorFaults.EmbedsGitToken } };
        var init = ValidationPodBuilder.Build(Job(), Https, options).Spec.InitContainers[0];

        init.Command[2].Should().Contain("https://clone-user:tok-123@git.example/x/nb.git");
        init.Env.Should().NotContain(e => e.Name == "GIT_PASSWORD");
    }
}
