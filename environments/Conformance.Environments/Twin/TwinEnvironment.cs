using Conformance.Environments.Twin.Aws;
using Conformance.Environments.Twin.Faults;
using Conformance.Fixtures.Aws;
using Conformance.Fixtures.Postgres;
using Conformance.Fixtures.Worlds;
using Conformance.Twin.Eso;
using Conformance.Twin.Injector;
using Conformance.Twin.Kube;
using Conformance.Twin.Vault;
using Conformance.Twin.Workloads.Git;
using Conformance.Twin.Workloads.Kubelet;
using Conformance.Twin.Workloads.Operator;
using Conformance.Twin.Workloads.Programs;
using Conformance.Twin.Injector.Agent;
using k8s;
using Npgsql;

namespace Conformance.Environments.Twin;

/// <summary>
/// The in-process world (DESIGN.md §2): the twin's Kubernetes API server, kubelet, operator, git server, Vault, ESO
/// and the Vault injector, plus moto_server for AWS. Everything talks over the real protocols; a twin run never
/// qualifies a release.
/// </summary>
public sealed class TwinEnvironment(TwinOptions options) : IWorldEnvironment
{
    private readonly Stack<IAsyncDisposable> _started = new();
    private string? _workDirectory;
    private bool _ownsWorkDirectory;

    public TwinEnvironment() : this(TwinOptions.FromEnvironment())
    {
    }

    public string Name => "twin";

    /// <summary>What each twin component logged (never values), for evidence and the leak scan.</summary>
    public TwinLogBook Logs { get; } = new();

    /// <summary>The running parts, for tests and the playground; null until started.</summary>
    public KubeApiServer? ApiServer { get; private set; }

    public TwinVault? Vault { get; private set; }

    public string Plan() => TwinPlan.Describe(options);

