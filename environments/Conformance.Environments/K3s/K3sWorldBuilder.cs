using Conformance.Environments.Options;
using Conformance.Environments.Plan;

namespace Conformance.Environments.K3s;

/// <summary>
/// Immutable fluent builder of the k3s world, in the manner of Testcontainers' builders: every <c>With...</c>
/// returns a new builder, defaults live in <see cref="LiveDefaults"/>, and <see cref="Build"/> validates everything
/// before anything starts.
/// <code>new K3sWorldBuilder().WithK3s("v1.33.1-k3s1").WithEso("2.9.0").WithVault("1.20").Build()</code>
/// </summary>
public sealed class K3sWorldBuilder
{
    private readonly LiveOptions _options;
    private readonly bool _smokeNotebook;
    private readonly TimeProvider _time;
    private readonly Action<string> _log;
    private readonly VaultExecutorFactory _vaultExecutor;
    private readonly Func<DockerProbeResult> _probe;

    /// <summary>Makes the executor for the Vault configuration calls (the fixtures' Vault driver may replace the default).</summary>
    public delegate IVaultCallExecutor VaultExecutorFactory(HttpClient http, Uri address, Sensitive token);

    public K3sWorldBuilder()
        : this(LiveOptions.Default, false, TimeProvider.System, Console.Error.WriteLine,
            (http, address, token) => new HttpVaultCallExecutor(http, address, token), () => DockerProbe.Probe())
    {
    }

    private K3sWorldBuilder(LiveOptions options, bool smokeNotebook, TimeProvider time, Action<string> log,
        VaultExecutorFactory vaultExecutor, Func<DockerProbeResult> probe)
    {
        _options = options;
        _smokeNotebook = smokeNotebook;
        _time = time;
        _log = log;
        _vaultExecutor = vaultExecutor;
        _probe = probe;
    }

    public LiveOptions Options => _options;

    private K3sWorldBuilder With(LiveOptions options) => new(options, _smokeNotebook, _time, _log, _vaultExecutor, _probe);

    // A bare version becomes "<repository>:<version>"; anything with ':' or '/' is taken as a full image reference.
    private static string Image(string repository, string versionOrImage) =>
        versionOrImage.Contains(':') || versionOrImage.Contains('/') ? versionOrImage : $"{repository}:{versionOrImage}";

    /// <summary>All options at once (e.g. from <see cref="LiveOptions.FromEnvironment(System.Collections.IDictionary)"/>).</summary>
    public K3sWorldBuilder WithOptions(LiveOptions options) => With(options);

    public K3sWorldBuilder WithK3s(string versionOrImage) => With(_options with { K3sImage = Image("rancher/k3s", versionOrImage) });
    public K3sWorldBuilder WithEso(string chartVersion) => With(_options with { EsoChartVersion = chartVersion });
    public K3sWorldBuilder WithVaultHelm(string chartVersion) => With(_options with { VaultHelmChartVersion = chartVersion });
    public K3sWorldBuilder WithVault(string versionOrImage) => With(_options with { VaultImage = Image("hashicorp/vault", versionOrImage) });
    public K3sWorldBuilder WithVaultK8s(string versionOrImage) => With(_options with { VaultK8sImage = Image("hashicorp/vault-k8s", versionOrImage) });
    public K3sWorldBuilder WithLocalStack(string versionOrImage) => With(_options with { LocalStackImage = Image("localstack/localstack", versionOrImage) });
    public K3sWorldBuilder WithLocalStackAuthToken(string token) => With(_options with { LocalStackAuthToken = token });
    public K3sWorldBuilder WithPostgres(string versionOrImage) => With(_options with { PostgresImage = Image("postgres", versionOrImage) });
    public K3sWorldBuilder WithGitServer(string image) => With(_options with { GitServerImage = image });
    public K3sWorldBuilder WithOperator(string versionOrImage) =>
        With(_options with { OperatorImage = Image("quay.io/takinosh/jupyter-notebook-validator-operator", versionOrImage) });
    public K3sWorldBuilder WithValidatorBaseImage(string image) => With(_options with { ValidatorBaseImage = image });

    /// <summary>Use a stock validator image instead of building one (it then pip-installs papermill per job).</summary>
    public K3sWorldBuilder WithStockValidatorImage(string image) => With(_options with { ValidatorImage = image });
    public K3sWorldBuilder WithGitInitImage(string image) => With(_options with { GitInitImage = image });
    public K3sWorldBuilder WithReuse(bool reuse = true) => With(_options with { Reuse = reuse });
    public K3sWorldBuilder WithKeep(KeepPolicy keep) => With(_options with { Keep = keep });
    public K3sWorldBuilder WithArtifacts(string directory) => With(_options with { ArtifactsDirectory = directory });
    public K3sWorldBuilder WithStartupTimeout(TimeSpan timeout) => With(_options with { StartupTimeout = timeout });

    /// <summary>Also run one NotebookValidationJob end to end while coming up (slower; proves the validator image).</summary>
    public K3sWorldBuilder WithSmokeNotebook(bool enabled = true) => new(_options, enabled, _time, _log, _vaultExecutor, _probe);
    public K3sWorldBuilder WithTimeProvider(TimeProvider time) => new(_options, _smokeNotebook, time, _log, _vaultExecutor, _probe);
    public K3sWorldBuilder WithLog(Action<string> log) => new(_options, _smokeNotebook, _time, log, _vaultExecutor, _probe);
    public K3sWorldBuilder WithVaultExecutor(VaultExecutorFactory factory) => new(_options, _smokeNotebook, _time, _log, factory, _probe);

    /// <summary>How Docker is found (tests point it at a dead socket).</summary>
    public K3sWorldBuilder WithDockerProbe(Func<DockerProbeResult> probe) => new(_options, _smokeNotebook, _time, _log, _vaultExecutor, probe);

    /// <summary>Every problem with the configuration; empty when <see cref="Build"/> will succeed.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = _options.Validate().ToList();
        if (_options.StartupTimeout <= TimeSpan.Zero) errors.Add("startup timeout must be positive");
        return errors;
    }

    /// <summary>The world, not started. Throws <see cref="LiveOptionsException"/> listing every problem.</summary>
    public K3sWorld Build()
    {
        var errors = Validate();
        if (errors.Count > 0) throw new LiveOptionsException(errors);
        return new K3sWorld(_options, _smokeNotebook, _time, _log, _vaultExecutor, _probe);
    }
}
