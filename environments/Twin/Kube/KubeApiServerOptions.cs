namespace Conformance.Twin.Kube;

/// <summary>How to start the twin's API server. Defaults suit tests: random port, fresh CA, fresh admin token.</summary>
public sealed record KubeApiServerOptions
{
    /// <summary>0 picks a free port.</summary>
    public int Port { get; init; }
    /// <summary>The admin bearer token; generated when null.</summary>
    public string? AdminToken { get; init; }
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
    /// <summary>Service-account token issuer (K3s and kubeadm use this one).</summary>
    public string ServiceAccountIssuer { get; init; } = "https://kubernetes.default.svc.cluster.local";
    /// <summary>The API audiences (K3s: the issuer and "k3s").</summary>
    public IReadOnlyList<string> ApiAudiences { get; init; } = ["https://kubernetes.default.svc.cluster.local", "k3s"];
    /// <summary>Interval of BOOKMARK events on watches that allow them (the real server: about a minute).</summary>
    public TimeSpan BookmarkInterval { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>The longest a watch stays open without timeoutSeconds (the real server picks 30-60 minutes).</summary>
    public TimeSpan MaxWatchTimeout { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>Watch history kept per resource for resuming from a resourceVersion; older ones get 410 Gone.</summary>
    public int WatchHistoryLimit { get; init; } = 4096;
    /// <summary>In-process endpoints for webhook clientConfig.service: "namespace/name:port" to a base URL.</summary>
    public IReadOnlyDictionary<string, Uri> ServiceEndpoints { get; init; } = new Dictionary<string, Uri>();
    /// <summary>Diagnostics sink (internal errors, webhook failures); never receives secret values.</summary>
    public Action<string>? Log { get; init; }
    /// <summary>Named faults (<see cref="KubeFaults"/>) that break one behaviour each; empty for a faithful server.</summary>
    public IReadOnlySet<string> Faults { get; init; } = new HashSet<string>();

    public bool HasFault(string name) => Faults.Contains(name);
}
