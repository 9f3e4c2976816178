using Conformance.Twin.Eso;
using Conformance.Twin.Eso.Decisions;
using Conformance.Twin.Eso.Model;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.TwinEso;

/// <summary>ESO's shouldRefresh / getRequeueResult as a table (reference/eso.md §4, #4167 in §6.4).</summary>
public sealed class RefreshDecisionTableTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    // policy, interval, synced before, seconds since last sync, metadata changed since, expected refresh, fault
    public static TheoryData<string, string, bool, int, bool, bool, string> Cases => new()
    {
        { "", "5s", false, 0, false, true, "" },                // never synced => sync
        { "", "5s", true, 2, false, false, "" },                // within the interval => skip
        { "", "5s", true, 6, false, true, "" },                 // interval elapsed => refresh
        { "Periodic", "5s", true, 6, false, true, "" },         // explicit Periodic = default
        { "", "5s", true, 2, true, true, "" },                  // annotation/spec change => refresh now (force-sync)
        { "", "0", true, 3600, false, false, "" },              // refreshInterval 0 => never after the first sync
        { "", "0s", true, 3600, true, false, "" },              // ... not even on spec change (#4167)
        { "", "0", false, 0, false, true, "" },                 // ... but the first sync happens
        { "CreatedOnce", "5s", true, 3600, true, false, "" },   // CreatedOnce: never again
        { "CreatedOnce", "5s", false, 0, false, true, "" },
        { "OnChange", "5s", true, 3600, false, false, "" },     // OnChange: time alone does nothing
        { "OnChange", "5s", true, 1, true, true, "" },          // ... a change does
        { "", "1h0m0s", true, 3599, false, false, "" },         // the CRD default interval
        { "", "5s", true, 6, false, false, EsoFaults.NeverRefreshes },     // fault: interval never elapses
        { "", "5s", true, 2, true, true, EsoFaults.NeverRefreshes },       // ... change still syncs
        { "", "0s", true, 3, true, true, EsoFaults.IntervalZeroSyncsOnChange },    // fault: interval 0 syncs on a change
        { "", "0s", true, 3600, false, false, EsoFaults.IntervalZeroSyncsOnChange }, // ... but time alone still does nothing
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Refresh_decision_follows_ESO(string policy, string interval, bool synced, int secondsSince, bool metaChanged, bool expected, string fault)
    {
        var state = new RefreshState(
            policy,
            GoDuration.Parse(interval, "refreshInterval"),
            synced ? "1-abc" : "",
            synced ? Now.AddSeconds(-secondsSince) : null,
            metaChanged ? "2-def" : (synced ? "1-abc" : "1-abc"));
        var faults = new EsoFaults(fault == "" ? [] : [fault]);
        RefreshDecisions.ShouldRefresh(state, Now, faults).Should().Be(expected);
    }

    [Theory]
    [InlineData("5s", 2, 3.0)]
    [InlineData("5s", 7, 0.0)]
    [InlineData("1m", 0, 60.0)]
    public void Requeue_after_is_the_time_left_in_the_interval(string interval, int secondsSince, double expectedSeconds)
    {
        var after = RefreshDecisions.RequeueAfter(GoDuration.Parse(interval, "i"), Now.AddSeconds(-secondsSince), Now);
        after.Should().Be(TimeSpan.FromSeconds(expectedSeconds));
    }

    [Fact]
    public void Zero_interval_never_requeues() =>
        RefreshDecisions.RequeueAfter(TimeSpan.Zero, Now, Now).Should().BeNull();

    [Fact]
    public void Resource_version_moves_with_annotations_unless_force_sync_is_ignored()
    {
        var labels = new Dictionary<string, string> { ["app"] = "x" };
        var a1 = new Dictionary<string, string> { [EsoLabels.ForceSync] = "1" };
        var a2 = new Dictionary<string, string> { [EsoLabels.ForceSync] = "2" };
        RefreshDecisions.ResourceVersionOf(3, labels, a1).Should().NotBe(RefreshDecisions.ResourceVersionOf(3, labels, a2)).And.StartWith("3-");
        var faults = new EsoFaults([EsoFaults.IgnoresForceSync]);
        RefreshDecisions.ResourceVersionOf(3, labels, a1, faults).Should().Be(RefreshDecisions.ResourceVersionOf(3, labels, a2, faults));
    }

    [Fact]
    public void Status_only_updates_do_not_enqueue_but_annotation_changes_do()
    {
        var l = new Dictionary<string, string>();
        var a1 = new Dictionary<string, string>();
        var a2 = new Dictionary<string, string> { ["force-sync"] = "1" };
        RefreshDecisions.ShouldEnqueueUpdate(1, 1, l, l, a1, a1, [], [], false, false).Should().BeFalse();
        RefreshDecisions.ShouldEnqueueUpdate(1, 1, l, l, a1, a2, [], [], false, false).Should().BeTrue();
        RefreshDecisions.ShouldEnqueueUpdate(1, 2, l, l, a1, a1, [], [], false, false).Should().BeTrue();
        RefreshDecisions.ShouldEnqueueUpdate(1, 1, l, l, a1, a2, [], [], false, false, new EsoFaults([EsoFaults.IgnoresForceSync])).Should().BeFalse();
    }

    [Fact]
    public void Failure_backoff_doubles_from_one_second_to_seven_minutes()
    {
        var b = new FailureBackoff();
        var delays = Enumerable.Range(0, 12).Select(_ => b.NextDelay("k").TotalSeconds).ToList();
        delays.Take(5).Should().Equal(1, 2, 4, 8, 16);
        delays.Last().Should().Be(420);
        b.Forget("k");
        b.NextDelay("k").Should().Be(TimeSpan.FromSeconds(1));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("5s", 5)]
    [InlineData("1h0m0s", 3600)]
    [InlineData("1.5m", 90)]
    [InlineData("300ms", 0.3)]
    public void Go_durations_parse(string text, double seconds) =>
        GoDuration.Parse(text, "x").TotalSeconds.Should().BeApproximately(seconds, 1e-9);

    [Theory]
    [InlineData("5")]
    [InlineData("1d")]
    [InlineData("")]
    public void Bad_go_durations_are_rejected(string text) =>
        GoDuration.TryParse(text, out _).Should().BeFalse();

    [Fact]
    public void Run_wide_fault_lists_keep_only_ESO_faults() =>
        EsoFaults.FromRunWide(["agent-never-renews", " eso-never-refreshes"]).Active.Should().BeEquivalentTo([EsoFaults.NeverRefreshes]);

    [Fact]
    public void Unknown_fault_names_are_rejected() =>
        FluentActions.Invoking(() => new EsoFaults(["eso-typo"])).Should().Throw<ArgumentException>().WithMessage("*eso-typo*");
}
