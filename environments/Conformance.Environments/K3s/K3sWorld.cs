using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Conformance.Environments.Live;
using Conformance.Environments.Options;
using Conformance.Environments.Plan;
using Conformance.Fixtures.Worlds;
using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;
using DotNet.Testcontainers.Containers;
using DotNet.Testcontainers.Images;
using DotNet.Testcontainers.Networks;
using Testcontainers.K3s;
using Testcontainers.LocalStack;
using Testcontainers.PostgreSql;

namespace Conformance.Environments.K3s;

/// <summary>
/// An ephemeral K3s world: K3s, Vault (dev), LocalStack, Postgres and a git daemon on one Docker network, with ESO,
/// the Vault injector and the operator installed inside K3s, and Vault configured. Built by <see cref="K3sWorldBuilder"/>.
/// </summary>
public sealed class K3sWorld : IWorldEnvironment
{
    private readonly LiveOptions _options;
    private readonly bool _smokeNotebook;
    private readonly TimeProvider _time;
    private readonly Action<string> _log;
    private readonly K3sWorldBuilder.VaultExecutorFactory _vaultExecutor;
    private readonly Func<DockerProbeResult> _probe;

    private readonly List<IContainer> _containers = [];
    private readonly Dictionary<IContainer, string> _names = [];
    private INetwork? _network;
    private IFutureDockerImage? _validatorImage;
    private KubeApi? _kube;
    private KubeDiagnostics? _diagnostics;
    private bool _runFailed;
    private int _disposed;

    internal K3sWorld(LiveOptions options, bool smokeNotebook, TimeProvider time, Action<string> log,
        K3sWorldBuilder.VaultExecutorFactory vaultExecutor, Func<DockerProbeResult> probe)
    {
        _options = options;
        _smokeNotebook = smokeNotebook;
        _time = time;
        _log = log;
        _vaultExecutor = vaultExecutor;
        _probe = probe;
    }

    public string Name => "k3s";

    public LiveOptions Options => _options;

    /// <summary>The same plan the world applies, with symbolic run-time values: deterministic, secrets masked.</summary>
    public WorldPlan PlanModel() => WorldPlanner.ForK3s(_options, PlanInputs.Symbolic(_options), _smokeNotebook);

    public string Plan() => PlanWriter.Write(PlanModel());

    /// <summary>Tells the world how the run went, for <c>--keep on-failure</c>.</summary>
    public void ReportRunOutcome(bool failed) => _runFailed |= failed;

