using Conformance.Fixtures.Jobs;
using Conformance.Fixtures.Kube;
using Conformance.Fixtures.Reporting;
using Conformance.Fixtures.Secrets;
using Conformance.Fixtures.Worlds;
using Conformance.Runner;

namespace Conformance.Steps.Support;

/// <summary>
/// One scenario's view of the world: its namespace, the canaries it wrote (by Secret and key), the job it is
/// building and the last job run. Injected into every binding class; lives exactly as long as the scenario.
/// </summary>
public sealed class ScenarioWorld(ScenarioContext scenario)
{
    private readonly Dictionary<(string Secret, string Key), SecretValue> _canaries = [];
    private readonly CanaryGenerator _generator = new(TestRun.Ledger);
    private string? _namespace;

    /// <summary>When the scenario began (its world was made): the start of its time window in controller logs.</summary>
    public DateTimeOffset StartedAt { get; } = DateTimeOffset.UtcNow;

    public World World => TestRun.World;

    public Kube Kube => TestRun.Kube;

    public NotebookJobs Jobs => TestRun.Jobs;

    public CancellationToken Cancellation => scenario.CancellationToken;

    /// <summary>The scenario's namespace; a step that needs one before "a fresh namespace" is a mistake in the feature.</summary>
    public string Namespace => _namespace
        ?? throw new InvalidOperationException("this scenario has no namespace yet: start it with 'Given a fresh namespace'");

    public bool HasNamespace => _namespace is not null;

    /// <summary>The job the Given steps are shaping; published and run by "When the notebook job runs".</summary>
    public JobDraft Job { get; } = new();

    /// <summary>The outcome of the last job run, for Then steps.</summary>
    public NotebookJobRun LastRun =>
        _lastRun ?? throw new InvalidOperationException("no notebook job has run in this scenario yet ('When the notebook job runs')");

    private NotebookJobRun? _lastRun;

    public async Task CreateNamespaceAsync()
    {
        _namespace = await Kube.CreateNamespaceAsync("conf", scenario.Title, Cancellation);
    }

    /// <summary>Generates a canary per key, registers it in the run's ledger, and remembers where it was written.</summary>
    public IReadOnlyDictionary<string, SecretValue> NewCanaries(string secret, IEnumerable<string> keys)
    {
        var values = keys.ToDictionary(k => k, k => _generator.Next($"canary {secret}/{k}"), StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            _canaries[(secret, key)] = value;
        }

        return values;
    }

    public SecretValue Canary(string secret, string key) =>
        _canaries.TryGetValue((secret, key), out var value)
            ? value
            : throw new InvalidOperationException(
                $"the scenario wrote no canary for Secret \"{secret}\" key \"{key}\"; canaries written: " +
                string.Join(", ", _canaries.Keys.Select(k => $"{k.Secret}/{k.Key}")));

    public IEnumerable<string> CanaryKeysOf(string secret) =>
        _canaries.Keys.Where(k => k.Secret == secret).Select(k => k.Key);

    public IReadOnlyCollection<SecretValue> AllCanaries => _canaries.Values;

    public void Record(NotebookJobRun run)
    {
        _lastRun = run;
        CurrentJob = run.Name;
    }

    /// <summary>The job created last (running or done), for steps that look at it before it ends.</summary>
    public string CurrentJob
    {
        get => _currentJob ?? throw new InvalidOperationException("no notebook job was created in this scenario yet ('When the notebook job starts' or '... runs')");
        set => _currentJob = value;
    }

    private string? _currentJob;
    private readonly Dictionary<(string Secret, string Key), SecretValue> _previous = [];

    /// <summary>Replaces a canary with a new one (a rotation); the old one stays known as the previous value.</summary>
    public SecretValue RotateCanary(string secret, string key)
    {
        _previous[(secret, key)] = Canary(secret, key);
        var next = _generator.Next($"canary {secret}/{key} (rotated)");
        _canaries[(secret, key)] = next;
        return next;
    }

    public SecretValue PreviousCanary(string secret, string key) =>
        _previous.TryGetValue((secret, key), out var value)
            ? value
            : throw new InvalidOperationException($"Secret \"{secret}\" key \"{key}\" was not rotated in this scenario");

    /// <summary>The canaries currently written under one Secret (all keys), e.g. to re-apply it after a rotation.</summary>
    public IReadOnlyDictionary<string, SecretValue> CanariesOf(string secret) =>
        _canaries.Where(c => c.Key.Secret == secret).ToDictionary(c => c.Key.Key, c => c.Value, StringComparer.Ordinal);

    /// <summary>The validation pod as a step last saw it, for checks that must not race the operator's retries.</summary>
    public k8s.Models.V1Pod? ObservedValidationPod { get; set; }

    /// <summary>Namespaces besides <see cref="Namespace"/> the scenario created; deleted with it.</summary>
    public List<string> OtherNamespaces { get; } = [];

    public async Task<string> CreateOtherNamespaceAsync()
    {
        var name = await Kube.CreateNamespaceAsync("conf-other", scenario.Title, Cancellation);
        OtherNamespaces.Add(name);
        return name;
    }

    /// <summary>What the scenario saw happen and when; attached for the report's timeline when not empty.</summary>
    public Timeline Timeline { get; } = new();
}
