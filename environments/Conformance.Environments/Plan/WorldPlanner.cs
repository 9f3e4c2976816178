using Conformance.Environments.Options;

namespace Conformance.Environments.Plan;

/// <summary>
/// Computes what a live world starts, applies and configures, from its options and the run-time inputs. The k3s
/// world and <c>existing --install</c> both apply what this returns; <c>--plan</c> prints it with symbolic inputs.
/// </summary>
public static class WorldPlanner
{
    public const string StepCluster = "cluster";
    public const string StepInfra = "infra";
    public const string StepEso = "external-secrets";
    public const string StepInjector = "vault-injector";
    public const string StepOperator = "operator";
    public const string StepSmoke = "smoke";
    public const string StepSmokeNotebook = "smoke-notebook";

    public static WorldPlan ForK3s(LiveOptions options, PlanInputs inputs, bool smokeNotebook = false) => new(
        "k3s",
        Images(options),
        Containers(options, inputs),
        Steps(options, inputs, includeBridges: true, smokeNotebook),
        VaultConfiguration.Calls(inputs),
        [
            "Containers start in parallel on one Docker network; the validator image builds meanwhile and is imported into K3s with `ctr images import`.",
            "Manifests are applied with server-side apply (field manager 'conformance'); steps whose dependencies are met run in parallel.",
            "Vault configuration runs after step 'infra' (it needs the reviewer JWT and the K3s CA).",
        ]);

    public static IReadOnlyList<string> Images(LiveOptions options) =>
        options.ValidatorImage.Length > 0
            ? [$"validator: stock image {options.ValidatorImage} (nothing built)"]
            : [$"validator: build environments/images/validator/Dockerfile with BASE_IMAGE={options.ValidatorBaseImage} as {PlanInputs.ValidatorImageName(options)}, import into K3s"];

    public static IReadOnlyList<PlannedContainer> Containers(LiveOptions options, PlanInputs inputs) =>
    [
        new("k3s", options.K3sImage, [Infra.K3sAlias], new Dictionary<string, object>(),
            ["server", "--disable=traefik", $"--tls-san={Infra.K3sAlias}"], [Infra.KubeApiPort], Privileged: true,
            "log 'Node controller sync successful', then every Node Ready and kube-system/coredns Available"),
        new("vault", options.VaultImage, [Infra.Vault.Alias], new Dictionary<string, object>
        {
            ["VAULT_DEV_ROOT_TOKEN_ID"] = inputs.VaultRootToken,
            ["VAULT_DEV_LISTEN_ADDRESS"] = $"0.0.0.0:{Infra.Vault.Port}",
            ["VAULT_ADDR"] = $"http://0.0.0.0:{Infra.Vault.Port}",
            ["SKIP_SETCAP"] = "true",
        }, ["server", "-dev"], [Infra.Vault.Port], Privileged: false, "GET /v1/sys/health answers 200"),
        new("localstack", options.LocalStackImage, [Infra.LocalStack.Alias], new Dictionary<string, object>
        {
            ["SERVICES"] = "secretsmanager,sts,iam",
            ["AWS_DEFAULT_REGION"] = "us-east-1",
        }, [], [Infra.LocalStack.Port], Privileged: false, "GET /_localstack/health answers 200 (Testcontainers.LocalStack)"),
        new("postgres", options.PostgresImage, [Infra.Postgres.Alias], new Dictionary<string, object>
        {
            ["POSTGRES_DB"] = Infra.PostgresDatabase,
            ["POSTGRES_USER"] = Infra.PostgresUser,
            ["POSTGRES_PASSWORD"] = inputs.PostgresPassword,
        }, [], [Infra.Postgres.Port], Privileged: false, "pg_isready (Testcontainers.PostgreSql)"),
        new("git", options.GitServerImage, [Infra.Git.Alias], new Dictionary<string, object>(),
            ["/bin/sh", "-c", GitDaemonCommand],
            [Infra.Git.Port], Privileged: false, "log 'Ready to rumble' (git daemon --verbose)"),
    ];

