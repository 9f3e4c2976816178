using Conformance.Environments;
using Conformance.Tests.Support;
using Conformance.Traceability;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Catalogue;

/// <summary>
/// docs/traceability.md is generated (./run-e2e.sh --trace); these tests make sure nobody forgets to regenerate it
/// and that a spec reference the generator cannot resolve is an error that names its file and line.
/// </summary>
public sealed class TraceabilityTests
{
    private static string Specs => Path.Combine(SharedFolder.Locate(), "specs");

    [Fact]
    public void The_committed_traceability_report_is_up_to_date_with_the_features_and_claims()
    {
        var root = StepsRun.RepositoryRoot();
        var fresh = TraceabilityReport.Render(TraceabilityGenerator.Build(root, Specs, Verdicts.None("none")));
        var committed = File.ReadAllText(Path.Combine(root, TraceabilityGenerator.ReportPath));

        TraceabilityReport.WithoutVerdicts(committed).Should().Be(TraceabilityReport.WithoutVerdicts(fresh),
            "docs/traceability.md must match features/ and docs/claims.yaml (verdict columns aside): run ./run-e2e.sh --trace and commit it");
    }

    [Fact]
    public void Every_claim_names_a_heading_of_its_document_and_every_reference_resolves()
    {
        // Build throws TraceabilityException listing file:line of every unresolved reference or bad claim.
        var trace = TraceabilityGenerator.Build(StepsRun.RepositoryRoot(), Specs, Verdicts.None("none"));
        trace.Register.Claims.Should().HaveCountGreaterThan(50);
        trace.Register.Claims.Where(c => c.Owner is "tier1" or "cross")
            .Where(c => trace.ScenariosOf(c).Count == 0 && c.Uncovered is null)
            .Select(c => c.Id).Should().BeEmpty("every Tier 1 and cross-cutting claim has a scenario or a reason");
    }

    [Fact]
    public void A_reference_that_matches_no_claim_fails_with_its_file_and_line()
    {
        using var repo = new ScratchRepository();
        repo.Feature("broken.feature", """
            @tier1
            Feature: Broken references

              # ADR-016 §Architecture [adr016-no-such-claim]: nothing like this exists
              Scenario: Cites an unknown id
                Given nothing

              # ADR-016 §Not A Heading: wrong section
              Scenario: Cites an unknown heading
                Given nothing

              # ADR-016 §Architecture [adr014-envfrom]: id of another document
              Scenario: Cites another document's claim
                Given nothing

              Scenario: Has a reference in the wrong place
                Given nothing
                # ADR-016 §Architecture: not above a scenario
                When something
            """);

        var act = () => TraceabilityGenerator.Build(repo.Root, Specs, Verdicts.None("none"));

        var errors = act.Should().Throw<TraceabilityException>().Which.Errors.Select(e => e.ToString()).ToList();
        errors.Should().Contain(e => e.StartsWith("features/broken.feature:4: no claim 'adr016-no-such-claim'", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("features/broken.feature:8: '§Not A Heading: wrong section' does not start with a heading", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("features/broken.feature:12: claim 'adr014-envfrom' is ADR-014", StringComparison.Ordinal));
        errors.Should().Contain(e => e.StartsWith("features/broken.feature:18: spec reference is not directly above a Scenario", StringComparison.Ordinal));
        errors.Should().HaveCount(4);
    }

    [Fact]
    public void A_reference_without_an_id_resolves_by_heading_and_keyword_and_applies_to_the_whole_feature_from_the_top()
    {
        using var repo = new ScratchRepository();
        repo.Feature("ok.feature", """
            # ADR-016 §Architecture: refreshInterval keeps the Secret fresh
            @tier2
            Feature: Resolved references

              # GUIDE §Secret Not Found, same namespace: the Secret must be in the same namespace
              Scenario: One
                Given nothing

              Scenario: Two
                Given nothing
            """);

        var trace = TraceabilityGenerator.Build(repo.Root, Specs, Verdicts.None("none"));

        trace.ScenariosOf(trace.Register.ById["adr016-refresh-interval"]).Select(s => s.Name).Should().Equal("One", "Two");
        trace.ScenariosOf(trace.Register.ById["guide-same-namespace"]).Select(s => s.Name).Should().Equal("One");
    }

    /// <summary>A throw-away repository: the real docs/claims.yaml and a features/ folder of the test's own.</summary>
    private sealed class ScratchRepository : IDisposable
    {
        public ScratchRepository()
        {
            Root = Directory.CreateTempSubdirectory("conformance-trace-").FullName;
            Directory.CreateDirectory(Path.Combine(Root, "docs"));
            Directory.CreateDirectory(Path.Combine(Root, "features"));
            File.Copy(Path.Combine(StepsRun.RepositoryRoot(), TraceabilityGenerator.ClaimsPath), Path.Combine(Root, TraceabilityGenerator.ClaimsPath));
        }

        public string Root { get; }

        public void Feature(string name, string text) => File.WriteAllText(Path.Combine(Root, "features", name), text);

        public void Dispose() => Directory.Delete(Root, recursive: true);
    }
}
