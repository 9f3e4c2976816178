// The client calls here are short and bounded by the twin; passing the test cancellation token to each adds noise only.
#pragma warning disable xUnit1051
using Xunit;
using FluentAssertions;
using k8s;
using k8s.Models;

namespace Conformance.Tests.TwinKube;

public sealed class WatchAndLifecycleTests(TwinKubeFixture f) : IClassFixture<TwinKubeFixture>
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Watch_reports_added_modified_deleted_and_resumes_from_a_resource_version()
    {
        var ns = await f.NewNamespaceAsync();
        var created = await f.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "w" } }, ns);
        using var cts = new CancellationTokenSource(Deadline);
        var stream = f.Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, resourceVersion: created.Metadata.ResourceVersion, cancellationToken: cts.Token);
        var collect = TwinKubeFixture.CollectAsync(stream, s => s.Any(e => e.Item1 == WatchEventType.Deleted && e.Item2.Metadata.Name == "w"));
        await f.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"data":{"k":"v"}}""", V1Patch.PatchType.MergePatch), "w", ns);
        await f.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "w2" } }, ns);
        await f.Client.CoreV1.DeleteNamespacedConfigMapAsync("w", ns);
        var events = await collect;
        events.Select(e => (e.Item1, e.Item2.Metadata.Name)).Should().ContainInOrder(
            (WatchEventType.Modified, "w"), (WatchEventType.Added, "w2"), (WatchEventType.Deleted, "w"));
        events.Should().NotContain(e => e.Item1 == WatchEventType.Added && e.Item2.Metadata.Name == "w", "the watch started after w was created");
    }

    [Fact]
    public async Task A_watch_from_a_compacted_resource_version_is_gone()
    {
        await using var server = await Conformance.Twin.Kube.KubeApiServer.StartAsync(new() { WatchHistoryLimit = 3 });
        var path = server.WriteKubeconfig(Path.Combine(f.WorkDir, "kc-gone"));
        using var client = TwinKubeFixture.ClientFor(path);
        var first = await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a" } }, "default");
        for (var i = 0; i < 5; i++) await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"b{i}" } }, "default");
        var (code, status) = await TwinKubeFixture.FailureOf(() => client.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync("default", watch: true, resourceVersion: first.Metadata.ResourceVersion));
        code.Should().Be(410);
        status["reason"]!.GetValue<string>().Should().Be("Expired");
        status["message"]!.GetValue<string>().Should().StartWith($"too old resource version: {first.Metadata.ResourceVersion} (");
    }

    [Fact]
    public async Task Finalizers_hold_an_object_with_a_deletion_timestamp_until_removed()
    {
        var ns = await f.NewNamespaceAsync();
        await f.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "held", Finalizers = ["example.com/hold"] } }, ns);
        await f.Client.CoreV1.DeleteNamespacedConfigMapAsync("held", ns);
        var held = await f.Client.CoreV1.ReadNamespacedConfigMapAsync("held", ns);
        held.Metadata.DeletionTimestamp.Should().NotBeNull();
        var (code, st) = await TwinKubeFixture.FailureOf(() => f.Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("""{"metadata":{"finalizers":["example.com/hold","example.com/more"]}}""", V1Patch.PatchType.MergePatch), "held", ns));
        code.Should().Be(422);
        st["message"]!.GetValue<string>().Should().Contain("no new finalizers can be added if the object is being deleted");
        await f.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), "held", ns);
        var (gone, _) = await TwinKubeFixture.FailureOf(() => f.Client.CoreV1.ReadNamespacedConfigMapAsync("held", ns));
        gone.Should().Be(404);
    }

    [Fact]
    public async Task Garbage_collection_background_foreground_and_orphan()
    {
        var ns = await f.NewNamespaceAsync();
        await TwinKubeFixture.OwnerWithDependentAsync(f.Client, ns, "bg");
        await f.Client.CoreV1.DeleteNamespacedConfigMapAsync("bg", ns, body: new V1DeleteOptions { PropagationPolicy = "Background" });
        await TwinKubeFixture.WaitSecretGoneAsync(f.Client, ns, "bg-dep");

        await TwinKubeFixture.OwnerWithDependentAsync(f.Client, ns, "fg", block: true);
        await f.Client.CoreV1.DeleteNamespacedConfigMapAsync("fg", ns, body: new V1DeleteOptions { PropagationPolicy = "Foreground" });
        await TwinKubeFixture.WaitSecretGoneAsync(f.Client, ns, "fg-dep");
        using (var cts = new CancellationTokenSource(Deadline))
        {
            while (true)
            {
                var l = await f.Client.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync(ns, fieldSelector: "metadata.name=fg", cancellationToken: cts.Token);
                if (l.Body.Items.Count == 0) break;
                l.Body.Items[0].Metadata.Finalizers.Should().Contain("foregroundDeletion");
                var s = f.Client.CoreV1.WatchListNamespacedConfigMapAsync(ns, fieldSelector: "metadata.name=fg", resourceVersion: l.Body.Metadata.ResourceVersion, cancellationToken: cts.Token);
                await TwinKubeFixture.CollectAsync(s, e => e.Any(x => x.Item1 == WatchEventType.Deleted));
            }
        }

        await TwinKubeFixture.OwnerWithDependentAsync(f.Client, ns, "or");
        await f.Client.CoreV1.DeleteNamespacedConfigMapAsync("or", ns, body: new V1DeleteOptions { PropagationPolicy = "Orphan" });
        using (var cts = new CancellationTokenSource(Deadline))
        {
            var s = f.Client.CoreV1.WatchListNamespacedSecretAsync(ns, fieldSelector: "metadata.name=or-dep", cancellationToken: cts.Token);
            await TwinKubeFixture.CollectAsync(s, e => e.Any(x => x.Item2.Metadata.OwnerReferences is null or { Count: 0 }));
        }
        (await f.Client.CoreV1.ReadNamespacedSecretAsync("or-dep", ns)).Metadata.OwnerReferences.Should().BeNullOrEmpty();
    }

    [Fact]
    public async Task Deleting_a_namespace_terminates_it_and_removes_its_content()
    {
        var ns = await f.NewNamespaceAsync();
        await f.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s", Finalizers = ["example.com/hold"] } }, ns);
        await f.Client.CoreV1.DeleteNamespaceAsync(ns);
        var terminating = await f.Client.CoreV1.ReadNamespaceAsync(ns);
        terminating.Status.Phase.Should().Be("Terminating");
        var (code, st) = await TwinKubeFixture.FailureOf(() => f.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "late" } }, ns));
        code.Should().Be(403);
        st["message"]!.GetValue<string>().Should().Be($"configmaps \"late\" is forbidden: unable to create new content in namespace {ns} because it is being terminated");
        await f.Client.CoreV1.PatchNamespacedSecretAsync(new V1Patch("""{"metadata":{"finalizers":null}}""", V1Patch.PatchType.MergePatch), "s", ns);
        using var cts = new CancellationTokenSource(Deadline);
        var l = await f.Client.CoreV1.ListNamespaceWithHttpMessagesAsync(fieldSelector: $"metadata.name={ns}", cancellationToken: cts.Token);
        if (l.Body.Items.Count > 0)
        {
            var s = f.Client.CoreV1.WatchListNamespaceAsync(fieldSelector: $"metadata.name={ns}", resourceVersion: l.Body.Metadata.ResourceVersion, cancellationToken: cts.Token);
            await TwinKubeFixture.CollectAsync(s, e => e.Any(x => x.Item1 == WatchEventType.Deleted));
        }
        (await f.Client.CoreV1.ListNamespacedSecretAsync(ns)).Items.Should().BeEmpty();
    }
}