    /// <summary>git daemon speaks the pack protocol, so shallow clones work (dumb HTTP refuses them).</summary>
    public const string GitDaemonCommand =
        "mkdir -p /srv/git && exec git daemon --verbose --reuseaddr --export-all --enable=upload-pack --base-path=/srv/git /srv/git";

    public const string StepValidatorImage = "validator-image";
    public const string StepVaultConfiguration = "vault-configuration";

    public static IReadOnlyList<InstallStep> Steps(LiveOptions options, PlanInputs inputs, bool includeBridges, bool smokeNotebook)
    {
        var steps = new List<InstallStep>
        {
            new(StepCluster, "the cluster is usable before anything is installed", [], [],
                [new NodeReady(), new DeploymentAvailable("kube-system", "coredns")]),
            new(StepInfra, "infra namespace, bridges to the containers, Vault's token reviewer", [StepCluster],
                InfraManifests(inputs, includeBridges),
                [new SecretHasKey(Infra.Namespace, Infra.ReviewerSecret, "token")]),
            new(StepEso, $"External Secrets Operator chart {options.EsoChartVersion} via K3s helm-controller", [StepInfra],
                [EsoChart(options, inputs.AwsInCluster)],
                [
                    new JobComplete("kube-system", "helm-install-" + Infra.EsoRelease),
                    new CrdEstablished("externalsecrets.external-secrets.io"),
                    new CrdEstablished("secretstores.external-secrets.io"),
                    new CrdEstablished("clustersecretstores.external-secrets.io"),
                    new DeploymentAvailable(Infra.EsoNamespace, "external-secrets"),
                    new DeploymentAvailable(Infra.EsoNamespace, "external-secrets-webhook"),
                    new DeploymentAvailable(Infra.EsoNamespace, "external-secrets-cert-controller"),
                ]),
            new(StepInjector, $"Vault Agent injector, vault-helm {options.VaultHelmChartVersion} in external mode", [StepInfra],
                [InjectorChart(options, inputs.VaultInCluster)],
                [
                    new JobComplete("kube-system", "helm-install-" + Infra.VaultRelease),
                    new DeploymentAvailable(Infra.VaultNamespace, "vault-agent-injector"),
                    // Ready does not mean the caBundle is patched (reference/vault.md §1.3 rule 1).
                    new WebhookCaBundle("vault-agent-injector-cfg"),
                ]),
            new(StepOperator, $"notebook validator operator ({options.OperatorImage}) without webhooks", [StepCluster],
                OperatorManifests.Render(options),
                [
                    new CrdEstablished(OperatorManifests.CrdName),
                    new DeploymentAvailable(OperatorManifests.Namespace, OperatorManifests.DeploymentName),
                ]),
            new(StepSmoke, "ESO reaches LocalStack and Vault through the bridges (after the Vault configuration)",
                [StepEso, StepVaultConfiguration], SmokeManifests(inputs),
                [
                    new ConditionTrue("external-secrets.io/v1", "ClusterSecretStore", null, "conformance-localstack", "Ready"),
                    new ConditionTrue("external-secrets.io/v1", "ClusterSecretStore", null, "conformance-vault", "Ready"),
                    new ConditionTrue("external-secrets.io/v1", "ExternalSecret", Infra.SmokeNamespace, "conformance-vault-smoke", "Ready"),
                ]),
        };

        if (smokeNotebook)
        {
            steps.Add(new(StepSmokeNotebook, "one NotebookValidationJob runs the validator image end to end",
                [StepOperator, StepSmoke, StepValidatorImage], [SmokeNotebookJob(inputs)],
                [new FieldEquals("mlops.mlops.dev/v1alpha1", "NotebookValidationJob", Infra.SmokeNamespace, "conformance-smoke",
                    "status.phase", "Succeeded", "Failed")]));
        }

        return steps;
    }

