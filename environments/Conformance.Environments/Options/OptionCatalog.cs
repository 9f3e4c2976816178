using System.Globalization;
using System.Text.RegularExpressions;

namespace Conformance.Environments.Options;

/// <summary>What kind of value an option holds; decides how it is parsed and validated.</summary>
public enum OptionKind
{
    Image,
    OptionalImage,
    K3sImage,
    ChartVersion,
    Switch,
    Keep,
    Duration,
    OptionalUrl,
    Text,
    Secret,
}

/// <summary>One option: its flag, its environment variable, and how it reads into <see cref="LiveOptions"/>.</summary>
public sealed partial record OptionSpec(
    string Flag,
    string EnvironmentVariable,
    OptionKind Kind,
    string Description,
    Func<LiveOptions, string> Get,
    Func<LiveOptions, string, LiveOptions> Set)
{
    public bool IsSwitch => Kind == OptionKind.Switch;

    private string Names => $"{EnvironmentVariable} / {Flag}";

    /// <summary>Parses <paramref name="raw"/> into <paramref name="options"/>; a parse error lands in <paramref name="errors"/>.</summary>
    internal LiveOptions Apply(LiveOptions options, string raw, string source, List<string> errors)
    {
        var value = raw.Trim();
        switch (Kind)
        {
            case OptionKind.Switch when !TryParseBool(value, out _):
                errors.Add($"{source}='{raw}' is not a boolean (use 1/0, true/false, yes/no)");
                return options;
            case OptionKind.Keep when !TryParseKeep(value, out _):
                errors.Add($"{source}='{raw}' is not one of never, on-failure, always");
                return options;
            case OptionKind.Duration when !TryParseDuration(value, out _):
                errors.Add($"{source}='{raw}' is not a duration (e.g. 900s, 15m, 1h)");
                return options;
            default:
                return Set(options, Kind == OptionKind.Secret ? raw : value);
        }
    }

    /// <summary>Validates this option's current value; messages name the variable and flag and never echo secrets.</summary>
    internal IEnumerable<string> Check(LiveOptions options)
    {
        var value = Get(options);
        switch (Kind)
        {
            case OptionKind.Image:
            case OptionKind.OptionalImage when value.Length > 0:
                if (!ImageReference.TryParse(value, out _, out var error))
                    yield return $"{Names}: image '{value}' {error}";
                break;
            case OptionKind.K3sImage:
                if (!ImageReference.TryParse(value, out var k3s, out var k3sError))
                    yield return $"{Names}: image '{value}' {k3sError}";
                else if (k3s!.Tag is null || !K3sTag().IsMatch(k3s.Tag))
                    yield return $"{Names}: tag '{k3s.Tag}' of '{value}' is not a K3s release tag "
                                 + "(expected vMAJOR.MINOR.PATCH-k3sN, e.g. v1.33.1-k3s1)";
                break;
            case OptionKind.ChartVersion:
                if (!ChartVersion().IsMatch(value))
                    yield return $"{Names}: chart version '{value}' is not a semantic version (e.g. 2.9.0)";
                break;
            case OptionKind.OptionalUrl when value.Length > 0:
                if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "git"))
                    yield return $"{Names}: '{value}' is not an absolute http(s) or git URL";
                break;
        }
    }

    internal static bool TryParseBool(string value, out bool result)
    {
        switch (value.ToLowerInvariant())
        {
            case "1" or "true" or "yes" or "on":
                result = true;
                return true;
            case "0" or "false" or "no" or "off" or "":
                result = false;
                return true;
            default:
                result = false;
                return false;
        }
    }

    internal static bool TryParseKeep(string value, out KeepPolicy keep)
    {
        keep = value.ToLowerInvariant() switch
        {
            "never" or "" => KeepPolicy.Never,
            "on-failure" => KeepPolicy.OnFailure,
            "always" => KeepPolicy.Always,
            _ => (KeepPolicy)(-1),
        };
        return Enum.IsDefined(keep);
    }

    internal static bool TryParseDuration(string value, out TimeSpan duration)
    {
        duration = default;
        var match = DurationPattern().Match(value);
        if (!match.Success) return false;
        var amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        duration = match.Groups[2].Value switch
        {
            "h" => TimeSpan.FromHours(amount),
            "m" => TimeSpan.FromMinutes(amount),
            _ => TimeSpan.FromSeconds(amount),
        };
        return duration > TimeSpan.Zero;
    }

    [GeneratedRegex(@"^v\d+\.\d+\.\d+(-rc\d+)?[-+]k3s\d+$")]
    private static partial Regex K3sTag();

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")]
    private static partial Regex ChartVersion();

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)(s|m|h)?$")]
    private static partial Regex DurationPattern();
}

