using Conformance.Environments.Plan;

namespace Conformance.Environments.Live;

/// <summary>A controller whose pods' logs are read through the Kubernetes API: every pod matching the selector,
/// one container of it (null: all of its containers).</summary>
public sealed record PodLogSource(string Component, string Namespace, string LabelSelector, string? Container = null)
{
    /// <summary>The operator as <see cref="OperatorManifests"/> installs it (config/manager: control-plane=controller-manager, container manager).</summary>
    public static PodLogSource Operator { get; } = new("operator", OperatorManifests.Namespace, "control-plane=controller-manager", "manager");

    /// <summary>ESO's controller; its cert-controller and webhook carry other app.kubernetes.io/name values.</summary>
    public static PodLogSource ExternalSecrets { get; } = new("external-secrets", Infra.EsoNamespace, "app.kubernetes.io/name=external-secrets");

    /// <summary>The vault-helm chart's injector Deployment (vault-agent-injector).</summary>
    public static PodLogSource VaultInjector { get; } = new("vault-injector", Infra.VaultNamespace, "app.kubernetes.io/name=vault-agent-injector");

    /// <summary>What the k3s world (and <c>--env existing --install</c>) installs.</summary>
    public static IReadOnlyList<PodLogSource> Installed { get; } = [Operator, ExternalSecrets, VaultInjector];
}

/// <summary>A log that is not a pod's: a side container of the k3s world (Vault, LocalStack). Returns raw text whose
/// lines start with RFC3339Nano stamps (Docker's <c>timestamps</c>), for [since, until].</summary>
public sealed record TextLogSource(string Component, Func<DateTimeOffset, DateTimeOffset, CancellationToken, Task<string>> Read);

/// <summary>Log sources found in a cluster the harness did not install (the existing world): from the Deployment that runs
/// a controller's image, its namespace, its <c>spec.selector.matchLabels</c> and the container running that image.</summary>
public static class DeployedLogSources
{
    /// <summary>ESO runs its webhook and cert-controller from the controller's image; their first argument says so.</summary>
    private static readonly string[] NotTheController = ["webhook", "certcontroller"];

    public static PodLogSource? Find(System.Text.Json.Nodes.JsonArray deployments, string component, string imageMarker)
    {
        foreach (var deployment in deployments)
        {
            var container = deployment?["spec"]?["template"]?["spec"]?["containers"]?.AsArray()
                .FirstOrDefault(c => ((string?)c?["image"])?.Contains(imageMarker, StringComparison.Ordinal) == true);
            if (container is null) continue;
            var firstArg = (string?)container["args"]?.AsArray().FirstOrDefault();
            if (firstArg is not null && NotTheController.Contains(firstArg)) continue;
            var labels = deployment?["spec"]?["selector"]?["matchLabels"]?.AsObject();
            if (labels is null || labels.Count == 0) continue;
            var selector = string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}={(string?)l.Value}"));
            return new PodLogSource(component, (string)deployment!["metadata"]!["namespace"]!, selector, (string?)container["name"]);
        }

        return null;
    }
}
