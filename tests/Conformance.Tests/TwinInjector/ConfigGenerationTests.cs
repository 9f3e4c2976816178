using System.Text.Json.Nodes;
using Conformance.Tests.TwinInjector.Support;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.TwinInjector;

/// <summary>
/// The injected containers and the agent config in VAULT_CONFIG (reference/vault.md §1.2 "What the mutation
/// produces"): what a harness decodes from the pod spec to assert auto_auth, template and template_config.
/// </summary>
public sealed class ConfigGenerationTests
{
    private const string V = "vault.hashicorp.com/";

    private static k8s.Models.V1Pod Injected(params (string Key, string Value)[] extra)
    {
        var a = new Dictionary<string, string> { [V + "agent-inject"] = "true", [V + "role"] = "app", [V + "agent-inject-secret-db"] = "database/creds/app" };
        foreach (var (k, v) in extra) a[V + k] = v;
        return PodFixtures.Inject(PodFixtures.AppPod(a));
    }

    [Fact]
    public void Default_config_matches_vault_k8s_byte_for_byte()
    {
        var pod = Injected();
        var sidecar = PodFixtures.DecodeConfig(pod.Spec.Containers.Single(c => c.Name == "vault-agent"));
        var init = PodFixtures.DecodeConfig(pod.Spec.InitContainers.Single(c => c.Name == "vault-agent-init"));

        // Go encoding/json: struct field order, sorted map keys, omitempty, \u003c-style escapes, "\n" in the default map template
        const string expected =
            "{\"auto_auth\":{\"method\":{\"type\":\"kubernetes\",\"mount_path\":\"auth/kubernetes\",\"config\":{\"role\":\"app\",\"token_path\":\"/var/run/secrets/kubernetes.io/serviceaccount/token\"}}," +
            "\"sink\":[{\"type\":\"file\",\"config\":{\"path\":\"/home/vault/.vault-token\"}}]},\"exit_after_auth\":false,\"pid_file\":\"/home/vault/.pid\"," +
            "\"vault\":{\"address\":\"http://external-vault.vault.svc:8200\"}," +
            "\"template\":[{\"destination\":\"/vault/secrets/db\",\"contents\":\"{{ with secret \\\"database/creds/app\\\" }}{{ range $k, $v := .Data }}{{ $k }}: {{ $v }}\\n{{ end }}{{ end }}\",\"left_delimiter\":\"{{\",\"right_delimiter\":\"}}\"}]," +
            "\"template_config\":{\"exit_on_retry_failure\":true}}";
        sidecar.Should().Be(expected);
        init.Should().Be(expected.Replace("\"exit_after_auth\":false", "\"exit_after_auth\":true"));
    }

    [Fact]
    public void Containers_have_the_real_shape()
    {
        var pod = Injected(("agent-revoke-on-shutdown", "true"), ("agent-revoke-grace", "7"));
        var init = pod.Spec.InitContainers.Single();
        var sidecar = pod.Spec.Containers.Single(c => c.Name == "vault-agent");

        foreach (var c in new[] { init, sidecar })
        {
            c.Image.Should().Be("hashicorp/vault:2.0.4");
            c.Command.Should().Equal("/bin/sh", "-ec");
            c.Args.Should().Equal("echo ${VAULT_CONFIG?} | base64 -d > /home/vault/config.json && vault agent -config=/home/vault/config.json");
            c.Env.Select(e => e.Name).Should().Equal("NAMESPACE", "HOST_IP", "POD_IP", "VAULT_LOG_LEVEL", "VAULT_LOG_FORMAT", "VAULT_CONFIG");
            c.Resources.Limits["cpu"].ToString().Should().Be("500m");
            c.Resources.Limits["memory"].ToString().Should().Be("128Mi");
            c.Resources.Requests["cpu"].ToString().Should().Be("250m");
            c.Resources.Requests["memory"].ToString().Should().Be("64Mi");
            c.SecurityContext.RunAsUser.Should().Be(100);
            c.SecurityContext.RunAsGroup.Should().Be(1000);
            c.SecurityContext.RunAsNonRoot.Should().BeTrue();
            c.SecurityContext.ReadOnlyRootFilesystem.Should().BeTrue();
            c.SecurityContext.AllowPrivilegeEscalation.Should().BeFalse();
            c.SecurityContext.Capabilities.Drop.Should().Equal("ALL");
            c.VolumeMounts.Should().Contain(m => m.Name == "vault-secrets" && m.MountPath == "/vault/secrets");
            c.VolumeMounts.Should().Contain(m => m.Name == "kube-api-access-abcde" && m.MountPath == "/var/run/secrets/kubernetes.io/serviceaccount" && m.ReadOnlyProperty == true);
        }
        init.VolumeMounts.Should().Contain(m => m.Name == "home-init" && m.MountPath == "/home/vault");
        sidecar.VolumeMounts.Should().Contain(m => m.Name == "home-sidecar" && m.MountPath == "/home/vault");
        init.Lifecycle.Should().BeNull("only the sidecar gets a lifecycle (vault.md §2.5)");
        sidecar.Lifecycle.PreStop.Exec.Command.Should().Equal("/bin/sh", "-c",
            "/bin/sleep 7 && /bin/vault token revoke -address=http://external-vault.vault.svc:8200 -self");
        pod.Spec.Volumes.Select(v => v.Name).Should().Equal("kube-api-access-abcde", "home-init", "home-sidecar", "vault-secrets");
        pod.Spec.Volumes.Skip(1).Should().OnlyContain(v => v.EmptyDir.Medium == "Memory");
    }