    public async Task<World> StartAsync(CancellationToken cancellationToken)
    {
        var faults = TwinFaultRouting.Route(options.Faults);
        var profile = options.OperatorProfile switch
        {
            "upstream" => OperatorProfile.Upstream,
            "contract" => OperatorProfile.Contract,
            var other => throw new ArgumentException(
                $"operator profile '{other}' is not known; use 'upstream' or 'contract' (CONFORMANCE_OPERATOR_PROFILE)"),
        };

        _ownsWorkDirectory = options.WorkDirectory is null;
        _workDirectory = options.WorkDirectory
                         ?? Path.Combine(Path.GetTempPath(), "conformance-twin-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_workDirectory);

        try
        {
            var api = Track(await KubeApiServer.StartAsync(
                new KubeApiServerOptions { Log = Logs.For("apiserver") }, cancellationToken));
            ApiServer = api;
            var kubeconfig = api.WriteKubeconfig(Path.Combine(_workDirectory, "kubeconfig"));
            var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));

            // Independent parts start together: CRDs, the git server, Postgres, Vault and moto.
            var crds = TwinCrds.InstallAsync(client, cancellationToken);
            var git = TwinGitServer.StartAsync(Path.Combine(_workDirectory, "git"), cancellationToken);
            var postgres = StartPostgresAsync(cancellationToken);
            var moto = MotoServer.Locate() is null ? Task.FromResult<MotoServer?>(null) : StartMotoAsync(cancellationToken);
            var postgresDsn = await postgres;
            var vault = TwinVault.StartAsync(
                new TwinVaultOptions { PostgresAdminDsn = postgresDsn, Faults = faults.Vault }, cancellationToken);
            await Task.WhenAll(crds, git, vault, moto);

            var gitServer = Track(await git);
            Vault = Track(await vault);
            var aws = await moto;
            if (aws is not null)
            {
                Track(aws);
            }

            // The same Vault configuration as a live world: audit, KV, database engine, Kubernetes auth, policies.
            await TwinVaultConfiguration.ApplyAsync(
                kubeconfig, api.CaCertificatePem, api.BaseAddress, Vault.Address, Vault.RootToken, postgresDsn,
                Path.Combine(_workDirectory, "vault-audit.log"), Logs.For("vault-configuration"), cancellationToken);

            // moto is not ours: its faults live in a proxy in front of it, started only when one is switched on.
            var awsEndpoint = aws?.Endpoint;
            if (aws is not null && faults.Aws.Count > 0)
            {
                awsEndpoint = Track(await SecretsManagerFaultProxy.StartAsync(aws.Endpoint, cancellationToken)).Endpoint;
            }

            // The kubelet runs the injected vault-agent containers with the twin's Vault Agent.
            var programs = VaultAgentPrograms.Register(
                ContainerProgramRegistry.CreateDefault(), new AgentOptions { Faults = faults.Injector });
            Track(await TwinKubelet.StartAsync(
                client,
                new KubeletOptions
                {
                    HostRoot = Path.Combine(_workDirectory, "kubelet"),
                    Faults = faults.Kubelet,
                    Log = Logs.For("kubelet"),
                },
                programs,
                cancellationToken));
            Track(await NotebookOperator.StartAsync(
                client,
                new OperatorOptions { Profile = profile, Faults = faults.Operator, Log = Logs.For("operator") },
                cancellationToken));
            Track(await TwinExternalSecrets.StartAsync(
                client,
                new EsoOptions
                {
                    AwsSecretsManagerEndpoint = awsEndpoint,
                    AwsStsEndpoint = awsEndpoint,
                    Faults = new EsoFaults(faults.Eso),
                    Log = Logs.For("external-secrets"),
                },
                cancellationToken));
            Track(await TwinVaultInjector.StartAsync(
                client,
                new InjectorOptions
                {
                    VaultAddress = Vault.Address.ToString().TrimEnd('/'),
                    FailurePolicy = "Fail",
                    Faults = faults.Injector,
                    Log = Logs.Writer("vault-injector"),
                },
                cancellationToken));

            return new World
            {
                Environment = Name,
                Kube = new KubeEndpoint(kubeconfig, null, api.BaseAddress, api.CaCertificatePem),
                Vault = new VaultEndpoint(Vault.Address, Vault.Address, Vault.RootToken)
                {
                    AuditLogPath = Path.Combine(_workDirectory, "vault-audit.log"),
                },
                Aws = aws is null
                    ? null
                    : new AwsEndpoint(awsEndpoint!, awsEndpoint!, aws.Region, aws.Credentials.AccessKeyId, aws.Credentials.SecretAccessKey),
                Postgres = PostgresFrom(postgresDsn),
                Notebooks = new TwinNotebookSource(gitServer),
                Bom = BillOfMaterials(profile),
                Qualifies = false,
                Capabilities = CapabilitiesOf(aws is not null, postgresDsn is not null, _postgresWhyNot),
                Diagnostics = new TwinDiagnostics(Logs, Vault),
            };
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Reverse order of start: controllers stop before the API server they watch.
        while (_started.TryPop(out var part))
        {
            try
            {
                await part.DisposeAsync();
            }
            catch (Exception e)
            {
                Logs.For("twin")($"stopping {part.GetType().Name} failed: {e.GetType().Name}: {e.Message}");
            }
        }

        if (_ownsWorkDirectory && _workDirectory is not null && Directory.Exists(_workDirectory))
        {
            try
            {
                Directory.Delete(_workDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A child process may still hold a file for a moment; the folder is under the temp root.
            }
        }
    }

    private T Track<T>(T part) where T : IAsyncDisposable
    {
        _started.Push(part);
        return part;
    }

    /// <summary>The given DSN, else a throw-away cluster (when allowed and initdb exists), else null with the reason kept.</summary>
    private async Task<string?> StartPostgresAsync(CancellationToken cancellationToken)
    {
        if (options.PostgresDsn is not null)
        {
            _postgresOrigin = "external (CONFORMANCE_POSTGRES_DSN)";
            return options.PostgresDsn;
        }

        if (!options.StartLocalPostgres)
        {
            _postgresWhyNot = NoPostgres;
            return null;
        }

        var (cluster, whyNot) = await LocalPostgresCluster.TryStartAsync(cancellationToken);
        if (cluster is null)
        {
            _postgresWhyNot = $"no Postgres: {whyNot}; set CONFORMANCE_POSTGRES_DSN to a superuser DSN or install postgresql";
            return null;
        }

        Track(cluster);
        _postgresOrigin = $"throw-away cluster ({cluster.Origin})";
        return cluster.Dsn;
    }

    private const string NoPostgres =
        "no Postgres: set CONFORMANCE_POSTGRES_DSN to a superuser DSN (`.ci/run` shows how to start one)";

    private string _postgresOrigin = "absent";
    private string _postgresWhyNot = NoPostgres;

    // moto checks keys and signatures (INITIAL_NO_AUTH_ACTION_COUNT=0), so a store with wrong keys fails as on AWS;
    // World.Aws carries the access key of the IAM user moto was given for the harness and the twin's ESO.
    private async Task<MotoServer?> StartMotoAsync(CancellationToken cancellationToken) =>
        await MotoServer.StartAuthenticatingAsync(cancellationToken: cancellationToken);

    private static PostgresEndpoint? PostgresFrom(string? dsn)
    {
        if (dsn is null)
        {
            return null;
        }

        var parsed = new NpgsqlConnectionStringBuilder(dsn);
        return new PostgresEndpoint(dsn, parsed.Host ?? "127.0.0.1", parsed.Port, parsed.Database ?? "postgres");
    }

    private BillOfMaterials BillOfMaterials(OperatorProfile profile) => new(
    [
        new Component("kubernetes", "twin API server"),
        new Component("operator", $"v1.0.8 (twin, profile {profile.ToString().ToLowerInvariant()})"),
        new Component("external-secrets", "2.9 behaviour (twin)"),
        new Component("vault", "dev mode (twin)"),
        new Component("vault-injector", "vault-k8s 1.7 behaviour (twin)"),
        new Component("aws", MotoServer.Locate() is null ? "absent (moto_server not installed)" : "moto_server"),
        new Component("postgres", _postgresOrigin),
        new Component("faults", options.Faults.Count == 0 ? "none" : string.Join(",", options.Faults)),
    ]);

    private static Capabilities CapabilitiesOf(bool aws, bool postgres, string noPostgres)
    {
        var capabilities = new Capabilities()
            .Has(Capability.Kubernetes)
            .Has(Capability.Operator)
            .Has(Capability.ExternalSecrets)
            .Has(Capability.Vault)
            .Has(Capability.VaultAudit)
            .Has(Capability.VaultInjector)
            .Has(Capability.PodSecurityAdmission);
        if (aws)
        {
            capabilities.Has(Capability.Aws);
        }
        else
        {
            capabilities.Lacks(Capability.Aws, MotoServer.WhyUnavailable);
        }

        if (postgres)
        {
            capabilities.Has(Capability.Postgres).Has(Capability.VaultDatabase);
        }
        else
        {
            capabilities.Lacks(Capability.Postgres, noPostgres).Lacks(Capability.VaultDatabase, noPostgres);
        }

        return capabilities;
    }
}
