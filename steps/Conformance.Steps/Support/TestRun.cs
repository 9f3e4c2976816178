using Conformance.Environments;
using Conformance.Fixtures.Jobs;
using Conformance.Fixtures.Kube;
using Conformance.Fixtures.Reporting;
using Conformance.Fixtures.Secrets;
using Conformance.Fixtures.Worlds;
using Conformance.Runner;

namespace Conformance.Steps.Support;

/// <summary>
/// What lives for the whole test run: the World (started once, DESIGN.md §3 steps/), the secret ledger every
/// artifact is scanned against, and the drivers scenarios share. Each scenario works in its own namespace.
/// </summary>
[Binding]
public static class TestRun
{
    private static IWorldEnvironment? _environment;
    private static World? _world;
    private static Kube? _kube;
    private static Exception? _startFailure;

    public static SecretLedger Ledger { get; } = SecretLedger.NewRun();

    public static string RunId { get; } =
        Environment.GetEnvironmentVariable("CONFORMANCE_RUN_ID") is { Length: > 0 } id ? id : Guid.NewGuid().ToString("N")[..8];

    /// <summary>Why the world was chosen (e.g. "--env auto chose the twin because no Docker daemon answered ...").</summary>
    public static string ChoiceReason { get; private set; } = "";

    public static World World => _world ?? throw NotStarted();

    public static Kube Kube => _kube ?? throw NotStarted();

    public static NotebookJobs Jobs => new(Kube);

    /// <summary>`never`, `on-failure` or `always` (CONFORMANCE_KEEP): whether scenario namespaces outlive the scenario.</summary>
    public static string Keep { get; } = Environment.GetEnvironmentVariable("CONFORMANCE_KEEP") is { Length: > 0 } k ? k : "never";

    /// <summary>The run's artifact folder (CONFORMANCE_ARTIFACTS, resolved by the runner); evidence goes under it.</summary>
    public static string? ArtifactsDirectory { get; private set; }

    [BeforeTestRun(Order = 0)]
    public static async Task StartWorldAsync(TestRunContext run)
    {
        ArtifactsDirectory = run.ArtifactsDirectory;
        // Registered first and whatever happens next: a run whose world did not start still gets its report.
        run.AddListener(new RunReportListener(Ledger, ReportEnvironmentOf, () => _world?.Diagnostics));
        try
        {
            var choice = new WorldFactory(log: _ => { }).FromEnvironment(Environment.GetEnvironmentVariables());
            ChoiceReason = choice.Reason;
            _environment = choice.Environment;
            Console.Error.WriteLine($"conformance: {choice.Reason}");
            _world = await _environment.StartAsync(CancellationToken.None);
            RegisterWorldSecrets(_world);
            _kube = new Kube(_world.Kube, Ledger, RunId);
        }
        catch (Exception e)
        {
            // Every scenario then fails with this cause (see NotStarted) instead of one opaque hook failure.
            _startFailure = e;
            await StopWorldAsync();
        }
    }

    [AfterTestRun]
    public static async Task StopWorldAsync()
    {
        _kube?.Dispose();
        _kube = null;
        if (_environment is not null)
        {
            await _environment.DisposeAsync();
            _environment = null;
        }
    }

    // The root token and the AWS keys are secrets the run knows: artifacts are scanned for them too.
    private static void RegisterWorldSecrets(World world)
    {
        if (world.Vault is { } vault)
        {
            Ledger.Register(vault.RootToken, "Vault root token", SecretKind.RootToken);
        }

        if (world.Aws is { } aws)
        {
            Ledger.Register(aws.SecretAccessKey, "AWS secret access key", SecretKind.AwsKey);
        }
    }

    private static ReportEnvironment ReportEnvironmentOf() => _world is { } world
        ? new ReportEnvironment(world.Environment, world.Qualifies, ChoiceReason, world.Bom.Components)
        : ReportEnvironment.Unknown(_startFailure is null ? "the world was not started" : $"the world could not be started: {_startFailure.Message}");

    // HarnessUnavailableException: a @known-defect scenario failing on this is not the defect reproduced.
    private static HarnessUnavailableException NotStarted() => new(
        _startFailure is null
            ? "the world is not started: the [BeforeTestRun] hook did not run"
            : $"the world could not be started ({ChoiceReason}): {_startFailure.Message}",
        _startFailure);
}