    public async Task<World> StartAsync(CancellationToken cancellationToken)
    {
        var probe = _probe();
        if (!probe.Reachable) throw new DockerUnavailableException(probe);
        _log(probe.Explain());

        using var startup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        startup.CancelAfter(_options.StartupTimeout);
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // First Ctrl-C: stop starting and clean up below; a second one ends the process the usual way.
            _log("Ctrl-C: stopping the k3s world start and removing its containers...");
            e.Cancel = true;
            startup.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        var runId = _options.Reuse ? "reuse" : $"{_time.GetUtcNow():yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2))}";
        var logs = Path.GetFullPath(Path.Combine(_options.ArtifactsDirectory, "live", runId));
        try
        {
            return await StartCoreAsync(runId, logs, startup.Token);
        }
        catch (Exception e)
        {
            _runFailed = true;
            var failure = e as WorldStartException
                          ?? (e is OperationCanceledException && !cancellationToken.IsCancellationRequested
                              ? WorldStartException.For("startup", new TimeoutException($"the world did not come up within {_options.StartupTimeout}"))
                              : WorldStartException.For("containers", e));
            await SaveLogsAsync(logs);
            if (_options.Keep == KeepPolicy.Never) await DisposeAsync();
            throw failure.WithLogs(logs);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private async Task<World> StartCoreAsync(string runId, string logs, CancellationToken token)
    {
        Directory.CreateDirectory(logs);
        var reuse = _options.Reuse;
        var cleanUp = !reuse && _options.Keep == KeepPolicy.Never;
        var vaultToken = new Sensitive("vault root token", reuse ? ReuseSecret("vault-root-token") : RandomSecret());
        var postgresPassword = new Sensitive("postgres password", reuse ? ReuseSecret("postgres-password") : RandomSecret());

        _network = new NetworkBuilder().WithName(reuse ? "conformance-live" : $"conformance-{runId}")
            .WithReuse(reuse).WithCleanUp(cleanUp).Build();
        await _network.CreateAsync(token);

        var planned = WorldPlanner.Containers(_options, PlanInputs.Symbolic(_options)).ToDictionary(c => c.Name);
        var k3s = Track("k3s", new K3sBuilder(_options.K3sImage)
            .WithNetwork(_network).WithNetworkAliases(Infra.K3sAlias)
            // K3sBuilder's command is "server --disable=traefik"; WithCommand appends (reference/vault.md §4).
            .WithCommand($"--tls-san={Infra.K3sAlias}")
            .WithReuse(reuse).WithCleanUp(cleanUp).WithLabel("conformance.component", "k3s").Build());
        var vault = Track("vault", new ContainerBuilder(_options.VaultImage)
            .WithNetwork(_network).WithNetworkAliases(Infra.Vault.Alias)
            .WithEnvironment("VAULT_DEV_ROOT_TOKEN_ID", vaultToken.Reveal())
            .WithEnvironment("VAULT_DEV_LISTEN_ADDRESS", $"0.0.0.0:{Infra.Vault.Port}")
            .WithEnvironment("VAULT_ADDR", $"http://0.0.0.0:{Infra.Vault.Port}")
            .WithEnvironment("SKIP_SETCAP", "true")
            .WithPortBinding(Infra.Vault.Port, true)
            .WithWaitStrategy(Wait.ForUnixContainer().UntilHttpRequestIsSucceeded(r =>
                r.ForPort((ushort)Infra.Vault.Port).ForPath("/v1/sys/health").ForStatusCode(HttpStatusCode.OK)))
            .WithReuse(reuse).WithCleanUp(cleanUp).WithLabel("conformance.component", "vault").Build());
        var localStackBuilder = new LocalStackBuilder(_options.LocalStackImage)
            .WithNetwork(_network).WithNetworkAliases(Infra.LocalStack.Alias)
            .WithEnvironment("SERVICES", (string)planned["localstack"].Environment["SERVICES"])
            .WithEnvironment("AWS_DEFAULT_REGION", "us-east-1")
            .WithReuse(reuse).WithCleanUp(cleanUp).WithLabel("conformance.component", "localstack");
        if (_options.LocalStackAuthToken.Length > 0)
            localStackBuilder = localStackBuilder.WithEnvironment("LOCALSTACK_AUTH_TOKEN", _options.LocalStackAuthToken);
        var localStack = Track("localstack", localStackBuilder.Build());
        var postgres = Track("postgres", new PostgreSqlBuilder(_options.PostgresImage)
            .WithNetwork(_network).WithNetworkAliases(Infra.Postgres.Alias)
            .WithDatabase(Infra.PostgresDatabase).WithUsername(Infra.PostgresUser).WithPassword(postgresPassword.Reveal())
            .WithReuse(reuse).WithCleanUp(cleanUp).WithLabel("conformance.component", "postgres").Build());
        var git = Track("git", new ContainerBuilder(_options.GitServerImage)
            .WithNetwork(_network).WithNetworkAliases(Infra.Git.Alias)
            .WithEntrypoint(planned["git"].Command[0])
            .WithCommand([.. planned["git"].Command.Skip(1)])
            .WithWaitStrategy(Wait.ForUnixContainer().UntilMessageIsLogged("Ready to rumble"))
            .WithReuse(reuse).WithCleanUp(cleanUp).WithLabel("conformance.component", "git").Build());

        var validatorImage = PlanInputs.ValidatorImageName(_options);
        var building = _options.ValidatorImage.Length > 0 ? Task.CompletedTask : BuildValidatorImageAsync(validatorImage, reuse, token);

        _log($"starting containers: {string.Join(", ", _containers.Select(c => c.Image.FullName))}");
        await Task.WhenAll(
            StartContainerAsync("k3s", k3s, token),
            StartContainerAsync("vault", vault, token),
            StartContainerAsync("localstack", localStack, token),
            StartContainerAsync("postgres", postgres, token),
            StartContainerAsync("git", git, token),
            Component("validator-image build", building));

        var kubeconfigText = await k3s.GetKubeconfigAsync();
        var kubeconfig = Path.Combine(logs, "kubeconfig");
        await File.WriteAllTextAsync(kubeconfig, kubeconfigText, token);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(kubeconfig, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _kube = KubeApi.FromKubeconfig(kubeconfig, null);

        var inputs = new PlanInputs(
            new Dictionary<string, string>
            {
                [Infra.Vault.Name] = vault.IpAddress,
                [Infra.LocalStack.Name] = localStack.IpAddress,
                [Infra.Postgres.Name] = postgres.IpAddress,
                [Infra.Git.Name] = git.IpAddress,
            },
            vaultToken, postgresPassword,
            Sensitive.Placeholder("reviewer JWT: read after step infra"),
            new Sensitive("localstack access key id", "test"),
            new Sensitive("localstack secret access key", "test"),
            KubernetesCa(kubeconfigText),
            validatorImage);

        var vaultAddress = new Uri($"http://{vault.Hostname}:{vault.GetMappedPublicPort(Infra.Vault.Port)}");
        var notebooks = new GitDaemonNotebookSource(git);
        if (_smokeNotebook)
        {
            await notebooks.PublishAsync(WorldPlanner.SmokeNotebookRepository,
                new Dictionary<string, byte[]> { ["smoke.ipynb"] = Encoding.UTF8.GetBytes(SmokeNotebook) }, token);
        }

        var plan = WorldPlanner.ForK3s(_options, inputs, _smokeNotebook);
        var runner = new PlanRunner(_kube, _time, _log);
        await runner.RunAsync(plan.Steps,
        [
            new ActionStep(WorldPlanner.StepVaultConfiguration, [WorldPlanner.StepInfra],
                ct => ConfigureVaultAsync(inputs, vaultAddress, vaultToken, ct)),
            new ActionStep(WorldPlanner.StepValidatorImage, [WorldPlanner.StepCluster],
                ct => ImportValidatorImageAsync(k3s, validatorImage, ct)),
        ], _options.StartupTimeout, token);

        var bom = await BillOfMaterialsAsync(_kube, validatorImage, token);
        _log($"k3s world up; kubeconfig: {kubeconfig}");
        return new World
        {
            Environment = "k3s",
            Kube = new KubeEndpoint(kubeconfig),
            Vault = new VaultEndpoint(vaultAddress, Infra.Vault.InClusterUri(), vaultToken.Reveal()),
            Aws = new AwsEndpoint(new Uri(localStack.GetConnectionString()), Infra.LocalStack.InClusterUri(), "us-east-1", "test", "test"),
            Postgres = new PostgresEndpoint(postgres.GetConnectionString(), Infra.Postgres.ServiceHost, Infra.Postgres.Port, Infra.PostgresDatabase),
            Notebooks = notebooks,
            ValidatorImage = validatorImage,
            Bom = bom,
            Qualifies = true,
            Diagnostics = _diagnostics = Diagnostics(_kube, vault, localStack, vaultToken),
            Capabilities = new Capabilities()
                .Has(Capability.Kubernetes).Has(Capability.Operator).Has(Capability.ExternalSecrets).Has(Capability.Vault)
                .Has(Capability.VaultInjector).Has(Capability.VaultDatabase).Has(Capability.Aws).Has(Capability.Postgres)
                .Has(Capability.PodSecurityAdmission),
        };
    }

    /// <summary>
    /// Controller logs through the API server; Vault's and LocalStack's container logs (Vault's with its root token
    /// masked); Vault's audit file device (<see cref="Infra.AuditLogPath"/>, enabled by the Vault configuration) read
    /// out of the container with Docker's archive API, which needs no shell in the image and ignores the file's 0600.
    /// </summary>
    private static KubeDiagnostics Diagnostics(KubeApi kube, IContainer vault, IContainer localStack, Sensitive vaultToken) =>
        new(kube, PodLogSource.Installed,
        [
            new TextLogSource("vault", async (since, until, ct) =>
                ContainerLogs.MaskVaultSecrets(await ContainerTextAsync(vault, since, until, ct), vaultToken.Reveal())),
            new TextLogSource("localstack", (since, until, ct) => ContainerTextAsync(localStack, since, until, ct)),
        ],
        async ct => Encoding.UTF8.GetString(await vault.ReadFileAsync(Infra.AuditLogPath, ct)));

    private static async Task<string> ContainerTextAsync(IContainer container, DateTimeOffset since, DateTimeOffset until, CancellationToken ct)
    {
        var (stdout, stderr) = await container.GetLogsAsync(ContainerLogs.Since(since), ContainerLogs.Until(until), timestampsEnabled: true, ct);
        return stdout + "\n" + stderr;
    }

    private T Track<T>(string name, T container) where T : IContainer
    {
        _containers.Add(container);
        _names[container] = name;
        return container;
    }

    private static async Task StartContainerAsync(string component, IContainer container, CancellationToken token) =>
        await Component(component + " container", container.StartAsync(token));

    private static async Task Component(string component, Task task)
    {
        try
        {
            await task;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw WorldStartException.For(component, e);
        }
    }

    private async Task BuildValidatorImageAsync(string name, bool reuse, CancellationToken token)
    {
        // The build context is a temp folder holding the embedded Dockerfile, so no checkout path is assumed.
        var context = Directory.CreateTempSubdirectory("conformance-validator-");
        await File.WriteAllTextAsync(Path.Combine(context.FullName, "Dockerfile"), ValidatorImageBuild.Dockerfile(), token);
        _validatorImage = new ImageFromDockerfileBuilder()
            .WithDockerfileDirectory(context.FullName)
            .WithDockerfile("Dockerfile")
            .WithName(name)
            .WithBuildArgument("BASE_IMAGE", _options.ValidatorBaseImage)
            .WithCleanUp(!reuse && _options.Keep == KeepPolicy.Never)
            .Build();
        await _validatorImage.CreateAsync(token);
    }

    private async Task ImportValidatorImageAsync(IContainer k3s, string image, CancellationToken token)
    {
        if (_options.ValidatorImage.Length > 0) return; // stock image: K3s pulls it
        var present = await k3s.ExecAsync(["crictl", "inspecti", image], token);
        if (present.ExitCode == 0) return;

        using var docker = TestcontainersSettings.OS.DockerEndpointAuthConfig.GetDockerClientBuilder(Guid.NewGuid()).Build();
        var tar = Path.GetTempFileName();
        try
        {
            await using (var saved = await docker.Images.SaveImageAsync(image, token))
            await using (var file = File.Create(tar))
            {
                await saved.CopyToAsync(file, token);
            }

            await k3s.CopyAsync(await File.ReadAllBytesAsync(tar, token), "/tmp/conformance-validator.tar", ct: token);
            var import = await k3s.ExecAsync(["ctr", "-n", "k8s.io", "images", "import", "/tmp/conformance-validator.tar"], token);
            if (import.ExitCode != 0)
                throw new InvalidOperationException($"ctr images import of {image} exited {import.ExitCode}: {import.Stderr.Trim()}");
        }
        finally
        {
            File.Delete(tar);
        }
    }

    private async Task ConfigureVaultAsync(PlanInputs inputs, Uri address, Sensitive token, CancellationToken cancellationToken)
    {
        var secret = await _kube!.GetAsync(ResourceKinds.PathFor("v1", "Secret", Infra.Namespace, Infra.ReviewerSecret), cancellationToken)
                     ?? throw new InvalidOperationException($"Secret {Infra.Namespace}/{Infra.ReviewerSecret} is missing");
        var jwt = Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]!["token"]!));
        var calls = VaultConfiguration.Calls(inputs with { ReviewerJwt = new Sensitive("reviewer JWT", jwt) });
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var executor = _vaultExecutor(http, address, token);
        foreach (var call in calls)
        {
            _log($"[vault-configuration] {call.Method} /v1/{call.Path}");
            await executor.ExecuteAsync(call, cancellationToken);
        }
    }

