using System.Text.Json.Nodes;
using Conformance.Twin.Workloads.Operator;
using FluentAssertions;
using k8s.Models;
using Xunit;

namespace Conformance.Tests.TwinWorkloads;

/// <summary>The validation pod the operator builds (reference/operator.md §2.2, §2.3), in both profiles.</summary>
public sealed class OperatorPodShapeTests
{
    private static NotebookValidationJob Job(string podConfigExtra = "", string metadataExtra = "", string git = """{"url":"https://git.example/x/nb.git","ref":"main"}""") =>
        new(JsonNode.Parse($$"""
        {
          "apiVersion": "mlops.mlops.dev/v1alpha1", "kind": "NotebookValidationJob",
          "metadata": { "name": "t1", "namespace": "e2e", "uid": "uid-1", "resourceVersion": "7" {{metadataExtra}} },
          "spec": {
            "notebook": { "git": {{git}}, "path": "nb/hello.ipynb" },
            "podConfig": { "containerImage": "quay.io/jupyter/minimal-notebook:latest", "serviceAccountName": "default" {{podConfigExtra}} },
            "timeout": "10m"
          }
        }
        """)!.AsObject());

    private static readonly OperatorOptions Upstream = new() { Profile = OperatorProfile.Upstream };
    private static readonly OperatorOptions Contract = new() { Profile = OperatorProfile.Contract };

    [Fact]
    public void The_pod_has_the_upstream_name_labels_owner_containers_and_volumes()
    {
        var pod = ValidationPodBuilder.Build(Job(), GitCredentials.None, Upstream);

        pod.Metadata.Name.Should().Be("t1-validation");
        pod.Metadata.Labels.Should().Contain(new Dictionary<string, string>
        {
            ["app"] = "jupyter-notebook-validator", ["notebookvalidationjob"] = "t1",
            ["app.kubernetes.io/name"] = "jupyter-notebook-validator-operator", ["app.kubernetes.io/component"] = "validation-pod",
            ["app.kubernetes.io/managed-by"] = "jupyter-notebook-validator-operator",
        });
        var owner = pod.Metadata.OwnerReferences.Should().ContainSingle().Subject;
        (owner.Kind, owner.Name, owner.Uid, owner.Controller).Should().Be(("NotebookValidationJob", "t1", "uid-1", true));
        pod.Spec.RestartPolicy.Should().Be("Never");
        pod.Spec.ServiceAccountName.Should().Be("default");
        pod.Spec.SecurityContext.Should().BeNull();
        pod.Spec.InitContainers.Select(c => c.Name).Should().Equal("git-clone");
        pod.Spec.Containers.Select(c => c.Name).Should().Equal("validator");
        pod.Spec.Volumes.Select(v => v.Name).Should().Equal("workspace", "jovyan-home");
        var init = pod.Spec.InitContainers[0];
        init.Image.Should().Be("quay.io/takinosh/git-init-rhel9:latest");
        init.Command.Take(2).Should().Equal("/bin/bash", "-c");
        init.Command[2].Should().Contain("git clone --depth 1 --branch main https://git.example/x/nb.git /workspace/repo");
        init.Env.Should().ContainSingle(e => e.Name == "HOME" && e.Value == "/tmp");
        init.SecurityContext.RunAsNonRoot.Should().BeNull();
        pod.Spec.Containers[0].SecurityContext.RunAsNonRoot.Should().BeTrue();
        pod.Spec.Containers[0].Env.Select(e => e.Name).Should().Equal("VALIDATION_LEVEL", "VALIDATION_STRICT_MODE", "VALIDATION_FAIL_ON_STDERR",
            "VALIDATION_FAIL_ON_WARNINGS", "VALIDATION_DETECT_SILENT_FAILURES", "HOME", "PYTHONUSERBASE", "PIP_USER", "PIP_NO_CACHE_DIR");
    }

    [Fact]
    public void Upstream_replaces_the_built_in_env_with_user_env_and_contract_keeps_it()
    {
        const string env = """, "env": [{"name":"DB_PASSWORD","valueFrom":{"secretKeyRef":{"name":"db","key":"password"}}}]""";
        var upstream = ValidationPodBuilder.Build(Job(env), GitCredentials.None, Upstream).Spec.Containers[0].Env;
        upstream.Select(e => e.Name).Should().Equal("DB_PASSWORD");
        upstream[0].ValueFrom.SecretKeyRef.Name.Should().Be("db");

        var contract = ValidationPodBuilder.Build(Job(env), GitCredentials.None, Contract).Spec.Containers[0].Env;
        contract.Select(e => e.Name).Should().StartWith(["DB_PASSWORD", "VALIDATION_LEVEL"]).And.Contain("HOME");
        contract.Single(e => e.Name == "HOME").Value.Should().Be("/workspace");
    }

    [Fact]
    public void EnvFrom_keeps_its_order_then_appends_credentials()
    {
        const string extra = """, "envFrom": [{"configMapRef":{"name":"cfg"}},{"secretRef":{"name":"aws"}}], "credentials": ["db","mlflow"]""";
        var envFrom = ValidationPodBuilder.Build(Job(extra), GitCredentials.None, Upstream).Spec.Containers[0].EnvFrom;
        envFrom.Select(e => e.ConfigMapRef?.Name ?? e.SecretRef!.Name).Should().Equal("cfg", "aws", "db", "mlflow");
        envFrom[0].ConfigMapRef.Should().NotBeNull();
    }

    [Fact]
    public void CR_annotations_reach_the_pod_only_under_contract()
    {
        const string ann = """, "annotations": {"vault.hashicorp.com/agent-inject":"true","kubectl.kubernetes.io/last-applied-configuration":"{}"}""";
        ValidationPodBuilder.Build(Job(metadataExtra: ann), GitCredentials.None, Upstream).Metadata.Annotations.Should().BeNull();
        ValidationPodBuilder.Build(Job(metadataExtra: ann), GitCredentials.None, Contract).Metadata.Annotations
            .Should().Equal(new Dictionary<string, string> { ["vault.hashicorp.com/agent-inject"] = "true" });
    }

    [Fact]
    public void HTTPS_credentials_are_embedded_in_the_init_command_and_GIT_INIT_IMAGE_is_honoured()
    {
        var pod = ValidationPodBuilder.Build(Job(), new GitCredentials("https", "oauth2", "tok-123"), Upstream with { GitInitImage = "local/git:1" });
        pod.Spec.InitContainers[0].Image.Should().Be("local/git:1");
        pod.Spec.InitContainers[0].Command[2].Should().Contain("\"https://oauth2:tok-123@git.example/x/nb.git\"").And.Contain("Git clone failed");
    }

    [Fact]
    public void User_volumes_follow_the_built_in_ones_and_mount_on_the_validator_only()
    {
        const string extra = """, "volumes": [{"name":"data","secret":{"secretName":"s"}}], "volumeMounts": [{"name":"data","mountPath":"/data"}]""";
        var pod = ValidationPodBuilder.Build(Job(extra), GitCredentials.None, Upstream);
        pod.Spec.Volumes.Select(v => v.Name).Should().Equal("workspace", "jovyan-home", "data");
        pod.Spec.Volumes[2].Secret.SecretName.Should().Be("s");
        pod.Spec.Containers[0].VolumeMounts.Select(m => m.MountPath).Should().Equal("/workspace", "/home/jovyan", "/data");
        pod.Spec.InitContainers[0].VolumeMounts.Select(m => m.MountPath).Should().Equal("/workspace");
    }
}
