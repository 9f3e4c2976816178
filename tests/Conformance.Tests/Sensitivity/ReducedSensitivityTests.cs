using Conformance.Cli.Sensitivity;
using Conformance.Environments.Twin.Faults;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Sensitivity;

/// <summary>
/// A reduced sensitivity pass (issue 8) with the sensitivity command's own pieces: the Tier 1 feature runs on the twin
/// (contract profile, raw outcomes) once clean and once under each of a few faults, all at once, each a child process
/// of the real steps assembly. Every fault must be caught by the scenario meant for it; a scenario that passes with its
/// fault switched on cannot fail, and this test then fails. `./run-e2e.sh --sensitivity` runs the whole catalogue.
/// </summary>
public sealed class ReducedSensitivityTests
{
    private const string Tags = "@tier1";

    private const string Feature = "Tier 1 - static Kubernetes Secrets reach the notebook: ";

    /// <summary>
    /// A fault of each kind Tier 1 can see: a dropped reference, a missing-Secret check, a leak into a log. Four runs at
    /// once keep this near a minute on an idle two-core machine; the other faults are the sensitivity run's.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Targets = new Dictionary<string, string>
    {
        ["operator-drops-env"] = "A Secret key reaches the notebook through env secretKeyRef",
        ["kubelet-ignores-missing-secret"] = "A missing Secret fails the job with a message naming the Secret",
        ["operator-logs-secret-value"] = "No secret value appears in the job's status, its events or the pod's spec",
    };

    [Fact]
    public async Task Each_fault_is_caught_by_the_scenario_meant_for_it()
    {
        var steps = StepsAssembly.Locate(Conformance.Cli.RepositoryRoot.Find());
        var root = Directory.CreateTempSubdirectory("conformance-sensitivity-").FullName;
        try
        {
            var timeout = TimeSpan.FromMinutes(4);
            var ct = TestContext.Current.CancellationToken;
            // Tier 1 needs no AWS: four twins at once would each start a moto_server on two cores.
            var noAws = new Dictionary<string, string> { ["CONFORMANCE_TWIN_AWS"] = "0" };
            var clean = CatalogueRun.ExecuteAsync(steps, null, Tags, Path.Combine(root, "clean"), timeout, ct, noAws);
            var faults = Targets.Keys.Select(async name =>
                (TwinFaultCatalogue.Find(name)!, await CatalogueRun.ExecuteAsync(steps, name, Tags, Path.Combine(root, name), timeout, ct, noAws))).ToList();

            var cleanRun = await clean;
            cleanRun.Error.Should().BeNull();
            SensitivityMatrix.CleanFailures(cleanRun).Should().BeEmpty($"Tier 1 must pass clean under the contract profile (see {cleanRun.Artifacts})");
            var matrix = SensitivityMatrix.Build(cleanRun, await Task.WhenAll(faults));

            foreach (var row in matrix.Faults)
            {
                row.Run.Error.Should().BeNull();
                row.CaughtBy.Should().Contain(Feature + Targets[row.Fault.Name], $"the fault {row.Fault.Name} must be caught (its run: {row.Run.Artifacts})");
            }

            matrix.Faults.Single(f => f.Fault.Name == "operator-logs-secret-value").Run.LeakHits.Should()
                .BePositive("the run's leak scan must also find the value the operator logged (controller-logs.txt)");
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