    private static Dictionary<string, object?> Meta(string name, string? ns = null, Dictionary<string, object?>? labels = null,
        Dictionary<string, object?>? annotations = null)
    {
        var meta = new Dictionary<string, object?> { ["name"] = name };
        if (ns is not null) meta["namespace"] = ns;
        if (labels is not null) meta["labels"] = labels;
        if (annotations is not null) meta["annotations"] = annotations;
        return meta;
    }

    private static Manifest M(string apiVersion, string kind, Dictionary<string, object?> metadata, params (string Key, object? Value)[] rest)
    {
        var tree = new Dictionary<string, object?> { ["apiVersion"] = apiVersion, ["kind"] = kind, ["metadata"] = metadata };
        foreach (var (key, value) in rest) tree[key] = value;
        return new Manifest(tree);
    }

    public static IReadOnlyList<Manifest> InfraManifests(PlanInputs inputs, bool includeBridges)
    {
        var list = new List<Manifest>
        {
            M("v1", "Namespace", Meta(Infra.Namespace, labels: new() { ["app.kubernetes.io/part-of"] = "conformance" })),
            M("v1", "Namespace", Meta(Infra.SmokeNamespace, labels: new() { ["app.kubernetes.io/part-of"] = "conformance" })),
        };

        if (includeBridges)
        {
            foreach (var bridge in Infra.Bridges)
            {
                var port = new Dictionary<string, object?> { ["name"] = bridge.PortName, ["protocol"] = "TCP", ["port"] = (long)bridge.Port };
                // Selector-less Service + EndpointSlice: a stable in-cluster name for a container IP (reference/vault.md §5.2).
                list.Add(M("v1", "Service", Meta(bridge.Name, Infra.Namespace),
                    ("spec", new Dictionary<string, object?> { ["ports"] = new List<object?> { port } })));
                list.Add(M("discovery.k8s.io/v1", "EndpointSlice",
                    Meta(bridge.Name + "-bridge", Infra.Namespace, new()
                    {
                        ["kubernetes.io/service-name"] = bridge.Name,
                        ["endpointslice.kubernetes.io/managed-by"] = "conformance.harness",
                    }),
                    ("addressType", "IPv4"),
                    ("ports", new List<object?> { new Dictionary<string, object?> { ["name"] = bridge.PortName, ["protocol"] = "TCP", ["port"] = (long)bridge.Port } }),
                    ("endpoints", new List<object?>
                    {
                        new Dictionary<string, object?>
                        {
                            ["addresses"] = new List<object?> { inputs.BridgeAddresses[bridge.Name] },
                            ["conditions"] = new Dictionary<string, object?> { ["ready"] = true },
                        },
                    })));
            }
        }

        // Vault's TokenReview identity: option (a) of reference/vault.md §5.1.
        list.Add(M("v1", "ServiceAccount", Meta(Infra.ReviewerServiceAccount, Infra.Namespace)));
        list.Add(M("v1", "Secret", Meta(Infra.ReviewerSecret, Infra.Namespace,
                annotations: new() { ["kubernetes.io/service-account.name"] = Infra.ReviewerServiceAccount }),
            ("type", "kubernetes.io/service-account-token")));
        list.Add(M("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", Meta("conformance-vault-auth-delegator"),
            ("roleRef", new Dictionary<string, object?>
            {
                ["apiGroup"] = "rbac.authorization.k8s.io", ["kind"] = "ClusterRole", ["name"] = "system:auth-delegator",
            }),
            ("subjects", new List<object?>
            {
                new Dictionary<string, object?> { ["kind"] = "ServiceAccount", ["name"] = Infra.ReviewerServiceAccount, ["namespace"] = Infra.Namespace },
            })));
        return list;
    }

    public static Manifest EsoChart(LiveOptions options, Uri? awsEndpoint) =>
        M("helm.cattle.io/v1", "HelmChart", Meta(Infra.EsoRelease, "kube-system"),
            ("spec", new Dictionary<string, object?>
            {
                ["repo"] = LiveDefaults.EsoChartRepo,
                ["chart"] = "external-secrets",
                ["version"] = options.EsoChartVersion,
                ["targetNamespace"] = Infra.EsoNamespace,
                ["createNamespace"] = true,
                // ESO has no endpoint field; the controller-wide env vars point it at LocalStack (reference/eso.md §3a).
                ["valuesContent"] = Yaml.Dump(EsoValues(awsEndpoint)),
            }));

