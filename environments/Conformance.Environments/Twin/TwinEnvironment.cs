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

    /// <summary>Where the last <see cref="StartAsync"/> spent its time (the twin-start benchmark reads it).</summary>
    public TwinStartupTimings Timings { get; } = new();

    public string Plan() => TwinPlan.Describe(options);

    public async Task<World> StartAsync(CancellationToken cancellationToken)
    {
        Timings.Begin();
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

        // Every part's start, so that a failure in one still lets the others finish starting and be stopped.
        var starting = new List<Task>();
        try
        {
            // moto_server (Python) takes seconds to come up: it starts first and runs beside everything else (on the
            // thread pool, as spawning the process alone takes a while on a busy machine).
            var moto = !options.StartAws || MotoServer.Locate() is null
                ? Task.FromResult<MotoServer?>(null)
                : Starting(starting, "moto", () => Task.Run(() => StartMotoAsync(cancellationToken), cancellationToken));
            var api = await Starting(starting, "apiserver", () => KubeApiServer.StartAsync(
                new KubeApiServerOptions { Log = Logs.For("apiserver"), Faults = faults.Kube }, cancellationToken));
            ApiServer = api;
            var kubeconfig = api.WriteKubeconfig(Path.Combine(_workDirectory, "kubeconfig"));
            var client = await Timings.Time("client", () => Task.FromResult(
                new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig))));

            // What needs only the API server starts together; each other part waits for exactly what it needs.
            var crds = Timings.Time("crds", () => TwinCrds.InstallAsync(client, cancellationToken));
            starting.Add(crds);
            var git = Starting(starting, "git", () => TwinGitServer.StartAsync(Path.Combine(_workDirectory, "git"), cancellationToken));
            var postgres = Timings.Time("postgres", () => StartPostgresAsync(cancellationToken));
            starting.Add(postgres);
            var vault = Starting(starting, "vault", postgres, () => TwinVault.StartAsync(
                new TwinVaultOptions { PostgresAdminDsn = postgres.Result, Faults = faults.Vault }, cancellationToken));

            // The same Vault configuration as a live world: audit, KV, database engine, Kubernetes auth, policies.
            var vaultConfigured = Task.Run(
                async () =>
                {
                    var started = await vault;
                    await Timings.Time("vault-configuration", () => TwinVaultConfiguration.ApplyAsync(
                        kubeconfig, api.CaCertificatePem, api.BaseAddress, started.Address, started.RootToken, postgres.Result,
                        Path.Combine(_workDirectory, "vault-audit.log"), Logs.For("vault-configuration"), cancellationToken));
                },
                cancellationToken);
            starting.Add(vaultConfigured);

            // moto is not ours: its faults live in a proxy in front of it, started only when one is switched on.
            var awsEndpoint = Task.Run(
                async () =>
                {
                    if (await moto is not { } started) return null;
                    if (faults.Aws.Count == 0) return started.Endpoint;
                    return Track(await SecretsManagerFaultProxy.StartAsync(started.Endpoint, started.Credentials, cancellationToken)).Endpoint;
                },
                cancellationToken);
            starting.Add(awsEndpoint);

            // The kubelet runs the injected vault-agent containers with the twin's Vault Agent.
            var programs = VaultAgentPrograms.Register(
                ContainerProgramRegistry.CreateDefault(), new AgentOptions { Faults = faults.Injector });
            var kubelet = Starting(starting, "kubelet", () => TwinKubelet.StartAsync(
                client,
                new KubeletOptions
                {
                    HostRoot = Path.Combine(_workDirectory, "kubelet"),
                    Faults = faults.Kubelet,
                    Log = Logs.For("kubelet"),
                },
                programs,
                cancellationToken));
            var notebookOperator = Starting(starting, "operator", crds, () => NotebookOperator.StartAsync(
                client,
                new OperatorOptions { Profile = profile, Faults = faults.Operator, Log = Logs.For("operator") },
                cancellationToken));
            var eso = Starting(starting, "eso", Task.WhenAll(crds, awsEndpoint), () => TwinExternalSecrets.StartAsync(
                client,
                new EsoOptions
                {
                    AwsSecretsManagerEndpoint = awsEndpoint.Result,
                    AwsStsEndpoint = awsEndpoint.Result,
                    Faults = new EsoFaults(faults.Eso),
                    Log = Logs.For("external-secrets"),
                },
                cancellationToken));
            var injector = Starting(starting, "injector", vault, () => TwinVaultInjector.StartAsync(
                client,
                new InjectorOptions
                {
                    VaultAddress = vault.Result.Address.ToString().TrimEnd('/'),
                    FailurePolicy = "Fail",
                    Faults = faults.Injector,
                    Log = Logs.Writer("vault-injector"),
                },
                cancellationToken));

            await Task.WhenAll(crds, git, kubelet, notebookOperator);
            Timings.Mark("tier1");
            await Task.WhenAll(starting);
            Timings.Mark("world");
            var gitServer = await git;
            Vault = await vault;
            var aws = await moto;
            var awsAddress = await awsEndpoint;
            var postgresDsn = await postgres;

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
                    : new AwsEndpoint(awsAddress!, awsAddress!, aws.Region, aws.Credentials.AccessKeyId, aws.Credentials.SecretAccessKey),
                Postgres = PostgresFrom(postgresDsn),
                Notebooks = new TwinNotebookSource(gitServer),
                Bom = BillOfMaterials(profile),
                Qualifies = false,
                Capabilities = CapabilitiesOf(aws is not null, postgresDsn is not null, _postgresWhyNot,
                    options.StartAws ? MotoServer.WhyUnavailable : "AWS is switched off for this twin (CONFORMANCE_TWIN_AWS=0)"),
                Diagnostics = new TwinDiagnostics(Logs, Vault),
            };
        }
        catch
        {
            await Task.WhenAll(starting).ContinueWith(_ => { }, TaskScheduler.Default);
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
        lock (_started)
        {
            _started.Push(part);
        }

        return part;
    }

    // A part is tracked (for stopping, in reverse order) as soon as it is up; parts come up on several threads.
    private Task<T> Starting<T>(List<Task> starting, string part, Func<Task<T>> start) where T : IAsyncDisposable? =>
        Starting(starting, part, Task.CompletedTask, start);

    private Task<T> Starting<T>(List<Task> starting, string part, Task after, Func<Task<T>> start)
        where T : IAsyncDisposable?
    {
        var task = StartAfterAsync();
        starting.Add(task);
        return task;

        async Task<T> StartAfterAsync()
        {
            await after;
            var started = await Timings.Time(part, start);
            if (started is { } up)
            {
                Track<IAsyncDisposable>(up);
            }

            return started;
        }
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
        new Component("aws", !options.StartAws ? "off (CONFORMANCE_TWIN_AWS=0)" : MotoServer.Locate() is null ? "absent (moto_server not installed)" : "moto_server"),
        new Component("postgres", _postgresOrigin),
        new Component("faults", options.Faults.Count == 0 ? "none" : string.Join(",", options.Faults)),
    ]);

    private static Capabilities CapabilitiesOf(bool aws, bool postgres, string noPostgres, string awsWhyNot)
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
            capabilities.Lacks(Capability.Aws, awsWhyNot);
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