    [Fact]
    public void No_revoke_on_shutdown_means_an_empty_lifecycle()
    {
        var sidecar = Injected().Spec.Containers.Single(c => c.Name == "vault-agent");
        sidecar.Lifecycle.Should().NotBeNull();
        sidecar.Lifecycle.PreStop.Should().BeNull();
    }

    [Fact]
    public void Annotations_reach_the_agent_config()
    {
        var pod = Injected(
            ("agent-inject-template-db", "{{ with secret \"database/creds/app\" }}{{ .Data.username }}{{ end }}"),
            ("agent-inject-file-db", "conf/db.txt"),
            ("agent-inject-perms-db", "0400"),
            ("agent-inject-secret-KV", "secret/data/app"),
            ("template-static-secret-render-interval", "10s"),
            ("template-lease-renewal-threshold", "0.8"),
            ("auth-path", "auth/k8s"));
        var config = JsonNode.Parse(PodFixtures.DecodeConfig(pod.Spec.Containers.Single(c => c.Name == "vault-agent")))!;

        config["auto_auth"]!["method"]!["mount_path"]!.GetValue<string>().Should().Be("auth/k8s");
        var templates = config["template"]!.AsArray();
        templates.Should().HaveCount(2);
        var db = templates.Single(t => t!["destination"]!.GetValue<string>() == "/vault/secrets/conf/db.txt")!;
        db["contents"]!.GetValue<string>().Should().Be("{{ with secret \"database/creds/app\" }}{{ .Data.username }}{{ end }}");
        db["perms"]!.GetValue<string>().Should().Be("0400");
        // NAME is lower-cased unless preserve-secret-case (vault.md §1.2)
        templates.Should().Contain(t => t!["destination"]!.GetValue<string>() == "/vault/secrets/kv");
        config["template_config"]!["static_secret_render_interval"]!.GetValue<string>().Should().Be("10s");
        config["template_config"]!["lease_renewal_threshold"]!.GetValue<double>().Should().Be(0.8);
    }

    [Fact]
    public void Agent_cache_enable_shares_a_persistent_cache()
    {
        var pod = Injected(("agent-cache-enable", "true"));
        var sidecar = JsonNode.Parse(PodFixtures.DecodeConfig(pod.Spec.Containers.Single(c => c.Name == "vault-agent")))!;
        var init = JsonNode.Parse(PodFixtures.DecodeConfig(pod.Spec.InitContainers.Single()))!;

        foreach (var config in new[] { sidecar, init })
        {
            config["cache"]!["persist"]!["type"]!.GetValue<string>().Should().Be("kubernetes");
            config["cache"]!["persist"]!["path"]!.GetValue<string>().Should().Be("/vault/agent-cache");
            config["listener"]![0]!["address"]!.GetValue<string>().Should().Be("127.0.0.1:8200");
        }
        pod.Spec.Volumes.Should().Contain(v => v.Name == "vault-agent-cache" && v.EmptyDir.Medium == "Memory");
    }

    [Fact]
    public void Init_first_puts_the_agent_before_existing_init_containers()
    {
        var pod = PodFixtures.AppPod(new Dictionary<string, string>
        {
            [V + "agent-inject"] = "true", [V + "role"] = "app", [V + "agent-init-first"] = "true",
        });
        pod.Spec.InitContainers = [new k8s.Models.V1Container { Name = "git-clone", Image = "git" }];
        var injected = PodFixtures.Inject(pod);
        injected.Spec.InitContainers.Select(c => c.Name).Should().Equal("vault-agent-init", "git-clone");
        injected.Spec.InitContainers[1].VolumeMounts.Should().Contain(m => m.MountPath == "/vault/secrets");
    }
}