    private static Dictionary<string, object?> EsoValues(Uri? awsEndpoint)
    {
        var values = new Dictionary<string, object?>
        {
            ["installCRDs"] = true,
            ["log"] = new Dictionary<string, object?> { ["level"] = "debug" },
        };
        if (awsEndpoint is not null)
        {
            var endpoint = awsEndpoint.ToString().TrimEnd('/');
            values["extraEnv"] = new List<object?>
            {
                new Dictionary<string, object?> { ["name"] = "AWS_SECRETSMANAGER_ENDPOINT", ["value"] = endpoint },
                new Dictionary<string, object?> { ["name"] = "AWS_STS_ENDPOINT", ["value"] = endpoint },
            };
        }

        return values;
    }

    public static Manifest InjectorChart(LiveOptions options, Uri vaultInCluster)
    {
        var agent = ImageReference.Parse(options.VaultImage);
        var injector = ImageReference.Parse(options.VaultK8sImage);
        return M("helm.cattle.io/v1", "HelmChart", Meta(Infra.VaultRelease, "kube-system"),
            ("spec", new Dictionary<string, object?>
            {
                ["repo"] = LiveDefaults.VaultHelmChartRepo,
                ["chart"] = "vault",
                ["version"] = options.VaultHelmChartVersion,
                ["targetNamespace"] = Infra.VaultNamespace,
                ["createNamespace"] = true,
                ["valuesContent"] = Yaml.Dump(new Dictionary<string, object?>
                {
                    // Either external address key sets mode=external: no server StatefulSet (reference/vault.md §1.3).
                    ["global"] = new Dictionary<string, object?> { ["externalVaultAddr"] = vaultInCluster.ToString().TrimEnd('/') },
                    ["injector"] = new Dictionary<string, object?>
                    {
                        ["image"] = new Dictionary<string, object?> { ["repository"] = injector.Repository, ["tag"] = injector.Tag },
                        ["agentImage"] = new Dictionary<string, object?> { ["repository"] = agent.Repository, ["tag"] = agent.Tag },
                        ["logLevel"] = "debug",
                        ["webhook"] = new Dictionary<string, object?>
                        {
                            // Ignore would create un-injected pods silently (reference/vault.md §1.3 rule 2).
                            ["failurePolicy"] = "Fail",
                            // With Fail, keep the infrastructure namespaces out of the webhook's way.
                            ["namespaceSelector"] = new Dictionary<string, object?>
                            {
                                ["matchExpressions"] = new List<object?>
                                {
                                    new Dictionary<string, object?>
                                    {
                                        ["key"] = "kubernetes.io/metadata.name",
                                        ["operator"] = "NotIn",
                                        ["values"] = new List<object?>
                                        {
                                            "kube-system", "kube-public", "kube-node-lease", Infra.VaultNamespace, Infra.EsoNamespace,
                                            OperatorManifests.Namespace, Infra.Namespace,
                                        },
                                    },
                                },
                            },
                        },
                    },
                    ["server"] = new Dictionary<string, object?>
                    {
                        // The reviewer identity is ours (conformance-infra/vault-auth), not the chart's.
                        ["serviceAccount"] = new Dictionary<string, object?> { ["createSecret"] = false },
                    },
                }),
            }));
    }

