using System.Text;
using System.Text.Json.Nodes;
using Conformance.Environments.Live;
using Conformance.Environments.Options;
using Conformance.Environments.Plan;
using Conformance.Fixtures.Worlds;

namespace Conformance.Environments.Existing;

/// <summary>
/// A bring-your-own world: a cluster from KUBECONFIG (context selectable) and endpoints from environment variables.
/// It checks what is installed (CRDs and their served versions, controllers Available) and reports what is missing
/// with the command to install it; with <c>--install</c> it applies the very steps the k3s world applies.
/// </summary>
public sealed class ExistingWorld(LiveOptions options, TimeProvider? time = null, Action<string>? log = null) : IWorldEnvironment
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Action<string> _log = log ?? Console.Error.WriteLine;
    private KubeApi? _diagnosticsKube;
    private KubeDiagnostics? _diagnostics;

    /// <summary>Why evidence of an existing world has no Vault audit lines (docs/live-worlds.md).</summary>
    public const string AuditUnavailable =
        "the existing world does not read Vault's audit log: its device writes inside the Vault server (a file, socket or syslog) "
        + "that the harness cannot reach through Vault's API; read it on the Vault host for the scenario's window";

    public const string ComponentOperator = "operator";
    public const string ComponentEso = "external-secrets";
    public const string ComponentInjector = "vault-injector";
    public const string ComponentVault = "vault";
    public const string ComponentAws = "aws";
    public const string ComponentPostgres = "postgres";
    public const string ComponentNotebooks = "notebook-git";

    public string Name => "existing";

    public string KubeconfigPath => options.Kubeconfig.Length > 0
        ? options.Kubeconfig.Split(Path.PathSeparator)[0]
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");

    public string Plan()
    {
        var inputs = Inputs(null);
        var steps = options.Install
            ? WorldPlanner.Steps(options, inputs, includeBridges: false, smokeNotebook: false)
                .Where(s => s.Component is not WorldPlanner.StepSmoke).ToList()
            : [];
        var notes = new List<string>
        {
            $"Connects to the cluster of {KubeconfigPath}{(options.KubeContext.Length > 0 ? $" (context {options.KubeContext})" : "")}; starts no containers.",
            "Checks: CRDs present with served versions (operator v1alpha1, ESO v1), controllers Available, Vault /v1/sys/health, endpoints configured.",
            options.Install
                ? "--install: applies the steps below for each missing component, then the Vault configuration when CONFORMANCE_VAULT_ADDR is set."
                : "Installs nothing (add --install to apply what is missing).",
        };
        var calls = options.Install && options.VaultAddress.Length > 0 ? VaultConfiguration.Calls(inputs) : [];
        return PlanWriter.Write(new WorldPlan("existing", [], [], steps, calls, notes));
    }

    private PlanInputs Inputs(string? kubernetesHost)
    {
        var symbolic = PlanInputs.Symbolic(options);
        var inputs = symbolic with
        {
            KubernetesHost = kubernetesHost ?? "<API server URL of the kubeconfig>",
            VaultInCluster = new Uri(FirstNonEmpty(options.VaultInClusterAddress, options.VaultAddress, "http://vault.vault.svc:8200")),
            AwsInCluster = FirstNonEmpty(options.AwsInClusterEndpoint, options.AwsEndpoint) is { Length: > 0 } aws ? new Uri(aws) : null,
        };
        if (TryParseDsn(options.PostgresDsn) is { } dsn)
        {
            inputs = inputs with { PostgresHostPort = $"{dsn.Host}:{dsn.Port}", PostgresDatabase = dsn.Database, PostgresUser = dsn.User };
        }

        return inputs;
    }

    private static string FirstNonEmpty(params string[] values) => values.FirstOrDefault(v => v.Length > 0) ?? "";

    public async Task<World> StartAsync(CancellationToken cancellationToken)
    {
        using var kube = Connect();
        var report = await CheckAsync(kube, cancellationToken);
        _log(report.Describe());

        if (options.Install && report.Missing.Any(m => m.Component is ComponentOperator or ComponentEso or ComponentInjector))
        {
            await InstallAsync(kube, report, cancellationToken);
            report = await CheckAsync(kube, cancellationToken);
            _log(report.Describe());
        }

        var capabilities = new Capabilities().Has(Capability.Kubernetes).Has(Capability.PodSecurityAdmission);
        void Map(string component, params string[] capabilityNames)
        {
            var status = report.Find(component)!;
            foreach (var name in capabilityNames)
            {
                if (status.Present) capabilities.Has(name);
                else capabilities.Lacks(name, $"existing world: {status.Observed}" + (status.InstallCommand is null ? "" : $" (install: {status.InstallCommand})"));
            }
        }

        Map(ComponentOperator, Capability.Operator);
        Map(ComponentEso, Capability.ExternalSecrets);
        Map(ComponentInjector, Capability.VaultInjector);
        Map(ComponentVault, Capability.Vault);
        Map(ComponentAws, Capability.Aws);
        Map(ComponentPostgres, Capability.Postgres, Capability.VaultDatabase);

        var version = await kube.GetAsync("/version", cancellationToken);
        var dsn = TryParseDsn(options.PostgresDsn);
        var diagnostics = await DiagnosticsAsync(kube, report, cancellationToken);
        return new World
        {
            Environment = "existing",
            Kube = new KubeEndpoint(KubeconfigPath, options.KubeContext.Length > 0 ? options.KubeContext : null),
            Vault = options.VaultAddress.Length > 0
                ? new VaultEndpoint(new Uri(options.VaultAddress), Inputs(null).VaultInCluster, options.VaultToken)
                : null,
            Aws = options.AwsEndpoint.Length > 0
                ? new AwsEndpoint(new Uri(options.AwsEndpoint), Inputs(null).AwsInCluster ?? new Uri(options.AwsEndpoint),
                    options.AwsRegion, options.AwsAccessKeyId, options.AwsSecretAccessKey)
                : null,
            Postgres = dsn is null ? null : new PostgresEndpoint(options.PostgresDsn, dsn.Host, dsn.Port, dsn.Database),
            Notebooks = options.NotebookGitBase.Length > 0 ? new GitPushNotebookSource(new Uri(options.NotebookGitBase)) : new MissingNotebookSource(),
            Bom = new BillOfMaterials(
                [
                    new Component("kubernetes", (string?)version?["gitVersion"] ?? "unknown"),
                    .. report.Components.Where(c => c.Present).Select(c => new Component(c.Component, c.Version ?? "unknown")),
                ]),
            Qualifies = true,
            Capabilities = capabilities,
            Diagnostics = diagnostics,
        };
    }

    /// <summary>Controller logs of the controllers found running, wherever they were installed; no Vault audit.</summary>
    private async Task<KubeDiagnostics> DiagnosticsAsync(KubeApi kube, InstallationReport report, CancellationToken cancellationToken)
    {
        var deployments = (await kube.GetAsync("/apis/apps/v1/deployments", cancellationToken))?["items"]?.AsArray() ?? [];
        var sources = new List<PodLogSource>();
        foreach (var (component, marker) in new[]
                 {
                     (ComponentOperator, OperatorImageMarker), (ComponentEso, EsoImageMarker), (ComponentInjector, InjectorImageMarker),
                 })
        {
            if (report.Find(component)?.Present != true) continue;
            if (DeployedLogSources.Find(deployments, component, marker) is { } source) sources.Add(source);
            else _log($"existing world: no Deployment of {component} with matchLabels found; its logs are not collected");
        }

        _log($"existing world: controller logs from {(sources.Count == 0 ? "none" : string.Join(", ", sources.Select(s => $"{s.Component} ({s.Namespace}, {s.LabelSelector})")))}; "
             + "no Vault audit lines (the audit device is not reachable from the harness)");
        _diagnosticsKube?.Dispose();
        _diagnosticsKube = Connect();
        return _diagnostics = new KubeDiagnostics(_diagnosticsKube, sources, auditUnavailable: AuditUnavailable);
    }

    private const string OperatorImageMarker = "jupyter-notebook-validator-operator";
    private const string EsoImageMarker = "external-secrets/external-secrets";
    private const string InjectorImageMarker = "vault-k8s";

    private KubeApi Connect()
    {
        var path = KubeconfigPath;
        if (!File.Exists(path))
            throw new ExistingWorldException($"kubeconfig '{path}' does not exist: set KUBECONFIG (or --kubeconfig) to your cluster's kubeconfig");
        try
        {
            return KubeApi.FromKubeconfig(path, options.KubeContext);
        }
        catch (Exception e) when (e is not ExistingWorldException)
        {
            throw new ExistingWorldException(
                $"cannot use kubeconfig '{path}'{(options.KubeContext.Length > 0 ? $" context '{options.KubeContext}'" : "")}: {e.Message}", e);
        }
    }

    /// <summary>Connects and checks every component; unreachable clusters fail with the server, file and context.</summary>
    public async Task<InstallationReport> CheckAsync(CancellationToken cancellationToken)
    {
        using var kube = Connect();
        return await CheckAsync(kube, cancellationToken);
    }

    private async Task<InstallationReport> CheckAsync(KubeApi kube, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(10));
        JsonNode? version;
        try
        {
            version = await kube.GetAsync("/version", deadline.Token);
        }
        catch (Exception e) when (e is KubeUnreachableException or OperationCanceledException or KubeApiException)
        {
            throw new ExistingWorldException(
                $"the Kubernetes API at {kube.BaseUri} (kubeconfig '{KubeconfigPath}'"
                + (options.KubeContext.Length > 0 ? $", context '{options.KubeContext}'" : ", current context")
                + $") is unreachable: {e switch { OperationCanceledException => "no answer within 10s", KubeUnreachableException u => u.InnerException?.Message, _ => e.Message }}. "
                + "Check that the cluster is running and KUBECONFIG / CONFORMANCE_KUBE_CONTEXT select it.", e);
        }

        var deployments = (await kube.GetAsync("/apis/apps/v1/deployments", cancellationToken))?["items"]?.AsArray() ?? [];
        var components = new List<ComponentStatus>
        {
            await CrdAndControllerAsync(kube, deployments, ComponentOperator,
                [(OperatorManifests.CrdName, "v1alpha1")], OperatorImageMarker,
                "./run-e2e.sh --env existing --install   (the operator's config/default needs cert-manager; ours installs it without webhooks)",
                cancellationToken),
            await CrdAndControllerAsync(kube, deployments, ComponentEso,
                [("externalsecrets.external-secrets.io", "v1"), ("secretstores.external-secrets.io", "v1"), ("clustersecretstores.external-secrets.io", "v1")],
                EsoImageMarker,
                $"helm install external-secrets external-secrets --repo {LiveDefaults.EsoChartRepo} --version {options.EsoChartVersion} "
                + "-n external-secrets --create-namespace --set installCRDs=true",
                cancellationToken),
            await InjectorAsync(kube, deployments, cancellationToken),
            await VaultAsync(cancellationToken),
            options.AwsEndpoint.Length > 0
                ? new ComponentStatus(ComponentAws, true, $"endpoint {options.AwsEndpoint}, region {options.AwsRegion}", null)
                : new ComponentStatus(ComponentAws, false, "CONFORMANCE_AWS_ENDPOINT is not set", "set CONFORMANCE_AWS_ENDPOINT, CONFORMANCE_AWS_ACCESS_KEY_ID, CONFORMANCE_AWS_SECRET_ACCESS_KEY"),
            TryParseDsn(options.PostgresDsn) is { } dsn
                ? new ComponentStatus(ComponentPostgres, true, $"{dsn.Host}:{dsn.Port}/{dsn.Database}", null)
                : new ComponentStatus(ComponentPostgres, false, "CONFORMANCE_POSTGRES_DSN is not set (or not postgresql://user:pw@host:port/db)", "set CONFORMANCE_POSTGRES_DSN"),
            options.NotebookGitBase.Length > 0
                ? new ComponentStatus(ComponentNotebooks, true, options.NotebookGitBase, null)
                : new ComponentStatus(ComponentNotebooks, false, "CONFORMANCE_NOTEBOOK_GIT_BASE is not set", "set CONFORMANCE_NOTEBOOK_GIT_BASE to a git server pods can clone from"),
        };
        return new InstallationReport(kube.BaseUri.ToString(), components);
    }

    private static async Task<ComponentStatus> CrdAndControllerAsync(KubeApi kube, JsonArray deployments, string component,
        (string Crd, string Version)[] crds, string imageMarker, string install, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var (crd, version) in crds)
        {
            var found = await kube.GetAsync(ResourceKinds.PathFor("apiextensions.k8s.io/v1", "CustomResourceDefinition", null, crd), cancellationToken);
            if (found is null)
            {
                problems.Add($"CRD {crd} missing");
                continue;
            }

            var served = found["spec"]?["versions"]?.AsArray().Where(v => (bool?)v?["served"] == true).Select(v => (string?)v?["name"]).ToList() ?? [];
            if (!served.Contains(version)) problems.Add($"CRD {crd} serves [{string.Join(", ", served)}], not {version}");
        }

        var controller = FindDeployment(deployments, imageMarker);
        if (controller is null) problems.Add($"no Deployment runs an image containing '{imageMarker}'");
        else if (!controller.Value.Available) problems.Add($"Deployment {controller.Value.Name} is not Available");
        return problems.Count == 0
            ? new ComponentStatus(component, true, $"CRDs served, {controller!.Value.Name} Available ({controller.Value.Image})", null, Tag(controller.Value.Image))
            : new ComponentStatus(component, false, string.Join("; ", problems), install);
    }

    private async Task<ComponentStatus> InjectorAsync(KubeApi kube, JsonArray deployments, CancellationToken cancellationToken)
    {
        var install = $"helm install vault vault --repo {LiveDefaults.VaultHelmChartRepo} --version {options.VaultHelmChartVersion} -n vault "
                      + $"--create-namespace --set global.externalVaultAddr={FirstNonEmpty(options.VaultInClusterAddress, options.VaultAddress, "<vault address from pods>")} "
                      + "--set injector.webhook.failurePolicy=Fail";
        var webhooks = (await kube.GetAsync("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations", cancellationToken))?["items"]?.AsArray() ?? [];
        var injector = webhooks.SelectMany(w => w?["webhooks"]?.AsArray() ?? []).FirstOrDefault(w => (string?)w?["name"] == "vault.hashicorp.com");
        var controller = FindDeployment(deployments, InjectorImageMarker);
        var problems = new List<string>();
        if (injector is null) problems.Add("no MutatingWebhookConfiguration has webhook vault.hashicorp.com");
        else if (string.IsNullOrEmpty((string?)injector["clientConfig"]?["caBundle"])) problems.Add("webhook vault.hashicorp.com has an empty caBundle");
        if (controller is null) problems.Add("no Deployment runs hashicorp/vault-k8s");
        else if (!controller.Value.Available) problems.Add($"Deployment {controller.Value.Name} is not Available");
        return problems.Count == 0
            ? new ComponentStatus(ComponentInjector, true, $"webhook ready, {controller!.Value.Name} Available ({controller.Value.Image})", null, Tag(controller.Value.Image))
            : new ComponentStatus(ComponentInjector, false, string.Join("; ", problems), install);
    }

    private async Task<ComponentStatus> VaultAsync(CancellationToken cancellationToken)
    {
        if (options.VaultAddress.Length == 0)
            return new ComponentStatus(ComponentVault, false, "CONFORMANCE_VAULT_ADDR is not set", "set CONFORMANCE_VAULT_ADDR and CONFORMANCE_VAULT_TOKEN");
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var health = JsonNode.Parse(await http.GetStringAsync(new Uri(new Uri(options.VaultAddress), "/v1/sys/health"), cancellationToken));
            var version = (string?)health?["version"];
            return options.VaultToken.Length == 0
                ? new ComponentStatus(ComponentVault, false, $"Vault {version} answers but CONFORMANCE_VAULT_TOKEN is not set", "set CONFORMANCE_VAULT_TOKEN")
                : new ComponentStatus(ComponentVault, true, $"Vault {version} healthy at {options.VaultAddress}", null, version);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return new ComponentStatus(ComponentVault, false, $"GET {options.VaultAddress}/v1/sys/health failed: {e.Message}",
                "check CONFORMANCE_VAULT_ADDR (Vault must be initialized, unsealed and reachable)");
        }
    }

    private static (string Name, string Image, bool Available)? FindDeployment(JsonArray deployments, string imageMarker)
    {
        foreach (var d in deployments)
        {
            var image = d?["spec"]?["template"]?["spec"]?["containers"]?.AsArray()
                .Select(c => (string?)c?["image"]).FirstOrDefault(i => i?.Contains(imageMarker, StringComparison.Ordinal) == true);
            if (image is null) continue;
            var available = d?["status"]?["conditions"]?.AsArray()
                .Any(c => (string?)c?["type"] == "Available" && (string?)c?["status"] == "True") == true;
            return ($"{d?["metadata"]?["namespace"]}/{d?["metadata"]?["name"]}", image, available);
        }

        return null;
    }

    private static string? Tag(string image) => ImageReference.TryParse(image, out var r, out _) ? r!.Tag : null;

    private async Task InstallAsync(KubeApi kube, InstallationReport report, CancellationToken cancellationToken)
    {
        var missing = report.Missing.Select(m => m.Component).ToHashSet();
        var inputs = Inputs(kube.BaseUri.ToString().TrimEnd('/'));
        var wanted = new HashSet<string> { WorldPlanner.StepCluster, WorldPlanner.StepInfra };
        if (missing.Contains(ComponentOperator)) wanted.Add(WorldPlanner.StepOperator);
        if (missing.Contains(ComponentEso)) wanted.Add(WorldPlanner.StepEso);
        if (missing.Contains(ComponentInjector)) wanted.Add(WorldPlanner.StepInjector);
        var steps = WorldPlanner.Steps(options, inputs, includeBridges: false, smokeNotebook: false)
            .Where(s => wanted.Contains(s.Component)).ToList();

        var actions = new List<ActionStep>();
        if (options.VaultAddress.Length > 0 && options.VaultToken.Length > 0)
        {
            actions.Add(new ActionStep(WorldPlanner.StepVaultConfiguration, [WorldPlanner.StepInfra], async ct =>
            {
                var secret = await kube.GetAsync(ResourceKinds.PathFor("v1", "Secret", Infra.Namespace, Infra.ReviewerSecret), ct);
                var jwt = Encoding.UTF8.GetString(Convert.FromBase64String((string)secret!["data"]!["token"]!));
                var ca = CaFromKubeconfig();
                var token = new Sensitive("vault token", options.VaultToken);
                using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
                var executor = new HttpVaultCallExecutor(http, new Uri(options.VaultAddress), token);
                foreach (var call in VaultConfiguration.Calls(inputs with
                         {
                             ReviewerJwt = new Sensitive("reviewer JWT", jwt),
                             KubernetesCaPem = ca,
                             PostgresPassword = new Sensitive("postgres password", TryParseDsn(options.PostgresDsn)?.Password ?? ""),
                         }).Where(c => TryParseDsn(options.PostgresDsn) is not null || !VaultConfiguration.IsDatabaseCall(c)))
                {
                    await executor.ExecuteAsync(call, ct);
                }
            }));
        }

        _log($"--install: applying steps {string.Join(", ", steps.Select(s => s.Component))}");
        await new PlanRunner(kube, _time, _log).RunAsync(steps, actions, options.StartupTimeout, cancellationToken);
    }

    private string CaFromKubeconfig()
    {
        var config = Yaml.LoadAll(File.ReadAllText(KubeconfigPath))[0];
        var clusters = (List<object?>)config["clusters"]!;
        var cluster = (Dictionary<string, object?>)((Dictionary<string, object?>)clusters[0]!)["cluster"]!;
        return cluster.TryGetValue("certificate-authority-data", out var data) && data is string b64
            ? Encoding.UTF8.GetString(Convert.FromBase64String(b64))
            : throw new ExistingWorldException("the kubeconfig has no certificate-authority-data for Vault's Kubernetes auth");
    }

    internal sealed record Dsn(string Host, int Port, string Database, string User, string Password);

    /// <summary>postgresql://user:password@host:port/database (the password never leaves this record).</summary>
    internal static Dsn? TryParseDsn(string dsn)
    {
        if (!Uri.TryCreate(dsn, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgres" or "postgresql")) return null;
        var userInfo = Uri.UnescapeDataString(uri.UserInfo).Split(':', 2);
        return new Dsn(uri.Host, uri.Port > 0 ? uri.Port : 5432, uri.AbsolutePath.Trim('/'), userInfo[0], userInfo.Length > 1 ? userInfo[1] : "");
    }

    public async ValueTask DisposeAsync()
    {
        await K3s.K3sWorld.FreezeDiagnosticsAsync(_diagnostics, _log);
        _diagnosticsKube?.Dispose();
        _diagnosticsKube = null;
    }
}
