namespace Conformance.Twin.Eso;

/// <summary>
/// Named faults: each breaks exactly one ESO behaviour, to prove that scenarios can fail (DESIGN.md §2, issue 8).
/// Unknown names are rejected at construction so a typo cannot silently yield a clean run.
/// </summary>
public sealed class EsoFaults
{
    /// <summary>Periodic refresh never fires after the first sync (models #5259 / #4978, reference/eso.md §6.3-4).</summary>
    public const string NeverRefreshes = "eso-never-refreshes";
    /// <summary>Annotation changes do not force a sync (the force-sync procedure of reference/eso.md §4 stops working).</summary>
    public const string IgnoresForceSync = "eso-ignores-force-sync";
    /// <summary>The provider is asked for the previous version (AWSPREVIOUS / KV version n-1) instead of the current one.</summary>
    public const string WritesPreviousVersion = "eso-writes-previous-version";
    /// <summary>A remote secret gone under deletionPolicy Retain deletes the Kubernetes Secret (the opposite of reference/eso.md §4).</summary>
    public const string DeletesUnderRetain = "eso-deletes-under-retain";
    /// <summary>Sync failures are reported as Ready=True SecretSynced (a silent stale Secret, cf. #4560 in reference/eso.md §6.2).</summary>
    public const string ReadyWhileFailing = "eso-ready-while-failing";

    /// <summary>The synced values are written into the controller's log (a debug line left on; reference/eso.md §5: ESO's
    /// own e2e prints the controller log on failure, so a value there ends up in CI output).</summary>
    public const string LogsSecretValue = "eso-logs-secret-value";

    /// <summary>refreshInterval 0 re-syncs when the ExternalSecret's metadata changes (an annotation bump or a spec edit):
    /// ESO before v0.11, which #4167 (reference/eso.md §6.4) records as changed on purpose.</summary>
    public const string IntervalZeroSyncsOnChange = "eso-interval-zero-syncs-on-change";

    /// <summary>creationPolicy Orphan still gets the controller ownerReference, so the Secret is garbage-collected with its
    /// ExternalSecret (reference/eso.md §4: Orphan creates it without one; no upstream issue).</summary>
    public const string OwnsSecretUnderOrphan = "eso-owns-secret-under-orphan";

    /// <summary>A ClusterSecretStore's auth refs are resolved in the ExternalSecret's namespace although they name their own
    /// (reference/eso.md §3a, #5618: "Specifying the namespace for ClusterSecretStore ...tokenSecretRef does not work").</summary>
    public const string ClusterStoreIgnoresRefNamespace = "eso-cluster-store-ignores-ref-namespace";

    /// <summary>tokenSecretRef.key is ignored: the Vault token is read from key "token", the default of
    /// auth.kubernetes.secretRef (reference/eso.md §3b); no upstream issue.</summary>
    public const string VaultTokenIgnoresKey = "eso-vault-token-ignores-key";

    /// <summary>Vault Kubernetes auth ignores serviceAccountRef and logs in with the controller's own service account token,
    /// the last fallback of getJwtString (reference/eso.md §3b); no upstream issue.</summary>
    public const string VaultLogsInAsController = "eso-vault-logs-in-as-controller";

    /// <summary>A target.template with data and mergePolicy Replace (the default) also writes the provider's raw keys beside the
    /// rendered ones, as Merge does (#1429 and #3869: template data merged instead of replacing; fixed by #2115, mergePolicy).</summary>
    public const string TemplateKeepsProviderKeys = "eso-template-keeps-provider-keys";

    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        NeverRefreshes, IgnoresForceSync, WritesPreviousVersion, DeletesUnderRetain, ReadyWhileFailing, LogsSecretValue,
        IntervalZeroSyncsOnChange, OwnsSecretUnderOrphan, ClusterStoreIgnoresRefNamespace, VaultTokenIgnoresKey, VaultLogsInAsController,
        TemplateKeepsProviderKeys,
    };

    private readonly HashSet<string> _active;

    public EsoFaults(IEnumerable<string>? names = null)
    {
        _active = new HashSet<string>(names ?? [], StringComparer.Ordinal);
        var unknown = _active.Where(n => !Known.Contains(n)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"Unknown ESO fault(s): {string.Join(", ", unknown)}. Known: {string.Join(", ", Known.Order())}.", nameof(names));
    }

    public static EsoFaults None { get; } = new();

    /// <summary>
    /// Picks this component's faults from a run-wide list (CONFORMANCE_TWIN_FAULTS=a,b): names starting "eso-" must be
    /// known, names of other components are left to them.
    /// </summary>
    public static EsoFaults FromRunWide(IEnumerable<string> names) =>
        new(names.Select(n => n.Trim()).Where(n => n.StartsWith("eso-", StringComparison.Ordinal)));
    public bool Has(string name) => _active.Contains(name);
    public IReadOnlySet<string> Active => _active;
}
