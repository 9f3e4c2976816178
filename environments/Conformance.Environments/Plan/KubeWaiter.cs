using System.Text.Json.Nodes;

namespace Conformance.Environments.Plan;

/// <summary>
/// Watch-based waits with a deadline (list, then watch from the list's resourceVersion; re-list when the server ends
/// the watch). A timeout says what was waited for and what was last observed; a failure condition fails fast.
/// </summary>
public sealed class KubeWaiter(KubeApi api, TimeProvider time)
{
    private static readonly TimeSpan ServerWatchTimeout = TimeSpan.FromSeconds(50);

    public async Task WaitAsync(WaitSpec spec, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, cancellationToken);
        var last = "nothing observed yet (the object does not exist)";
        try
        {
            if (spec is NodeReady) await WaitForNodesAsync(s => last = s, linked.Token);
            else await WaitForObjectAsync(spec, s => last = s, linked.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new WaitTimeoutException(spec.Describe, last, timeout);
        }
    }

    private async Task WaitForObjectAsync(WaitSpec spec, Action<string> observed, CancellationToken token)
    {
        var (collection, name) = Target(spec);
        var selector = "metadata.name=" + name;
        while (true)
        {
            var list = await api.GetAsync($"{collection}?fieldSelector={Uri.EscapeDataString(selector)}", token)
                       ?? throw new WaitFailedException(spec.Describe, $"the API does not serve {collection} (is the CRD installed?)");
            var item = list["items"]?.AsArray().FirstOrDefault();
            if (Evaluate(spec, item, observed)) return;
            var rv = (string?)list["metadata"]?["resourceVersion"] ?? "0";

            await foreach (var (type, obj) in api.WatchAsync(collection, selector, rv, ServerWatchTimeout, token))
            {
                if (type == "ERROR") break; // e.g. 410 Gone: re-list
                if (type == "BOOKMARK") continue;
                if (Evaluate(spec, type == "DELETED" ? null : obj, observed)) return;
            }
        }
    }

    private async Task WaitForNodesAsync(Action<string> observed, CancellationToken token)
    {
        const string collection = "/api/v1/nodes";
        while (true)
        {
            var list = (await api.GetAsync(collection, token))!;
            var nodes = list["items"]!.AsArray().ToDictionary(n => (string)n!["metadata"]!["name"]!, n => n!);
            if (NodesReady(nodes, observed)) return;
            await foreach (var (type, obj) in api.WatchAsync(collection, null, (string)list["metadata"]!["resourceVersion"]!, ServerWatchTimeout, token))
            {
                if (type == "ERROR") break;
                if (type == "BOOKMARK") continue;
                var name = (string)obj["metadata"]!["name"]!;
                if (type == "DELETED") nodes.Remove(name);
                else nodes[name] = obj;
                if (NodesReady(nodes, observed)) return;
            }
        }
    }

    private static bool NodesReady(Dictionary<string, JsonNode> nodes, Action<string> observed)
    {
        observed(nodes.Count == 0
            ? "no Node registered yet"
            : string.Join("; ", nodes.Select(n => $"node {n.Key}: {Conditions(n.Value)}")));
        return nodes.Count > 0 && nodes.Values.All(n => ConditionStatus(n, "Ready") == "True");
    }

    private static (string Collection, string Name) Target(WaitSpec spec) => spec switch
    {
        JobComplete j => (ResourceKinds.PathFor("batch/v1", "Job", j.Namespace), j.Name),
        DeploymentAvailable d => (ResourceKinds.PathFor("apps/v1", "Deployment", d.Namespace), d.Name),
        CrdEstablished c => (ResourceKinds.PathFor("apiextensions.k8s.io/v1", "CustomResourceDefinition", null), c.Name),
        WebhookCaBundle w => (ResourceKinds.PathFor("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration", null), w.Name),
        SecretHasKey s => (ResourceKinds.PathFor("v1", "Secret", s.Namespace), s.Name),
        ConditionTrue c => (ResourceKinds.PathFor(c.ApiVersion, c.Kind, c.Namespace), c.Name),
        FieldEquals f => (ResourceKinds.PathFor(f.ApiVersion, f.Kind, f.Namespace), f.Name),
        _ => throw new NotSupportedException(spec.GetType().Name),
    };