    private async Task<BillOfMaterials> BillOfMaterialsAsync(KubeApi kube, string validatorImage, CancellationToken token)
    {
        var containers = _containers.Where(c => _names[c] != "k3s").ToList();
        var version = await kube.GetAsync("/version", token);
        var gitVersion = (string?)version?["gitVersion"] ?? "unknown";
        var components = new List<Component>
        {
            new("k3s", gitVersion, _options.K3sImage, await DigestAsync(_options.K3sImage)),
            new("kubernetes", gitVersion.Split('+')[0]),
        };
        foreach (var container in containers)
        {
            var name = _names[container];
            components.Add(new Component(name, ImageReference.Parse(container.Image.FullName).Tag ?? "", container.Image.FullName,
                await DigestAsync(container.Image.FullName)));
        }

        components.Add(new Component("external-secrets", _options.EsoChartVersion, null,
            await PodImageIdAsync(kube, Infra.EsoNamespace, "external-secrets", token)));
        components.Add(new Component("vault-injector", _options.VaultHelmChartVersion, _options.VaultK8sImage,
            await PodImageIdAsync(kube, Infra.VaultNamespace, "vault-agent-injector", token)));
        components.Add(new Component("vault-agent", ImageReference.Parse(_options.VaultImage).Tag ?? "", _options.VaultImage));
        components.Add(new Component("operator", ImageReference.Parse(_options.OperatorImage).Tag ?? "", _options.OperatorImage,
            await PodImageIdAsync(kube, OperatorManifests.Namespace, OperatorManifests.DeploymentName, token)));
        components.Add(new Component("validator", _options.ValidatorImage.Length > 0 ? "stock" : "built from environments/images/validator",
            validatorImage, _options.ValidatorImage.Length > 0 ? null : _validatorImage?.FullName));
        components.Add(new Component("git-init", _options.GitInitImage.Length > 0 ? _options.GitInitImage : "operator default"));
        return new BillOfMaterials(components);
    }