/// <summary>Every live-world option, with its flag and environment variable. The usage text is generated from it.</summary>
public static class OptionCatalog
{
    public static IReadOnlyList<OptionSpec> All { get; } =
    [
        new("--k3s-image", "CONFORMANCE_K3S_IMAGE", OptionKind.K3sImage, "K3s image (rancher/k3s:vX.Y.Z-k3sN)",
            o => o.K3sImage, (o, v) => o with { K3sImage = v }),
        new("--eso-chart", "CONFORMANCE_ESO_CHART_VERSION", OptionKind.ChartVersion, "external-secrets Helm chart version",
            o => o.EsoChartVersion, (o, v) => o with { EsoChartVersion = v }),
        new("--vault-helm-chart", "CONFORMANCE_VAULT_HELM_CHART_VERSION", OptionKind.ChartVersion,
            "vault-helm chart version (injector in external mode)",
            o => o.VaultHelmChartVersion, (o, v) => o with { VaultHelmChartVersion = v }),
        new("--vault-image", "CONFORMANCE_VAULT_IMAGE", OptionKind.Image, "Vault image for the dev server and the injected agent",
            o => o.VaultImage, (o, v) => o with { VaultImage = v }),
        new("--vault-k8s-image", "CONFORMANCE_VAULT_K8S_IMAGE", OptionKind.Image, "vault-k8s injector image",
            o => o.VaultK8sImage, (o, v) => o with { VaultK8sImage = v }),
        new("--localstack-image", "CONFORMANCE_LOCALSTACK_IMAGE", OptionKind.Image, "LocalStack image",
            o => o.LocalStackImage, (o, v) => o with { LocalStackImage = v }),
        new("--localstack-auth-token", "CONFORMANCE_LOCALSTACK_AUTH_TOKEN", OptionKind.Secret,
            "LocalStack auth token (only for images that need one)",
            o => o.LocalStackAuthToken, (o, v) => o with { LocalStackAuthToken = v }),
        new("--postgres-image", "CONFORMANCE_POSTGRES_IMAGE", OptionKind.Image, "Postgres image",
            o => o.PostgresImage, (o, v) => o with { PostgresImage = v }),
        new("--git-server-image", "CONFORMANCE_GIT_SERVER_IMAGE", OptionKind.Image, "image with git, runs git daemon for notebooks",
            o => o.GitServerImage, (o, v) => o with { GitServerImage = v }),
        new("--operator-image", "CONFORMANCE_OPERATOR_IMAGE", OptionKind.Image, "notebook validator operator image",
            o => o.OperatorImage, (o, v) => o with { OperatorImage = v }),
        new("--validator-base-image", "CONFORMANCE_VALIDATOR_BASE_IMAGE", OptionKind.Image,
            "base of the validator image built with papermill preinstalled",
            o => o.ValidatorBaseImage, (o, v) => o with { ValidatorBaseImage = v }),
        new("--validator-image", "CONFORMANCE_VALIDATOR_IMAGE", OptionKind.OptionalImage,
            "stock validator image to use instead of building one",
            o => o.ValidatorImage, (o, v) => o with { ValidatorImage = v }),
        new("--git-init-image", "CONFORMANCE_GIT_INIT_IMAGE", OptionKind.OptionalImage,
            "operator GIT_INIT_IMAGE (bash + git); empty keeps the operator's default",
            o => o.GitInitImage, (o, v) => o with { GitInitImage = v }),
        new("--reuse", "CONFORMANCE_REUSE", OptionKind.Switch, "keep the k3s world between runs (Testcontainers reuse)",
            o => o.Reuse ? "true" : "false", (o, v) => o with { Reuse = OptionSpec.TryParseBool(v, out var b) && b }),
        new("--keep", "CONFORMANCE_KEEP", OptionKind.Keep, "never | on-failure | always: keep containers after the run",
            o => o.Keep.ToString(), (o, v) => o with { Keep = OptionSpec.TryParseKeep(v, out var k) ? k : o.Keep }),
        new("--artifacts", "CONFORMANCE_ARTIFACTS", OptionKind.Text, "artifact folder (logs of a failed start land here)",
            o => o.ArtifactsDirectory, (o, v) => o with { ArtifactsDirectory = v }),
        new("--startup-timeout", "CONFORMANCE_STARTUP_TIMEOUT", OptionKind.Duration, "deadline for the world to come up",
            o => o.StartupTimeout.ToString(), (o, v) => o with
            {
                StartupTimeout = OptionSpec.TryParseDuration(v, out var d) ? d : o.StartupTimeout,
            }),
        new("--kubeconfig", "KUBECONFIG", OptionKind.Text, "existing world: kubeconfig file",
            o => o.Kubeconfig, (o, v) => o with { Kubeconfig = v }),
        new("--kube-context", "CONFORMANCE_KUBE_CONTEXT", OptionKind.Text, "existing world: kubeconfig context",
            o => o.KubeContext, (o, v) => o with { KubeContext = v }),
        new("--vault-addr", "CONFORMANCE_VAULT_ADDR", OptionKind.OptionalUrl, "existing world: Vault address from the harness",
            o => o.VaultAddress, (o, v) => o with { VaultAddress = v }),
        new("--vault-in-cluster-addr", "CONFORMANCE_VAULT_IN_CLUSTER_ADDR", OptionKind.OptionalUrl,
            "existing world: Vault address from pods (default: same as --vault-addr)",
            o => o.VaultInClusterAddress, (o, v) => o with { VaultInClusterAddress = v }),
        new("--vault-token", "CONFORMANCE_VAULT_TOKEN", OptionKind.Secret, "existing world: Vault token with root-like policy",
            o => o.VaultToken, (o, v) => o with { VaultToken = v }),
        new("--aws-endpoint", "CONFORMANCE_AWS_ENDPOINT", OptionKind.OptionalUrl, "existing world: AWS-compatible endpoint",
            o => o.AwsEndpoint, (o, v) => o with { AwsEndpoint = v }),
        new("--aws-in-cluster-endpoint", "CONFORMANCE_AWS_IN_CLUSTER_ENDPOINT", OptionKind.OptionalUrl,
            "existing world: AWS endpoint from pods (default: same as --aws-endpoint)",
            o => o.AwsInClusterEndpoint, (o, v) => o with { AwsInClusterEndpoint = v }),
        new("--aws-region", "CONFORMANCE_AWS_REGION", OptionKind.Text, "existing world: AWS region",
            o => o.AwsRegion, (o, v) => o with { AwsRegion = v }),
        new("--aws-access-key-id", "CONFORMANCE_AWS_ACCESS_KEY_ID", OptionKind.Secret, "existing world: AWS access key id",
            o => o.AwsAccessKeyId, (o, v) => o with { AwsAccessKeyId = v }),
        new("--aws-secret-access-key", "CONFORMANCE_AWS_SECRET_ACCESS_KEY", OptionKind.Secret,
            "existing world: AWS secret access key",
            o => o.AwsSecretAccessKey, (o, v) => o with { AwsSecretAccessKey = v }),
        new("--postgres-dsn", "CONFORMANCE_POSTGRES_DSN", OptionKind.Secret, "existing world: Postgres DSN",
            o => o.PostgresDsn, (o, v) => o with { PostgresDsn = v }),
        new("--notebook-git-base", "CONFORMANCE_NOTEBOOK_GIT_BASE", OptionKind.OptionalUrl,
            "existing world: base URL of a git server pods can clone from",
            o => o.NotebookGitBase, (o, v) => o with { NotebookGitBase = v }),
        new("--install", "CONFORMANCE_INSTALL", OptionKind.Switch,
            "existing world: install what is missing (same components as the k3s world)",
            o => o.Install ? "true" : "false", (o, v) => o with { Install = OptionSpec.TryParseBool(v, out var b) && b }),
    ];

    /// <summary>Usage lines for <c>run-e2e.sh -h</c>: flag, variable, description, default.</summary>
    public static string Usage()
    {
        var defaults = LiveOptions.Default;
        return string.Join("\n", All.Select(o =>
        {
            var current = o.Kind == OptionKind.Secret ? "" : o.Get(defaults);
            return $"  {o.Flag,-28} {o.EnvironmentVariable,-38} {o.Description}"
                   + (current.Length > 0 && o.Kind != OptionKind.Switch ? $" [{current}]" : "");
        }));
    }
}
