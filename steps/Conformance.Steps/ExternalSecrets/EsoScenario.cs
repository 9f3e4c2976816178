using Conformance.Fixtures.Aws;
using Conformance.Fixtures.ExternalSecrets;
using Conformance.Fixtures.Kube;
using Conformance.Fixtures.Secrets;
using Conformance.Fixtures.Vault;
using Conformance.Fixtures.Worlds;
using Conformance.Steps.Support;

namespace Conformance.Steps.ExternalSecrets;

/// <summary>
/// One Tier 2 scenario's ESO state, beside <see cref="ScenarioWorld"/>: the provider it uses, the remote secrets it
/// wrote (every value a generated canary, with its history so "previous" and "current" can be asserted), the
/// ExternalSecrets it is shaping, and what it must clean up outside its namespace (remote secrets, Vault policies
/// and roles, ClusterSecretStores, a second namespace). Remote names are prefixed with the scenario's namespace,
/// so parallel scenarios never share a remote secret. Created per scenario by the runner and disposed after it.
/// </summary>
public sealed class EsoScenario(ScenarioWorld world) : IAsyncDisposable
{
    private readonly Dictionary<string, List<IReadOnlyDictionary<string, SecretValue>>> _remoteHistory = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ExternalSecretManifest> _drafts = new(StringComparer.Ordinal);
    private readonly List<Func<Task>> _cleanups = [];
    private IRemoteSecrets? _remote;
    private VaultClient? _vault;

    public ScenarioWorld World => world;

    public ExternalSecretsDriver Eso { get; } = new(world.Kube);

    /// <summary>The budget for a store to become Ready and an ExternalSecret's first sync (ESO retries from 1 s, reference/eso.md §6.3).</summary>
    public static readonly TimeSpan SyncBudget = TimeSpan.FromSeconds(15);

    /// <summary>The scenario's provider ("aws" or "vault"), set by the first remote secret or store step.</summary>
    public string Provider { get; private set; } = "";

    /// <summary>Whether this scenario's Vault policy (read on its part of KV) exists yet.</summary>
    public bool VaultPolicyWritten { get; set; }

    /// <summary>A second namespace, for ClusterSecretStore scenarios.</summary>
    public string? SecondNamespace { get; private set; }

    /// <summary>The name of this scenario's ClusterSecretStore (cluster-scoped, so named after the namespace).</summary>
    public string ClusterStoreName => world.Namespace + "-store";

    /// <summary>The remote key of a remote secret the feature calls <paramref name="name"/>.</summary>
    public string RemoteKey(string name) => $"{world.Namespace}/{name}";

    public IRemoteSecrets Remote(string provider)
    {
        UseProvider(provider);
        return _remote ??= provider switch
        {
            "aws" => new AwsRemoteSecrets(AwsClient()),
            "vault" => new VaultRemoteSecrets(Vault),
            _ => throw new ArgumentException($"unknown provider '{provider}': the features use 'aws' or 'vault'"),
        };
    }

    public void UseProvider(string provider)
    {
        if (provider is not ("aws" or "vault"))
            throw new ArgumentException($"unknown provider '{provider}': the features use 'aws' or 'vault'");
        if (Provider.Length > 0 && Provider != provider)
            throw new InvalidOperationException($"this scenario already uses provider '{Provider}'; one provider per scenario");
        Provider = provider;
    }

    /// <summary>Vault with the root token, for the harness's own setup (never handed to ESO).</summary>
    public VaultClient Vault => _vault ??= new VaultClient(
        (world.World.Vault ?? throw new InvalidOperationException("this world has no Vault")).Address, world.World.Vault.RootToken, TestRun.Ledger);

    public AwsEndpoint Aws => world.World.Aws ?? throw new InvalidOperationException("this world has no AWS endpoint (tag the scenario @needs:aws)");

    private SecretsManagerClient AwsClient() =>
        new(Aws.Endpoint, Aws.Region, new AwsCredentials(Aws.AccessKeyId, Aws.SecretAccessKey));

