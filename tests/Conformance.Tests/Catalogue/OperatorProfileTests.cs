using Conformance.Tests.Support;
using Conformance.Traceability;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Catalogue;

/// <summary>
/// Issue 6's bar for both operator profiles. Under <c>contract</c> (the operator as its ADRs promise) every scenario
/// of the catalogue passes, known defects included (raw outcomes), or is skipped with a stated reason. Under
/// <c>upstream</c> (v1.0.8 as released, the profile the steps project runs by default) every <c>@known-defect</c>
/// scenario fails as documented: none "appears fixed". Scenarios tagged <c>@document-defect</c> (a promise of the documents
/// that contradicts another component, so no operator can keep it) are left out of the contract run and checked
/// with the known defects under upstream. That the other scenarios pass under upstream is what the steps
/// project's own `dotnet test` checks.
/// </summary>
public sealed class OperatorProfileTests
{
    private static readonly TimeSpan CatalogueTimeout = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task Under_the_contract_profile_every_scenario_passes_or_is_skipped_with_a_reason()
    {
        var results = await StepsRun.RunAsync(new Dictionary<string, string>
        {
            ["CONFORMANCE_OPERATOR_PROFILE"] = "contract",
            ["CONFORMANCE_STRICT_KNOWN_DEFECTS"] = "1",
            ["CONFORMANCE_TWIN_FAULTS"] = "",
            // Defects of the documents themselves fail under any operator; the upstream test below checks they still do.
            ["CONFORMANCE_TAGS"] = "not @document-defect",
            ["CONFORMANCE_POSTGRES_DSN"] = Environment.GetEnvironmentVariable("CONFORMANCE_POSTGRES_DSN") ?? "",
        }, CatalogueTimeout);

        var scenarios = StepsRun.Scenarios(results);
        scenarios.Should().NotBeEmpty();
        var bad = scenarios.Where(s => !(s.Status == "passed" || (s.Status == "skipped" && !string.IsNullOrWhiteSpace(s.Reason)))).ToList();
        bad.Should().BeEmpty("under the contract profile the operator keeps every promise:\n  " + string.Join("\n  ", bad));
        scenarios.Where(s => s.IsKnownDefect).Should().NotBeEmpty("the catalogue documents the operator's known defects");
    }

    [Fact]
    public async Task Under_the_upstream_profile_every_known_defect_is_an_expected_failure()
    {
        var root = StepsRun.RepositoryRoot();
        var known = FeatureScan.Scan(Path.Combine(root, "features"), "features/", [])
            .Select(s => s.KnownDefect).OfType<string>().Distinct().ToList();
        known.Should().NotBeEmpty();

        var results = await StepsRun.RunAsync(new Dictionary<string, string>
        {
            ["CONFORMANCE_OPERATOR_PROFILE"] = "upstream",
            ["CONFORMANCE_STRICT_KNOWN_DEFECTS"] = "",
            ["CONFORMANCE_TWIN_FAULTS"] = "",
            ["CONFORMANCE_TAGS"] = string.Join(" or ", known.Select(k => "@known-defect:" + k)),
            ["CONFORMANCE_POSTGRES_DSN"] = Environment.GetEnvironmentVariable("CONFORMANCE_POSTGRES_DSN") ?? "",
        }, CatalogueTimeout);

        var scenarios = StepsRun.Scenarios(results);
        scenarios.Should().OnlyContain(s => s.IsKnownDefect, "the tag expression selects known defects only");
        var bad = scenarios.Where(s => s.Status != "expected-failure" && !(s.Status == "skipped" && !string.IsNullOrWhiteSpace(s.Reason))).ToList();
        bad.Should().BeEmpty("under upstream each documented defect must still show (an 'appears-fixed' one needs its tag removed):\n  " + string.Join("\n  ", bad));
    }
}
