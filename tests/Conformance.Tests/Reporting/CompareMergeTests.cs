using Conformance.Fixtures.Reporting;
using Conformance.Runner.Results;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Reporting;

public sealed class CompareMergeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("compare-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Compare_names_new_failures_fixed_scenarios_and_ones_more_than_half_slower()
    {
        var old = Document(SampleRun.Results());
        var @new = Document(SampleRun.Results(run =>
        {
            // p1 now fails, f1 now passes, r2 takes twice as long.
            run.Record(SampleRun.Scenario("p1", "features/tier1.feature", "Tier 1", "A Secret key reaches the notebook", 10, ["@tier1"], ScenarioStatus.Failed, 4200, error: "boom"));
            run.Record(SampleRun.Scenario("f1", "features/tier1.feature", "Tier 1", "A missing Secret fails the job", 20, ["@tier1", "@negative"], ScenarioStatus.Passed, 9000));
            run.Record(SampleRun.Scenario("r2", "features/tier2.feature", "Tier 2", "A rotated value reaches the next job after refresh", 12, ["@tier2", "@lifecycle"], ScenarioStatus.Passed, 22000));
        }));

        var comparison = RunComparison.Of(old, @new);

        comparison.NewFailures.Select(s => s.DisplayName).Should().Equal("Tier 1: A Secret key reaches the notebook");
        comparison.Fixed.Select(s => s.DisplayName).Should().Equal("Tier 1: A missing Secret fails the job");
        comparison.Slower.Select(p => p.New.DisplayName).Should().Equal("Tier 2: A rotated value reaches the next job after refresh");
        comparison.HasNewFailures.Should().BeTrue();
        comparison.Render().Should().Contain("new failures: 1").And.Contain("fixed: 1").And.Contain("11.0 s -> 22.0 s (+100%)");
    }

    [Fact]
    public void Merge_makes_a_row_per_leg_and_a_column_per_tier()
    {
        WriteLeg("leg-baseline", SampleRun.Results());
        WriteLeg("leg-eso-oldest-v1", new RunResults("green", SampleRun.T0));

        var matrix = MatrixReport.Load([Path.Combine(_dir, "leg-baseline"), Path.Combine(_dir, "leg-eso-oldest-v1")]);
        var md = matrix.RenderMarkdown();

        matrix.Legs.Select(l => l.Name).Should().Equal("leg-baseline", "leg-eso-oldest-v1");
        md.Should().Contain("| leg | versions | Tier 1 | Tier 2 | Tier 3 | overall | failed | run |");
        md.Should().Contain("| leg-baseline | k3s v1.33.1+k3s1, external-secrets 2.9.0, vault 2.0.4, operator 1.0.8 | ❌ NOT QUALIFIED | ✅ QUALIFIED | ❌ NOT QUALIFIED |");
        matrix.AllQualified.Should().BeFalse();
        matrix.Write(Path.Combine(_dir, "out")).Should().HaveCount(3);
    }

    [Fact]
    public void Merge_refuses_a_folder_without_results_naming_it()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "empty-leg"));
        var act = () => MatrixReport.Load([Path.Combine(_dir, "empty-leg")]);
        act.Should().Throw<FileNotFoundException>().WithMessage("*empty-leg holds no results.json*");
    }

    private ResultsDocument Document(RunResults results) => ResultsDocument.From(ReportBuilder.FromResults(results, SampleRun.K3s));

    private void WriteLeg(string name, RunResults results) =>
        ReportFiles.Write(ReportBuilder.FromResults(results, SampleRun.K3s), Path.Combine(_dir, name));
}