    // ---------------------------------------------------------------- remote values

    public async Task CreateRemoteAsync(string provider, string name, IReadOnlyList<string> properties)
    {
        var values = NewValues(name, properties);
        await Remote(provider).CreateAsync(RemoteKey(name), values, world.Cancellation);
        _remoteHistory[name] = [values];
        var remote = _remote!;
        var key = RemoteKey(name);
        OnCleanup(async () =>
        {
            try { await remote.DeleteAsync(key, CancellationToken.None); }
            catch (Exception e) when (e is SecretsManagerException or VaultException) { } // already deleted by the scenario
        });
    }

    public async Task RotateRemoteAsync(string name)
    {
        var history = History(name);
        var values = NewValues(name, history[^1].Keys.ToList());
        await Remote(Provider).RotateAsync(RemoteKey(name), values, world.Cancellation);
        history.Add(values);
    }

    /// <summary>The value the remote secret holds now (its last write), or held before the last rotation.</summary>
    public SecretValue RemoteValue(string name, string property, bool previous = false)
    {
        var history = History(name);
        if (previous && history.Count < 2)
            throw new InvalidOperationException($"remote secret \"{name}\" was never rotated, so it has no previous value");
        var version = previous ? history[^2] : history[^1];
        return version.TryGetValue(property, out var value)
            ? value
            : throw new InvalidOperationException($"remote secret \"{name}\" has no property \"{property}\"; it has {string.Join(", ", version.Keys)}");
    }

    public IReadOnlyCollection<string> RemoteProperties(string name) => History(name)[^1].Keys.ToList();

    private List<IReadOnlyDictionary<string, SecretValue>> History(string name) =>
        _remoteHistory.TryGetValue(name, out var h)
            ? h
            : throw new InvalidOperationException($"the scenario wrote no remote secret \"{name}\"; written: {string.Join(", ", _remoteHistory.Keys)}");

    private IReadOnlyDictionary<string, SecretValue> NewValues(string name, IEnumerable<string> properties) =>
        world.NewCanaries($"remote {name}", properties).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);

    // ---------------------------------------------------------------- ExternalSecret drafts

    public void Draft(ExternalSecretManifest manifest) => _drafts[manifest.Name] = manifest;

    public void Tweak(string name, Func<ExternalSecretManifest, ExternalSecretManifest> tweak) => _drafts[name] = tweak(DraftOf(name));

    public ExternalSecretManifest DraftOf(string name) =>
        _drafts.TryGetValue(name, out var m)
            ? m
            : throw new InvalidOperationException($"no ExternalSecret \"{name}\" was described in this scenario; described: {string.Join(", ", _drafts.Keys)}");

    // ---------------------------------------------------------------- the rest of the world

    public async Task<string> CreateSecondNamespaceAsync()
    {
        SecondNamespace = await world.Kube.CreateNamespaceAsync("conf2", world.Namespace, world.Cancellation);
        var ns = SecondNamespace;
        OnCleanup(() => TestRun.Keep == "always" ? Task.CompletedTask : world.Kube.DeleteNamespaceAsync(ns, TimeSpan.FromMinutes(2), CancellationToken.None));
        return ns;
    }

    /// <summary>Registers a clean-up; they run in reverse order after the scenario.</summary>
    public void OnCleanup(Func<Task> cleanup) => _cleanups.Add(cleanup);

    public async ValueTask DisposeAsync()
    {
        var failures = new List<string>();
        for (var i = _cleanups.Count - 1; i >= 0; i--)
        {
            try { await _cleanups[i](); }
            catch (Exception e) { failures.Add($"{e.GetType().Name}: {e.Message}"); }
        }
        _remote?.Dispose();
        _vault?.Dispose();
        if (failures.Count > 0)
            Console.Error.WriteLine($"conformance: Tier 2 clean-up of {(world.HasNamespace ? world.Namespace : "a scenario")} left: {string.Join("; ", failures)}");
    }
}
