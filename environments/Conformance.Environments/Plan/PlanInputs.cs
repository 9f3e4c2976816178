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
