namespace Conformance.Environments.Plan;

/// <summary>A manifest: an ordered tree with apiVersion, kind, metadata... (see <see cref="Yaml"/>).</summary>
public sealed record Manifest(Dictionary<string, object?> Tree)
{
    public string ApiVersion => (string)Tree["apiVersion"]!;
    public string Kind => (string)Tree["kind"]!;
    private Dictionary<string, object?> Metadata => (Dictionary<string, object?>)Tree["metadata"]!;
    public string Name => (string)Metadata["name"]!;
    public string? Namespace => Metadata.TryGetValue("namespace", out var ns) ? ns as string : null;
    public string Describe => $"{Kind} {(Namespace is null ? "" : Namespace + "/")}{Name}";
}

/// <summary>A container the k3s world starts.</summary>
public sealed record PlannedContainer(
    string Name,
    string Image,
    IReadOnlyList<string> NetworkAliases,
    IReadOnlyDictionary<string, object> Environment,
    IReadOnlyList<string> Command,
    IReadOnlyList<int> Ports,
    bool Privileged,
    string ReadyWhen);

/// <summary>What to wait for after applying a step, watch-based with a deadline.</summary>
public abstract record WaitSpec
{
    public abstract string Describe { get; }
}

public sealed record JobComplete(string Namespace, string Name) : WaitSpec
{
    public override string Describe => $"Job {Namespace}/{Name} condition Complete=True (fail fast on Failed=True)";
}

public sealed record DeploymentAvailable(string Namespace, string Name) : WaitSpec
{
    public override string Describe => $"Deployment {Namespace}/{Name} condition Available=True";
}

public sealed record CrdEstablished(string Name) : WaitSpec
{
    public override string Describe => $"CustomResourceDefinition {Name} condition Established=True";
}

public sealed record WebhookCaBundle(string Name) : WaitSpec
{
    public override string Describe => $"MutatingWebhookConfiguration {Name} webhooks[0].clientConfig.caBundle non-empty";
}

public sealed record SecretHasKey(string Namespace, string Name, string Key) : WaitSpec
{
    public override string Describe => $"Secret {Namespace}/{Name} has data.{Key}";
}

public sealed record NodeReady : WaitSpec
{
    public override string Describe => "every Node condition Ready=True";
}

public sealed record ConditionTrue(string ApiVersion, string Kind, string? Namespace, string Name, string Type) : WaitSpec
{
    public override string Describe =>
        $"{Kind} {(Namespace is null ? "" : Namespace + "/")}{Name} condition {Type}=True";
}

/// <summary>
/// One install step of the world: the manifests it applies (server-side apply) and what it waits for.
/// Steps run in dependency order; steps whose dependencies are met run in parallel.
/// </summary>
public sealed record InstallStep(
    string Component,
    string Description,
    IReadOnlyList<string> DependsOn,
    IReadOnlyList<Manifest> Manifests,
    IReadOnlyList<WaitSpec> Waits);

/// <summary>One call to the Vault HTTP API; <see cref="Body"/> may hold <see cref="Sensitive"/> values.</summary>
/// <param name="AlreadyDoneWhen">An error text meaning the call's effect already exists (a reused world), not a failure.</param>
public sealed record VaultCall(string Method, string Path, Dictionary<string, object?>? Body, string Purpose, string? AlreadyDoneWhen = null);

/// <summary>Everything a world would start, apply and configure, in order.</summary>
public sealed record WorldPlan(
    string Environment,
    IReadOnlyList<string> Images,
    IReadOnlyList<PlannedContainer> Containers,
    IReadOnlyList<InstallStep> Steps,
    IReadOnlyList<VaultCall> VaultCalls,
    IReadOnlyList<string> Notes)
{
    public IEnumerable<Manifest> AllManifests => Steps.SelectMany(s => s.Manifests);
}
