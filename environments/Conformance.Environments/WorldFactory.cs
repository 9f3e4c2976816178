using Conformance.Environments.Existing;
using Conformance.Environments.K3s;
using Conformance.Environments.Options;
using Conformance.Environments.Twin;

namespace Conformance.Environments;

/// <summary>The environment chosen by <see cref="WorldFactory"/>, and why (for the output and the report).</summary>
public sealed record WorldChoice(IWorldEnvironment Environment, string Reason);

/// <summary>
/// Picks the environment by <c>CONFORMANCE_ENV</c> (or <c>--env</c>): <c>auto</c> (k3s when a Docker daemon answers,
/// else the twin) | <c>k3s</c> | <c>existing</c> | <c>twin</c>.
/// </summary>
public sealed class WorldFactory
{
    /// <summary>Makes the twin environment (its settings come from CONFORMANCE_OPERATOR_PROFILE, _TWIN_FAULTS, _POSTGRES_DSN).</summary>
    private static IWorldEnvironment CreateTwin(LiveOptions options) =>
        new Conformance.Environments.Twin.TwinEnvironment(Conformance.Environments.Twin.TwinOptions.FromEnvironment());

    private readonly Func<DockerProbeResult> _probe;
    private readonly Action<string> _log;

    public WorldFactory(Func<DockerProbeResult>? probe = null, Action<string>? log = null)
    {
        _probe = probe ?? (() => DockerProbe.Probe());
        _log = log ?? Console.Error.WriteLine;
    }

    public static readonly IReadOnlyList<string> Names = ["auto", "k3s", "existing", "twin"];

    /// <summary>Chooses and builds (does not start) the environment. Fails before anything starts on bad input.</summary>
    public WorldChoice Create(string? environmentName, LiveOptions options)
    {
        var name = string.IsNullOrWhiteSpace(environmentName) ? "auto" : environmentName.Trim().ToLowerInvariant();
        switch (name)
        {
            case "auto":
                var probe = _probe();
                return probe.Reachable
                    ? new WorldChoice(BuildK3s(options), $"--env auto chose k3s: {probe.Explain()}")
                    : new WorldChoice(CreateTwin(options), $"--env auto chose the twin (no release evidence) because {probe.Explain()}");
            case "k3s":
                var k3sProbe = _probe();
                if (!k3sProbe.Reachable) throw new DockerUnavailableException(k3sProbe);
                return new WorldChoice(BuildK3s(options, () => k3sProbe), "--env k3s");
            case "existing":
                return new WorldChoice(new ExistingWorld(options, log: _log), "--env existing");
            case "twin":
                return new WorldChoice(CreateTwin(options), "--env twin (no release evidence)");
            default:
                throw new ArgumentException($"unknown environment '{environmentName}': use one of {string.Join(", ", Names)} (CONFORMANCE_ENV or --env)");
        }
    }

    /// <summary>The environment for <c>--plan</c>: never probes Docker, never starts anything.</summary>
    public IWorldEnvironment CreateForPlan(string? environmentName, LiveOptions options)
    {
        var name = string.IsNullOrWhiteSpace(environmentName) ? "auto" : environmentName.Trim().ToLowerInvariant();
        return name switch
        {
            "k3s" or "auto" => BuildK3s(options),
            "existing" => new ExistingWorld(options, log: _log),
            "twin" => CreateTwin(options),
            _ => throw new ArgumentException($"unknown environment '{environmentName}': use one of {string.Join(", ", Names)}"),
        };
    }

    /// <summary>From environment variables: <c>CONFORMANCE_ENV</c> plus every option of <see cref="OptionCatalog"/>.</summary>
    public WorldChoice FromEnvironment(System.Collections.IDictionary environment)
    {
        var options = LiveOptions.FromEnvironment(environment).GetOrThrow();
        return Create(environment["CONFORMANCE_ENV"] as string, options);
    }

    private K3sWorld BuildK3s(LiveOptions options, Func<DockerProbeResult>? probe = null) =>
        new K3sWorldBuilder().WithOptions(options).WithLog(_log).WithDockerProbe(probe ?? _probe).Build();
}
