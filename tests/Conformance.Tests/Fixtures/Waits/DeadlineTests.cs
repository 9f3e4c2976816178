using Conformance.Fixtures.Waits;
using FluentAssertions;
using Conformance.Tests.Fixtures.Support;
using Xunit;

namespace Conformance.Tests.Fixtures.Waits;

public sealed class DeadlineTests
{
    [Fact]
    public async Task Expiry_names_what_was_awaited_the_timeout_and_the_last_observation()
    {
        var clock = new ManualTimeProvider();
        using var deadline = Deadline.After(TimeSpan.FromSeconds(10), "pod p to be Running", clock, TestContext.Current.CancellationToken);
        deadline.Observe("phase=Pending");

        var wait = deadline.RunAsync(ct => Task.Delay(Timeout.Infinite, ct));
        clock.Advance(TimeSpan.FromSeconds(10));

        var e = (await wait.Invoking(w => w).Should().ThrowAsync<DeadlineExceededException>()).Which;
        e.Message.Should().StartWith("waited 10s for pod p to be Running").And.EndWith("last observed: phase=Pending");
        deadline.HasExpired.Should().BeTrue();
    }

    [Fact]
    public async Task Caller_cancellation_is_not_reported_as_an_expired_deadline()
    {
        using var cts = new CancellationTokenSource();
        using var deadline = Deadline.After(TimeSpan.FromMinutes(5), "x", new ManualTimeProvider(), cts.Token);
        var wait = deadline.RunAsync(ct => Task.Delay(Timeout.Infinite, ct));
        await cts.CancelAsync();
        await wait.Invoking(w => w).Should().ThrowAsync<OperationCanceledException>();
        deadline.HasExpired.Should().BeFalse();
    }

    [Fact]
    public async Task Without_observations_the_message_says_so()
    {
        var clock = new ManualTimeProvider();
        using var deadline = Deadline.After(TimeSpan.FromMilliseconds(1500), "a lease", clock, TestContext.Current.CancellationToken);
        var wait = deadline.RunAsync(ct => Task.Delay(Timeout.Infinite, ct));
        clock.Advance(TimeSpan.FromSeconds(2));
        (await wait.Invoking(w => w).Should().ThrowAsync<DeadlineExceededException>()).Which.Message
            .Should().Contain("waited 1500ms for a lease").And.Contain("nothing (no state was observed");
    }
}
