using System.Collections;

namespace Conformance.Environments.Options;

/// <summary>
/// The inputs of the live worlds (k3s and existing): versions and images of every component, run behaviour, and
/// the endpoints of a bring-your-own world. Immutable; defaults come from <see cref="LiveDefaults"/>; every property is
/// an option and an environment variable listed in <see cref="OptionCatalog"/>.
/// </summary>
public sealed record LiveOptions
{
    // Versions and images (the version matrix inputs).
    public string K3sImage { get; init; } = LiveDefaults.K3sImage;
    public string EsoChartVersion { get; init; } = LiveDefaults.EsoChartVersion;
    public string VaultHelmChartVersion { get; init; } = LiveDefaults.VaultHelmChartVersion;
    public string VaultImage { get; init; } = LiveDefaults.VaultImage;
    public string VaultK8sImage { get; init; } = LiveDefaults.VaultK8sImage;
    public string LocalStackImage { get; init; } = LiveDefaults.LocalStackImage;
    public string PostgresImage { get; init; } = LiveDefaults.PostgresImage;
    public string GitServerImage { get; init; } = LiveDefaults.GitServerImage;
    public string OperatorImage { get; init; } = LiveDefaults.OperatorImage;
    public string ValidatorBaseImage { get; init; } = LiveDefaults.ValidatorBaseImage;

    /// <summary>A stock validator image to use instead of building one; empty builds from the repo's Dockerfile.</summary>
    public string ValidatorImage { get; init; } = "";

    /// <summary>The operator's <c>GIT_INIT_IMAGE</c>; empty keeps the operator's default.</summary>
    public string GitInitImage { get; init; } = LiveDefaults.GitInitImage;

    /// <summary>Only for LocalStack images that need one (>= 4.15, latest, nightly).</summary>
    public string LocalStackAuthToken { get; init; } = "";

    // Run behaviour.
    public bool Reuse { get; init; }
    public KeepPolicy Keep { get; init; } = KeepPolicy.Never;
    public string ArtifactsDirectory { get; init; } = "artifacts";
    public TimeSpan StartupTimeout { get; init; } = LiveDefaults.StartupTimeout;

    // Existing world.
    public string Kubeconfig { get; init; } = "";
    public string KubeContext { get; init; } = "";
    public string VaultAddress { get; init; } = "";
    public string VaultInClusterAddress { get; init; } = "";
    public string VaultToken { get; init; } = "";
    public string AwsEndpoint { get; init; } = "";
    public string AwsInClusterEndpoint { get; init; } = "";
    public string AwsRegion { get; init; } = "us-east-1";
    public string AwsAccessKeyId { get; init; } = "";
    public string AwsSecretAccessKey { get; init; } = "";
    public string PostgresDsn { get; init; } = "";
    public string NotebookGitBase { get; init; } = "";
    public bool Install { get; init; }

    public static LiveOptions Default { get; } = new();

    /// <summary>Every problem with these options, one clear message each; empty when they are usable.</summary>
    public IReadOnlyList<string> Validate() =>
        OptionCatalog.All.SelectMany(o => o.Check(this)).Concat(CrossChecks()).ToList();

    private IEnumerable<string> CrossChecks()
    {
        if (ImageReference.TryParse(LocalStackImage, out var ls, out _) && LocalStackImageNeedsToken(ls!)
            && string.IsNullOrEmpty(LocalStackAuthToken))
        {
            yield return $"CONFORMANCE_LOCALSTACK_IMAGE='{LocalStackImage}' needs a LocalStack auth token (images >= 4.15, "
                         + "latest and nightly refuse to start without one): set CONFORMANCE_LOCALSTACK_AUTH_TOKEN, or pin "
                         + $"a tag <= 4.14 such as {LiveDefaults.LocalStackImage}";
        }
    }

    /// <summary>Testcontainers' LocalStack module refuses these without LOCALSTACK_AUTH_TOKEN (reference/peers.md §2.1).</summary>
    public static bool LocalStackImageNeedsToken(ImageReference image)
    {
        var tag = image.Tag ?? "latest";
        if (tag is "latest" or "nightly" || tag.StartsWith("latest", StringComparison.Ordinal)) return true;
        var parts = tag.Split('.', '-');
        return parts.Length >= 2 && int.TryParse(parts[0], out var major) && int.TryParse(parts[1], out var minor)
               && (major > 4 || (major == 4 && minor >= 15));
    }

    /// <summary>Reads the options from environment variables (e.g. <c>Environment.GetEnvironmentVariables()</c>).</summary>
    public static OptionsResult FromEnvironment(IDictionary environment) =>
        ParseCore([], ToDictionary(environment));

    /// <summary>Reads the options from environment variables.</summary>
    public static OptionsResult FromEnvironment(IReadOnlyDictionary<string, string?> environment) =>
        ParseCore([], environment);

    /// <summary>
    /// Reads the options from command-line arguments (<c>--k3s-image X</c> or <c>--k3s-image=X</c>; flags override
    /// environment variables). Arguments that are not live-world options are returned in
    /// <see cref="OptionsResult.Unrecognized"/> for the caller's own parser.
    /// </summary>
    public static OptionsResult Parse(IReadOnlyList<string> arguments, IDictionary environment) =>
        ParseCore(arguments, ToDictionary(environment));

    public static OptionsResult Parse(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?> environment) =>
        ParseCore(arguments, environment);

    private static OptionsResult ParseCore(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?> environment)
    {
        var options = Default;
        var errors = new List<string>();
        var unrecognized = new List<string>();

        foreach (var spec in OptionCatalog.All)
        {
            if (environment.TryGetValue(spec.EnvironmentVariable, out var value) && value is not null)
            {
                options = spec.Apply(options, value, spec.EnvironmentVariable, errors);
            }
        }

        for (var i = 0; i < arguments.Count; i++)
        {
            var argument = arguments[i];
            var name = argument;
            string? inline = null;
            var eq = argument.IndexOf('=');
            if (argument.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                name = argument[..eq];
                inline = argument[(eq + 1)..];
            }

            var spec = OptionCatalog.All.FirstOrDefault(o => o.Flag == name);
            if (spec is null)
            {
                unrecognized.Add(argument);
                continue;
            }

            string value;
            if (inline is not null) value = inline;
            else if (spec.IsSwitch) value = "true";
            else if (i + 1 < arguments.Count) value = arguments[++i];
            else
            {
                errors.Add($"{spec.Flag} needs a value ({spec.Description})");
                continue;
            }

            options = spec.Apply(options, value, spec.Flag, errors);
        }

        if (errors.Count == 0) errors.AddRange(options.Validate());
        return new OptionsResult(errors.Count == 0 ? options : null, errors, unrecognized);
    }

    private static Dictionary<string, string?> ToDictionary(IDictionary environment)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is string key) result[key] = entry.Value as string;
        }

        return result;
    }
}

/// <summary>The outcome of parsing: the options when there are no errors, every error otherwise.</summary>
public sealed record OptionsResult(LiveOptions? Options, IReadOnlyList<string> Errors, IReadOnlyList<string> Unrecognized)
{
    public bool Ok => Errors.Count == 0 && Options is not null;

    /// <summary>The options, or an exception listing every error.</summary>
    public LiveOptions GetOrThrow() =>
        Ok ? Options! : throw new LiveOptionsException(Errors);
}

/// <summary>Thrown when live-world options are unusable; the message lists every problem.</summary>
public sealed class LiveOptionsException(IReadOnlyList<string> errors)
    : ArgumentException("Invalid live-world options:\n  - " + string.Join("\n  - ", errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