    public static IReadOnlyList<Manifest> SmokeManifests(PlanInputs inputs) =>
    [
        M("v1", "Secret", Meta("conformance-localstack-credentials", Infra.Namespace), ("type", "Opaque"),
            ("stringData", new Dictionary<string, object?> { ["access-key-id"] = inputs.AwsAccessKeyId, ["secret-access-key"] = inputs.AwsSecretAccessKey })),
        M("v1", "Secret", Meta("conformance-vault-token", Infra.Namespace), ("type", "Opaque"),
            ("stringData", new Dictionary<string, object?> { ["token"] = inputs.VaultRootToken })),
        M("external-secrets.io/v1", "ClusterSecretStore", Meta("conformance-localstack"),
            ("spec", new Dictionary<string, object?>
            {
                ["provider"] = new Dictionary<string, object?>
                {
                    ["aws"] = new Dictionary<string, object?>
                    {
                        ["service"] = "SecretsManager",
                        ["region"] = "us-east-1",
                        ["auth"] = new Dictionary<string, object?>
                        {
                            // ClusterSecretStore selectors need a namespace (reference/eso.md §3a).
                            ["secretRef"] = new Dictionary<string, object?>
                            {
                                ["accessKeyIDSecretRef"] = new Dictionary<string, object?> { ["name"] = "conformance-localstack-credentials", ["key"] = "access-key-id", ["namespace"] = Infra.Namespace },
                                ["secretAccessKeySecretRef"] = new Dictionary<string, object?> { ["name"] = "conformance-localstack-credentials", ["key"] = "secret-access-key", ["namespace"] = Infra.Namespace },
                            },
                        },
                    },
                },
            })),
        M("external-secrets.io/v1", "ClusterSecretStore", Meta("conformance-vault"),
            ("spec", new Dictionary<string, object?>
            {
                ["provider"] = new Dictionary<string, object?>
                {
                    ["vault"] = new Dictionary<string, object?>
                    {
                        ["server"] = inputs.VaultInCluster.ToString().TrimEnd('/'),
                        ["path"] = VaultConfiguration.KvMount,
                        ["version"] = "v2",
                        ["auth"] = new Dictionary<string, object?>
                        {
                            ["tokenSecretRef"] = new Dictionary<string, object?> { ["name"] = "conformance-vault-token", ["key"] = "token", ["namespace"] = Infra.Namespace },
                        },
                    },
                },
            })),
        M("external-secrets.io/v1", "ExternalSecret", Meta("conformance-vault-smoke", Infra.SmokeNamespace),
            ("spec", new Dictionary<string, object?>
            {
                ["refreshInterval"] = "1h",
                ["secretStoreRef"] = new Dictionary<string, object?> { ["kind"] = "ClusterSecretStore", ["name"] = "conformance-vault" },
                ["target"] = new Dictionary<string, object?> { ["name"] = "conformance-vault-smoke", ["creationPolicy"] = "Owner" },
                ["data"] = new List<object?>
                {
                    new Dictionary<string, object?>
                    {
                        ["secretKey"] = "probe",
                        ["remoteRef"] = new Dictionary<string, object?> { ["key"] = "conformance/smoke", ["property"] = "probe" },
                    },
                },
            })),
    ];

    public const string SmokeNotebookRepository = "conformance-smoke";

    public static Manifest SmokeNotebookJob(PlanInputs inputs) =>
        M("mlops.mlops.dev/v1alpha1", "NotebookValidationJob", Meta("conformance-smoke", Infra.SmokeNamespace),
            ("spec", new Dictionary<string, object?>
            {
                ["notebook"] = new Dictionary<string, object?>
                {
                    ["git"] = new Dictionary<string, object?>
                    {
                        ["url"] = $"git://{Infra.Git.ServiceHost}:{Infra.Git.Port}/{SmokeNotebookRepository}.git",
                        ["ref"] = "main",
                    },
                    ["path"] = "smoke.ipynb",
                },
                ["podConfig"] = new Dictionary<string, object?>
                {
                    ["containerImage"] = inputs.ValidatorImage,
                    ["serviceAccountName"] = "default",
                },
                ["timeout"] = "10m",
            }));
}

/// <summary>Waits until a field of an object has a value; fails fast when it has a failure value.</summary>
public sealed record FieldEquals(string ApiVersion, string Kind, string? Namespace, string Name, string Field, string Expected, string FailOn)
    : WaitSpec
{
    public override string Describe =>
        $"{Kind} {(Namespace is null ? "" : Namespace + "/")}{Name} {Field} = {Expected} (fail fast on {FailOn})";
}
