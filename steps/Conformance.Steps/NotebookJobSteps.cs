using Conformance.Fixtures.Jobs;
using Conformance.Fixtures.Probe;
using Conformance.Fixtures.Secrets;
using Conformance.Runner;
using Conformance.Steps.Support;

namespace Conformance.Steps;

/// <summary>Shaping a NotebookValidationJob, running it with the probe notebook, and reading what the notebook saw.</summary>
[Binding]
public sealed class NotebookJobSteps(ScenarioWorld world, ScenarioContext scenario)
{
    /// <summary>
    /// How long a job may take to reach Succeeded or Failed. reference/operator.md §2.6: retries happen within seconds
    /// of a failed pod, so the whole retry budget fits well inside this; the operator enforces no deadline itself.
    /// </summary>
    private static readonly TimeSpan JobDeadline = TimeSpan.FromMinutes(3);

    [Given("the notebook job takes env {string} from Secret {string} key {string}")]
    public void GivenEnvFromSecretKey(string env, string secret, string key) =>
        world.Job.Tweak(j => j.WithEnvFromSecretKey(env, secret, key), env);

    [Given("the notebook job takes env {string} from ConfigMap {string} key {string}")]
    public void GivenEnvFromConfigMapKey(string env, string configMap, string key) =>
        world.Job.Tweak(j => j.WithEnvFromConfigMapKey(env, configMap, key), env);

    [Given("the notebook job sets env {string} to {string}")]
    public void GivenEnvValue(string env, string value) => world.Job.Tweak(j => j.WithEnvValue(env, value), env);

    [Given("the notebook job takes envFrom Secret {string}")]
    public void GivenEnvFromSecret(string secret) =>
        world.Job.Tweak(j => j.WithEnvFromSecret(secret), world.CanaryKeysOf(secret).ToArray());

    [Given("the notebook job lists Secret {string} under credentials")]
    public void GivenCredentials(string secret) =>
        world.Job.Tweak(j => j.WithCredentials(secret), world.CanaryKeysOf(secret).ToArray());

    [When("the notebook job runs( again)")]
    public async Task WhenTheNotebookJobRuns()
    {
        var job = await PrepareAsync(world, scenario);
        world.Record(await world.Jobs.RunAsync(world.Namespace, job, JobDeadline, world.Cancellation));
    }

    /// <summary>Publishes the probe notebook for the scenario's draft and returns the job to create (a new name each time).</summary>
    internal static async Task<NotebookJob> PrepareAsync(ScenarioWorld world, ScenarioContext scenario)
    {
        var name = "probe-" + Fixtures.Kube.Kube.RandomSuffix(6);
        var spec = world.Job.NextProbe(ProbeSpec.For(scenario.Title).WithEnv([.. world.Job.EnvNames]));
        var job = await world.Jobs.PublishProbeAsync(world.World.Notebooks, name, spec, world.Cancellation);
        return world.Job.Apply(job.WithImage(world.World.ValidatorImage));
    }

    internal static TimeSpan Deadline => JobDeadline;

    [Then("the job succeeds")]
    public void ThenTheJobSucceeds()
    {
        var run = world.LastRun;
        if (!run.Succeeded)
        {
            throw new StepFailedException($"expected the job to succeed, but {run.Status.Summary}{LogTail(run)}");
        }
    }

    [Then("the job fails")]
    public void ThenTheJobFails()
    {
        var run = world.LastRun;
        if (run.Status.Phase != NotebookJobStatus.Failed)
        {
            throw new StepFailedException($"expected the job to fail, but {run.Status.Summary}");
        }
    }

    [Then("the job's message contains {string}")]
    public void ThenTheMessageContains(string expected)
    {
        var message = world.LastRun.Status.Message ?? "";
        if (!message.Contains(expected, StringComparison.Ordinal))
        {
            throw new StepFailedException($"expected status.message to contain \"{expected}\", but it is \"{message}\"");
        }
    }

    [Then("the notebook saw env {string} equal to Secret {string} key {string}")]
    public void ThenTheNotebookSawSecret(string env, string secret, string key) =>
        ProbeExpectation.Empty.Env(env, world.Canary(secret, key)).Verify(world.LastRun.RequireProbe(), TestRun.Ledger.Fingerprint);

    [Then("the notebook saw env {string} equal to {string}")]
    public void ThenTheNotebookSawLiteral(string env, string expected) =>
        ProbeExpectation.Empty.Env(env, expected).Verify(world.LastRun.RequireProbe(), TestRun.Ledger.Fingerprint);

    // The validator log holds fingerprints only, but it is redacted against the ledger all the same before it is shown.
    private static string LogTail(NotebookJobRun run)
    {
        if (run.ValidatorLog is null)
        {
            return "; the validator left no log";
        }

        var lines = new Redactor(TestRun.Ledger).Redact(run.ValidatorLog).Split('\n');
        return "; last lines of the validator log:\n  " + string.Join("\n  ", lines.TakeLast(15));
    }
}