    /// <summary>True when <paramref name="item"/> satisfies the wait; throws when it can no longer be satisfied.</summary>
    public static bool Evaluate(WaitSpec spec, JsonNode? item, Action<string> observed)
    {
        if (item is null)
        {
            observed("the object does not exist (yet)");
            return false;
        }

        observed(Summary(spec, item));
        switch (spec)
        {
            case JobComplete:
                if (ConditionStatus(item, "Failed") == "True")
                    throw new WaitFailedException(spec.Describe, "the Job failed: " + Conditions(item));
                return ConditionStatus(item, "Complete") == "True";
            case DeploymentAvailable:
                return ConditionStatus(item, "Available") == "True";
            case CrdEstablished:
                return ConditionStatus(item, "Established") == "True";
            case ConditionTrue c:
                return ConditionStatus(item, c.Type) == "True";
            case WebhookCaBundle:
                return !string.IsNullOrEmpty((string?)item["webhooks"]?[0]?["clientConfig"]?["caBundle"]);
            case SecretHasKey s:
                return !string.IsNullOrEmpty((string?)item["data"]?[s.Key]);
            case FieldEquals f:
                var value = Field(item, f.Field);
                if (value == f.FailOn)
                    throw new WaitFailedException(spec.Describe, $"{f.Field} is {value}: {(string?)item["status"]?["message"]}");
                return value == f.Expected;
            default:
                throw new NotSupportedException(spec.GetType().Name);
        }
    }

    private static string Summary(WaitSpec spec, JsonNode item) => spec switch
    {
        WebhookCaBundle => string.IsNullOrEmpty((string?)item["webhooks"]?[0]?["clientConfig"]?["caBundle"])
            ? "webhooks[0].clientConfig.caBundle is empty (the injector has not patched it yet)"
            : "caBundle set",
        SecretHasKey s => string.IsNullOrEmpty((string?)item["data"]?[s.Key])
            ? $"Secret exists without data.{s.Key} (the token controller has not filled it yet)"
            : $"data.{s.Key} present",
        FieldEquals f => $"{f.Field} = {Field(item, f.Field) ?? "(unset)"}; {Conditions(item)}",
        _ => Conditions(item),
    };

    private static string? Field(JsonNode item, string path)
    {
        JsonNode? node = item;
        foreach (var part in path.Split('.')) node = node?[part];
        return node?.ToString();
    }

    private static string? ConditionStatus(JsonNode item, string type) =>
        item["status"]?["conditions"]?.AsArray()
            .FirstOrDefault(c => (string?)c?["type"] == type)?["status"]?.ToString();

    internal static string Conditions(JsonNode item)
    {
        var conditions = item["status"]?["conditions"]?.AsArray();
        if (conditions is null || conditions.Count == 0) return "no status conditions yet";
        return string.Join(", ", conditions.Select(c =>
        {
            var reason = (string?)c?["reason"];
            var message = (string?)c?["message"];
            return $"{c?["type"]}={c?["status"]}" + (reason is null && message is null ? "" : $" ({reason}: {message})");
        }));
    }
}

public sealed class WaitTimeoutException(string waitingFor, string lastObserved, TimeSpan timeout)
    : TimeoutException($"timed out after {timeout.TotalSeconds:0}s waiting for {waitingFor}; last observed: {lastObserved}")
{
    public string WaitingFor { get; } = waitingFor;
    public string LastObserved { get; } = lastObserved;
}

public sealed class WaitFailedException(string waitingFor, string observed)
    : Exception($"gave up waiting for {waitingFor}: {observed}")
{
    public string LastObserved { get; } = observed;
}
