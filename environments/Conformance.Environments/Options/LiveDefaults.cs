namespace Conformance.Environments.Options;

/// <summary>
/// Every default version and image of the live worlds, in one place. Each one is overridable by an option and an
/// environment variable (see <see cref="OptionCatalog"/>), and lands in the bill of materials.
/// </summary>
public static class LiveDefaults
{
    // K8s 1.33: inside vault-k8s 1.7's tested range 1.32-1.36 (reference/vault.md §4) and the operator's upstream
    // CI (Kind 1.33.1, reference/operator.md §3).
    public const string K3sImage = "rancher/k3s:v1.33.1-k3s1";

    // ESO chart 2.9.0 = app v2.9.0, v1 API served (reference/eso.md §1-2).
    public const string EsoChartVersion = "2.9.0";
    public const string EsoChartRepo = "https://charts.external-secrets.io";

    // vault-helm 0.34.1 (appVersion 2.0.4), injector hashicorp/vault-k8s:1.7.6 (reference/vault.md §1.3).
    public const string VaultHelmChartVersion = "0.34.1";
    public const string VaultHelmChartRepo = "https://helm.releases.hashicorp.com";
    public const string VaultK8sImage = "hashicorp/vault-k8s:1.7.6";

    // The dev server and the injected agent run the same Vault (reference/vault.md §4: pin a tag).
    public const string VaultImage = "hashicorp/vault:2.0.4";

    // LocalStack >= 4.15, latest and nightly need LOCALSTACK_AUTH_TOKEN (reference/peers.md §2.1).
    public const string LocalStackImage = "localstack/localstack:4.4.0";

    public const string PostgresImage = "postgres:16-alpine";

    // git daemon speaks the pack protocol, which `git clone --depth 1` needs (dumb HTTP refuses shallow clones).
    public const string GitServerImage = "alpine/git:2.47.2";

    // Pinned operator image whose CRD matches the saved manifests (reference/operator.md §6).
    public const string OperatorImage = "quay.io/takinosh/jupyter-notebook-validator-operator:1.0.8";
    public const string OperatorVersion = "1.0.8";

    // Base of the validator image built from environments/images/validator/Dockerfile.
    public const string ValidatorBaseImage = "python:3.12-slim";

    /// <summary>Empty: the operator's own default (quay.io/takinosh/git-init-rhel9:latest, reference/operator.md §2.2).</summary>
    public const string GitInitImage = "";

    public static readonly TimeSpan StartupTimeout = TimeSpan.FromMinutes(15);
}