    /// <summary>The repo digest Docker recorded for an image (null when it has none, e.g. a local build).</summary>
    private static async Task<string?> DigestAsync(string image)
    {
        try
        {
            using var docker = TestcontainersSettings.OS.DockerEndpointAuthConfig.GetDockerClientBuilder(Guid.NewGuid()).Build();
            var inspect = await docker.Images.InspectImageAsync(image);
            var repoDigest = inspect.RepoDigests?.FirstOrDefault();
            return repoDigest?.Split('@').LastOrDefault() ?? inspect.ID;
        }
        catch (Exception)
        {
            return null;
        }
    }

    /// <summary>The imageID (with digest) the kubelet reports for the first container of a Deployment's pods.</summary>
    private static async Task<string?> PodImageIdAsync(KubeApi kube, string ns, string deployment, CancellationToken token)
    {
        var pods = await kube.GetAsync(ResourceKinds.PathFor("v1", "Pod", ns), token);
        return pods?["items"]?.AsArray()
            .Where(p => ((string?)p?["metadata"]?["name"])?.StartsWith(deployment + "-", StringComparison.Ordinal) == true)
            .SelectMany(p => p?["status"]?["containerStatuses"]?.AsArray() ?? [])
            .Select(s => (string?)s?["imageID"]).FirstOrDefault(id => !string.IsNullOrEmpty(id));
    }

