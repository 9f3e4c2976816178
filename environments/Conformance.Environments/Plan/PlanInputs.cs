using Conformance.Environments.Options;

namespace Conformance.Environments.Plan;

/// <summary>
/// The values a plan needs that only exist once containers run. <see cref="Symbolic"/> gives stable placeholders so
/// that <c>--plan</c> is deterministic and shows no secret; the k3s world fills in the real values and applies the
/// very same plan.
/// </summary>
public sealed record PlanInputs(
    IReadOnlyDictionary<string, string> BridgeAddresses,
    Sensitive VaultRootToken,
    Sensitive PostgresPassword,
    Sensitive ReviewerJwt,
    Sensitive AwsAccessKeyId,
    Sensitive AwsSecretAccessKey,
    string KubernetesCaPem,
    string ValidatorImage)
{
    /// <summary>The API server as Vault reaches it (TokenReview); the K3s alias by default (reference/vault.md §5.1).</summary>
    public string KubernetesHost { get; init; } = $"https://{Infra.K3sAlias}:{Infra.KubeApiPort}";

    /// <summary>Postgres as Vault's database engine reaches it; the Docker alias by default.</summary>
    public string PostgresHostPort { get; init; } = $"{Infra.Postgres.Alias}:{Infra.Postgres.Port}";

    public string PostgresDatabase { get; init; } = Infra.PostgresDatabase;

    public string PostgresUser { get; init; } = Infra.PostgresUser;

    /// <summary>Where Vault's file audit device writes; the container path by default, a work folder on the twin.</summary>
    public string AuditLogPath { get; init; } = Infra.AuditLogPath;

    /// <summary>Vault as pods reach it (the injector's externalVaultAddr, ESO stores).</summary>
    public Uri VaultInCluster { get; init; } = Infra.Vault.InClusterUri();

    /// <summary>AWS as ESO reaches it; null means real AWS (no endpoint override).</summary>
    public Uri? AwsInCluster { get; init; } = Infra.LocalStack.InClusterUri();

    public static PlanInputs Symbolic(LiveOptions options) => new(
        Infra.Bridges.ToDictionary(b => b.Name, b => $"<{b.Name} container IP on the run's network>"),
        Sensitive.Placeholder("vault root token: random per run"),
        Sensitive.Placeholder("postgres password: random per run"),
        Sensitive.Placeholder($"reviewer JWT: data.token of Secret {Infra.Namespace}/{Infra.ReviewerSecret}"),
        Sensitive.Placeholder("localstack access key id"),
        Sensitive.Placeholder("localstack secret access key"),
        "<K3s cluster CA: certificate-authority-data of the kubeconfig, PEM>",
        ValidatorImageName(options));

    /// <summary>The validator image pods run: the stock one when given, else the one built from the repo's Dockerfile.</summary>
    public static string ValidatorImageName(LiveOptions options) =>
        options.ValidatorImage.Length > 0 ? options.ValidatorImage : ValidatorImageBuild.ImageName(options);
}
