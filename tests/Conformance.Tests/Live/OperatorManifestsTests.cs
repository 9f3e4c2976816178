using System.Diagnostics;
using System.Text.Json.Nodes;
using Conformance.Environments.Options;
using Conformance.Environments.Plan;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Live;

public sealed class OperatorManifestsTests
{
    private static readonly string[] EmbeddedFiles =
    [
        "default/kustomization.yaml", "default/manager_auth_proxy_patch.yaml", "namespace/kustomization.yaml", "namespace/namespace.yaml",
        "crd/kustomization.yaml", "crd/bases/mlops.mlops.dev_notebookvalidationjobs.yaml", "manager/kustomization.yaml", "manager/manager.yaml",
        "rbac/kustomization.yaml", "rbac/role.yaml", "rbac/service_account.yaml", "rbac/role_binding.yaml",
    ];

    [Fact]
    public void Embedded_manifests_are_byte_identical_to_the_saved_upstream()
    {
        foreach (var file in EmbeddedFiles)
        {
            OperatorManifests.ReadEmbedded(file).Should().Be(File.ReadAllText(UpstreamFiles.Path_("operator/config/" + file)), file);
        }
    }

    [Fact]
    public void Rendering_matches_kubectl_kustomize_of_the_overlay_without_webhooks()
    {
        var kubectl = new[] { "/usr/local/bin/kubectl", "/usr/bin/kubectl" }.FirstOrDefault(File.Exists);
        if (kubectl is null) Assert.Skip("kubectl is not installed here");

        // The same overlay with the webhook/cert-manager parts removed, rendered by the real kustomize.
        var dir = Directory.CreateTempSubdirectory("conformance-kustomize-");
        try
        {
            var source = Path.GetDirectoryName(UpstreamFiles.Path_("operator/config/default/kustomization.yaml"))!;
            CopyDirectory(Path.GetDirectoryName(source)!, dir.FullName);
            var defaultK = Path.Combine(dir.FullName, "default", "kustomization.yaml");
            var text = File.ReadAllText(defaultK);
            foreach (var excluded in OperatorManifests.Excluded) text = text.Replace($"- {excluded}\n", "").Replace($"- path: {excluded}\n", "");
            text = text[..text.IndexOf("replacements:", StringComparison.Ordinal)];
            File.WriteAllText(defaultK, text);
            var crdK = Path.Combine(dir.FullName, "crd", "kustomization.yaml");
            File.WriteAllText(crdK, File.ReadAllText(crdK).Replace("- path: patches/cainjection_in_notebookvalidationjobs.yaml\n", ""));

            var run = Process.Start(new ProcessStartInfo(kubectl, ["kustomize", Path.Combine(dir.FullName, "default")])
                { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = run.StandardOutput.ReadToEnd();
            run.WaitForExit();
            run.ExitCode.Should().Be(0, run.StandardError.ReadToEnd());

            var expected = Yaml.LoadAll(output).Select(d => new Manifest(d)).ToDictionary(Key);
            var actual = OperatorManifests.RenderUpstream().ToDictionary(Key);
            actual.Keys.Should().BeEquivalentTo(expected.Keys);
            foreach (var (key, manifest) in expected)
            {
                JsonNode.DeepEquals(JsonNode.Parse(Yaml.Json(actual[key].Tree)), JsonNode.Parse(Yaml.Json(manifest.Tree)))
                    .Should().BeTrue($"{key} must render as kustomize renders it:\nours: {Yaml.Json(actual[key].Tree)}\nkustomize: {Yaml.Json(manifest.Tree)}");
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void The_live_rendering_pins_the_image_sets_GIT_INIT_IMAGE_and_leaves_webhooks_out()
    {
        var manifests = OperatorManifests.Render(LiveOptions.Default with
        {
            OperatorImage = "quay.io/takinosh/jupyter-notebook-validator-operator:1.0.8", GitInitImage = "registry.local/git-init:1",
        });
        manifests.Select(m => m.Kind).Should().NotContain(["Certificate", "Issuer", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]);
        var deployment = JsonNode.Parse(Yaml.Json(manifests.Single(m => m.Kind == "Deployment").Tree))!;
        var manager = deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Single(c => (string?)c!["name"] == "manager")!;
        ((string?)manager["image"]).Should().Be("quay.io/takinosh/jupyter-notebook-validator-operator:1.0.8");
        ((string?)manager["imagePullPolicy"]).Should().Be("IfNotPresent");
        var env = manager["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"]);
        env.Should().Contain("GIT_INIT_IMAGE", "registry.local/git-init:1").And.Contain("PLATFORM", "kubernetes").And.NotContainKey("ENABLE_WEBHOOKS");
        manager.ToJsonString().Should().NotContain("webhook-server-cert");
        manifests.Should().Contain(m => m.Kind == "CustomResourceDefinition" && m.Name == OperatorManifests.CrdName);
        manifests.Where(m => m.Kind != "Namespace" && m.Kind != "CustomResourceDefinition" && m.Namespace is not null)
            .Should().OnlyContain(m => m.Namespace == OperatorManifests.Namespace);
    }

    private static string Key(Manifest m) => $"{m.Kind}/{m.Namespace}/{m.Name}";

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            File.SetAttributes(target, FileAttributes.Normal);
        }
    }
}
