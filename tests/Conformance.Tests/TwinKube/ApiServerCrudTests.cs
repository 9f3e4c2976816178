// The client calls here are short and bounded by the twin; passing the test cancellation token to each adds noise only.
#pragma warning disable xUnit1051
using Xunit;
using System.Text;
using System.Text.Json.Nodes;
using FluentAssertions;
using k8s;
using k8s.Models;

namespace Conformance.Tests.TwinKube;

public sealed class ApiServerCrudTests(TwinKubeFixture f) : IClassFixture<TwinKubeFixture>
{
    [Fact]
    public async Task Created_objects_get_identity_and_reads_return_not_found_texts()
    {
        var ns = await f.NewNamespaceAsync();
        var s = await f.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "db" }, StringData = new Dictionary<string, string> { ["password"] = "p" },
        }, ns);
        s.Metadata.Uid.Should().NotBeNullOrEmpty();
        s.Metadata.CreationTimestamp.Should().NotBeNull();
        s.Metadata.ResourceVersion.Should().NotBeNullOrEmpty();
        s.Type.Should().Be("Opaque");
        Encoding.UTF8.GetString(s.Data["password"]).Should().Be("p");
        s.StringData.Should().BeNull();

        var (code, status) = await TwinKubeFixture.FailureOf(() => f.Client.CoreV1.ReadNamespacedSecretAsync("nope", ns));
        code.Should().Be(404);
        status["reason"]!.GetValue<string>().Should().Be("NotFound");
        status["message"]!.GetValue<string>().Should().Be("secrets \"nope\" not found");

        var (code2, st2) = await TwinKubeFixture.FailureOf(() => f.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "db" } }, ns));
        code2.Should().Be(409);
        st2["message"]!.GetValue<string>().Should().Be("secrets \"db\" already exists");

        var (code3, st3) = await TwinKubeFixture.FailureOf(() => f.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "x" } }, "no-such-ns"));
        code3.Should().Be(404);
        st3["message"]!.GetValue<string>().Should().Be("namespaces \"no-such-ns\" not found");
    }

    [Fact]
    public async Task Stale_updates_conflict_and_generate_name_and_dry_run_work()
    {
        var ns = await f.NewNamespaceAsync();
        var cm = await f.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { GenerateName = "cfg-" }, Data = new Dictionary<string, string> { ["a"] = "1" } }, ns);
        cm.Metadata.Name.Should().MatchRegex("^cfg-[a-z0-9]{5}$");
        var stale = cm.Metadata.ResourceVersion;
        cm.Data["a"] = "2";
        var updated = await f.Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, cm.Metadata.Name, ns);
        long.Parse(updated.Metadata.ResourceVersion).Should().BeGreaterThan(long.Parse(stale));
        cm.Metadata.ResourceVersion = stale;
        cm.Data["a"] = "3";
        var (code, status) = await TwinKubeFixture.FailureOf(() => f.Client.CoreV1.ReplaceNamespacedConfigMapAsync(cm, cm.Metadata.Name, ns));
        code.Should().Be(409);
        status["reason"]!.GetValue<string>().Should().Be("Conflict");
        status["message"]!.GetValue<string>().Should().Be($"Operation cannot be fulfilled on configmaps \"{cm.Metadata.Name}\": the object has been modified; please apply your changes to the latest version and try again");

        await f.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "dry" } }, ns, dryRun: "All");
        var (dcode, _) = await TwinKubeFixture.FailureOf(() => f.Client.CoreV1.ReadNamespacedConfigMapAsync("dry", ns));
        dcode.Should().Be(404);
    }

    [Fact]
    public async Task Label_and_field_selectors_and_paging_select_what_the_real_server_would()
    {
        var ns = await f.NewNamespaceAsync();
        for (var i = 0; i < 5; i++)
            await f.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
            {
                Metadata = new V1ObjectMeta { Name = $"c{i}", Labels = new Dictionary<string, string> { ["tier"] = i % 2 == 0 ? "even" : "odd", [$"only{i}"] = "x" } },
            }, ns);
        (await f.Client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: "tier=even")).Items.Select(c => c.Metadata.Name).Should().Equal("c0", "c2", "c4");
        (await f.Client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: "tier!=even,tier")).Items.Select(c => c.Metadata.Name).Should().Equal("c1", "c3");
        (await f.Client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: "tier in (odd),!only1")).Items.Select(c => c.Metadata.Name).Should().Equal("c3");
        (await f.Client.CoreV1.ListNamespacedConfigMapAsync(ns, labelSelector: "tier notin (odd),only4")).Items.Select(c => c.Metadata.Name).Should().Equal("c4");
        (await f.Client.CoreV1.ListNamespacedConfigMapAsync(ns, fieldSelector: "metadata.name=c3")).Items.Should().ContainSingle();
        var (code, st) = await TwinKubeFixture.FailureOf(() => f.Client.CoreV1.ListNamespacedConfigMapAsync(ns, fieldSelector: "data.x=1"));
        code.Should().Be(400);
        st["message"]!.GetValue<string>().Should().Be("field label not supported: data.x");

        var names = new List<string>();
        string? cont = null;
        do
        {
            var page = await f.Client.CoreV1.ListNamespacedConfigMapAsync(ns, limit: 2, continueParameter: cont, labelSelector: "tier");
            page.Items.Count.Should().BeLessThanOrEqualTo(2);
            names.AddRange(page.Items.Select(i => i.Metadata.Name));
            cont = page.Metadata.ContinueProperty;
        } while (!string.IsNullOrEmpty(cont));
        names.Should().Equal("c0", "c1", "c2", "c3", "c4");
    }

    [Fact]
    public async Task Json_merge_and_strategic_patches_follow_their_rules()
    {
        var ns = await f.NewNamespaceAsync();
        var dep = new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "web" },
            Spec = new V1DeploymentSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "a", Image = "img:1", Env = [new V1EnvVar { Name = "X", Value = "1" }] }, new V1Container { Name = "b", Image = "img:1" }] },
                },
            },
        };
        var created = await f.Client.AppsV1.CreateNamespacedDeploymentAsync(dep, ns);
        created.Metadata.Generation.Should().Be(1);
        created.Spec.Replicas.Should().Be(1);

        // strategic: containers merge by name, env by name
        var smp = await f.Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"a","env":[{"name":"Y","value":"2"}]}]}}}}""", V1Patch.PatchType.StrategicMergePatch), "web", ns);
        smp.Spec.Template.Spec.Containers.Select(c => c.Name).Should().Equal("a", "b");
        smp.Spec.Template.Spec.Containers[0].Env.Select(e => e.Name).Should().Equal("X", "Y");
        smp.Metadata.Generation.Should().Be(2);

        // merge patch replaces lists
        var mp = await f.Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"img:2"}]}}}}""", V1Patch.PatchType.MergePatch), "web", ns);
        mp.Spec.Template.Spec.Containers.Select(c => c.Name).Should().Equal("c");

        // metadata-only changes do not bump the generation
        var labelled = await f.Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"metadata":{"labels":{"l":"v"}}}""", V1Patch.PatchType.MergePatch), "web", ns);
        labelled.Metadata.Generation.Should().Be(mp.Metadata.Generation);

        // JSON patch with a failing test op is refused
        var jp = await f.Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""[{"op":"replace","path":"/spec/replicas","value":3}]""", V1Patch.PatchType.JsonPatch), "web", ns);
        jp.Spec.Replicas.Should().Be(3);
        var (code, _) = await TwinKubeFixture.FailureOf(() => f.Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""[{"op":"test","path":"/spec/replicas","value":9}]""", V1Patch.PatchType.JsonPatch), "web", ns));
        code.Should().Be(422);
    }

    [Fact]
    public async Task Status_subresource_splits_spec_and_status_for_built_ins()
    {
        var ns = await f.NewNamespaceAsync();
        var pod = await f.Client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "p" },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "busybox" }] },
        }, ns);
        pod.Status.Phase.Should().Be("Pending");
        pod.Spec.ServiceAccountName.Should().Be("default");
        pod.Spec.Volumes.Should().Contain(v => v.Name.StartsWith("kube-api-access-"));
        var st = await f.Client.CoreV1.PatchNamespacedPodStatusAsync(new V1Patch("""{"status":{"phase":"Running"},"spec":{"activeDeadlineSeconds":5}}""", V1Patch.PatchType.MergePatch), "p", ns);
        st.Status.Phase.Should().Be("Running");
        st.Spec.ActiveDeadlineSeconds.Should().BeNull();
        var main = await f.Client.CoreV1.PatchNamespacedPodAsync(new V1Patch("""{"status":{"phase":"Failed"}}""", V1Patch.PatchType.MergePatch), "p", ns);
        main.Status.Phase.Should().Be("Running");
    }

    [Fact]
    public async Task A_namespace_starts_with_a_default_service_account_and_the_root_ca()
    {
        var ns = await f.NewNamespaceAsync();
        (await f.Client.CoreV1.ReadNamespacedServiceAccountAsync("default", ns)).Metadata.Name.Should().Be("default");
        var ca = await f.Client.CoreV1.ReadNamespacedConfigMapAsync("kube-root-ca.crt", ns);
        ca.Data["ca.crt"].Should().Be(f.Server.CaCertificatePem);
        var nsObj = await f.Client.CoreV1.ReadNamespaceAsync(ns);
        nsObj.Metadata.Labels["kubernetes.io/metadata.name"].Should().Be(ns);
        nsObj.Status.Phase.Should().Be("Active");
    }
}