    private static string KubernetesCa(string kubeconfig)
    {
        var config = Yaml.LoadAll(kubeconfig)[0];
        var cluster = (Dictionary<string, object?>)((Dictionary<string, object?>)((List<object?>)config["clusters"]!)[0]!)["cluster"]!;
        return Encoding.UTF8.GetString(Convert.FromBase64String((string)cluster["certificate-authority-data"]!));
    }

    private static string RandomSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    /// <summary>Reused worlds need the same secrets every run (Testcontainers reuse hashes the container config).</summary>
    private static string ReuseSecret(string name)
    {
        var dir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "conformance", "reuse");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name);
        if (File.Exists(path)) return File.ReadAllText(path).Trim();
        var value = RandomSecret();
        File.WriteAllText(path, value);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return value;
    }

    /// <summary>Saves every container's logs and the in-cluster controllers' pod logs (best effort).</summary>
    private async Task SaveLogsAsync(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            foreach (var container in _containers.Where(c => c.State == TestcontainersStates.Running))
            {
                var (stdout, stderr) = await container.GetLogsAsync();
                var name = _names[container];
                await File.WriteAllTextAsync(Path.Combine(directory, name + ".log"), stdout + stderr);
            }

            if (_kube is null) return;
            foreach (var ns in new[] { "kube-system", Infra.EsoNamespace, Infra.VaultNamespace, OperatorManifests.Namespace, Infra.SmokeNamespace })
            {
                var pods = await _kube.GetAsync(ResourceKinds.PathFor("v1", "Pod", ns), CancellationToken.None);
                var events = await _kube.GetAsync(ResourceKinds.PathFor("v1", "Event", ns), CancellationToken.None);
                await File.WriteAllTextAsync(Path.Combine(directory, $"{ns}.pods.json"), pods?.ToJsonString() ?? "{}");
                await File.WriteAllTextAsync(Path.Combine(directory, $"{ns}.events.json"), events?.ToJsonString() ?? "{}");
                foreach (var pod in pods?["items"]?.AsArray() ?? [])
                {
                    var podName = (string)pod!["metadata"]!["name"]!;
                    foreach (var container in pod["spec"]?["containers"]?.AsArray() ?? [])
                    {
                        var containerName = (string)container!["name"]!;
                        try
                        {
                            var log = await _kube.GetTextAsync($"/api/v1/namespaces/{ns}/pods/{podName}/log?container={containerName}", CancellationToken.None);
                            await File.WriteAllTextAsync(Path.Combine(directory, $"{ns}.{podName}.{containerName}.log"), log);
                        }
                        catch (Exception)
                        {
                            // A container that never started has no log; keep collecting the others.
                        }
                    }
                }
            }
        }
        catch (Exception e)
        {
            _log($"could not save all logs to {directory}: {e.Message}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        await FreezeDiagnosticsAsync(_diagnostics, _log);
        _kube?.Dispose();
        var keep = _options.Reuse || _options.Keep == KeepPolicy.Always || (_options.Keep == KeepPolicy.OnFailure && _runFailed);
        if (keep)
        {
            _log(_options.Reuse
                ? "k3s world kept for reuse (CONFORMANCE_REUSE=1); remove it with: docker rm -f $(docker ps -aq --filter label=conformance.component)"
                : $"k3s world kept (--keep {_options.Keep}); remove it with: docker rm -f $(docker ps -aq --filter label=conformance.component)");
            return;
        }

        // Reverse order of creation (chainsaw style): containers, then the image, then the network.
        foreach (var container in Enumerable.Reverse(_containers))
        {
            try { await container.DisposeAsync(); }
            catch (Exception e) { _log($"could not remove container {container.Name}: {e.Message}"); }
        }

        if (_validatorImage is not null) await _validatorImage.DisposeAsync();
        if (_network is not null) await _network.DisposeAsync();
    }

    /// <summary>Keeps the run's logs for the report written after the world is gone (bounded: a stop must not hang).</summary>
    internal static async Task FreezeDiagnosticsAsync(KubeDiagnostics? diagnostics, Action<string> log)
    {
        if (diagnostics is null) return;
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await diagnostics.FreezeAsync(budget.Token);
        }
        catch (OperationCanceledException)
        {
            log("could not read the controllers' and containers' logs within 60 s before stopping; controller-logs.txt will lack them");
        }
    }

    private const string SmokeNotebook = """
        {"cells":[{"cell_type":"code","execution_count":null,"metadata":{},"outputs":[],"source":["print('conformance smoke')"]}],
         "metadata":{"kernelspec":{"display_name":"Python 3","language":"python","name":"python3"}},"nbformat":4,"nbformat_minor":5}
        """;
}

/// <summary><c>--env k3s</c> without a reachable Docker daemon: says what was tried and how to fix it.</summary>
public sealed class DockerUnavailableException(DockerProbeResult probe) : Exception(probe.FailureMessage())
{
    public DockerProbeResult Probe { get; } = probe;
}
