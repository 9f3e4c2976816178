using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conformance.Fixtures.Waits;
using Conformance.Twin.Eso.Cluster;
using k8s;
using k8s.Models;

namespace Conformance.Tests.TwinEso;

/// <summary>Watch-based waits on the twin API (list to get a resourceVersion, then watch; no sleeps), with a deadline that reports the last state seen.</summary>
public static class KubeWait
{
    public static Task<V1Secret?> SecretAsync(IKubernetes client, string ns, string name, Func<V1Secret?, bool> done, TimeSpan timeout, string what) =>
        UntilAsync(
            async ct =>
            {
                var list = await client.CoreV1.ListNamespacedSecretAsync(ns, fieldSelector: $"metadata.name={name}", cancellationToken: ct);
                return (list.Items.FirstOrDefault(), list.Metadata.ResourceVersion);
            },
            (rv, ct) => Stream(client.CoreV1.ListNamespacedSecretWithHttpMessagesAsync(ns, fieldSelector: $"metadata.name={name}", resourceVersion: rv, watch: true, allowWatchBookmarks: false, cancellationToken: ct), ct),
            done, s => s is null ? "no Secret" : $"Secret rv={s.Metadata.ResourceVersion} keys=[{string.Join(",", s.Data?.Keys ?? [])}] data-hash={(s.Metadata.Annotations is { } a && a.TryGetValue(Conformance.Twin.Eso.EsoLabels.DataHash, out var h) ? h : "-")}",
            timeout, what);

    public static Task<JsonObject?> CustomAsync(IKubernetes client, string group, string version, string plural, string? ns, string name, Func<JsonObject?, bool> done, TimeSpan timeout, string what) =>
        UntilAsync(
            async ct =>
            {
                var raw = ns is null
                    ? await client.CustomObjects.ListClusterCustomObjectAsync<JsonElement>(group, version, plural, fieldSelector: $"metadata.name={name}", cancellationToken: ct)
                    : await client.CustomObjects.ListNamespacedCustomObjectAsync<JsonElement>(group, version, ns, plural, fieldSelector: $"metadata.name={name}", cancellationToken: ct);
                var list = KubernetesEsoCluster.ToObject(raw);
                return ((list["items"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(), list["metadata"]?["resourceVersion"]?.GetValue<string>() ?? "");
            },
            (rv, ct) => ns is null
                ? StreamJson(client.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync(group, version, plural, fieldSelector: $"metadata.name={name}", resourceVersion: rv, watch: true, cancellationToken: ct), ct)
                : StreamJson(client.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync(group, version, ns, plural, fieldSelector: $"metadata.name={name}", resourceVersion: rv, watch: true, cancellationToken: ct), ct),
            done, o => o is null ? "absent" : $"rv={o["metadata"]?["resourceVersion"]} status={o["status"]?.ToJsonString()}",
            timeout, what);

    private static async Task<T?> UntilAsync<T>(
        Func<CancellationToken, Task<(T? Current, string ResourceVersion)>> list,
        Func<string, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
        Func<T?, bool> done, Func<T?, string> describe, TimeSpan timeout, string what) where T : class
    {
        using var deadline = Deadline.After(timeout, what);
        return await deadline.RunAsync(async ct =>
        {
            var (current, rv) = await list(ct);
            deadline.Observe(describe(current));
            if (done(current)) return current;
            await foreach (var (type, obj) in watch(rv, ct))
            {
                current = type == WatchEventType.Deleted ? null : obj;
                deadline.Observe($"{type}: {describe(current)}");
                if (done(current)) return current;
            }
            throw deadline.Expired(new InvalidOperationException("the watch closed before the condition held"));
        });
    }

#pragma warning disable CS0618 // typed WatchAsync over a list call is KubernetesClient 21's way for these resources
    private static async IAsyncEnumerable<(WatchEventType, V1Secret)> Stream(Task<k8s.Autorest.HttpOperationResponse<V1SecretList>> call, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in call.WatchAsync<V1Secret, V1SecretList>(cancellationToken: ct)) yield return e;
    }

    private static async IAsyncEnumerable<(WatchEventType, JsonObject)> StreamJson(Task<k8s.Autorest.HttpOperationResponse<object>> call, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var (t, e) in call.WatchAsync<JsonElement, object>(cancellationToken: ct))
            if (t != WatchEventType.Bookmark) yield return (t, KubernetesEsoCluster.ToObject(e));
    }
#pragma warning restore CS0618
}
