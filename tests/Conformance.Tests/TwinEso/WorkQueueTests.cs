using Conformance.Twin.Eso.Controllers;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.TwinEso;

/// <summary>The controller's work queue: per-key timers on a TimeProvider (each ExternalSecret's refresh is its own timer).</summary>
public sealed class WorkQueueTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task A_key_is_queued_once_and_redelivered_if_touched_while_processing()
    {
        using var q = new WorkQueue(TimeProvider.System);
        q.Add("es/a/b");
        q.Add("es/a/b");
        (await q.TakeAsync(Ct)).Should().Be("es/a/b");
        q.Add("es/a/b"); // touched while processing
        using var none = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await FluentActions.Awaiting(async () => await q.TakeAsync(none.Token)).Should().ThrowAsync<OperationCanceledException>();
        q.Done("es/a/b");
        using var some = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        (await q.TakeAsync(some.Token)).Should().Be("es/a/b");
    }

    [Fact]
    public async Task AddAfter_fires_on_the_clock_and_the_earliest_timer_wins()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UnixEpoch);
        using var q = new WorkQueue(clock);
        q.AddAfter("es/ns/one", TimeSpan.FromSeconds(5));
        q.AddAfter("es/ns/one", TimeSpan.FromSeconds(30)); // later: ignored
        q.AddAfter("es/ns/two", TimeSpan.FromSeconds(10));
        q.DueOf("es/ns/one").Should().Be(DateTimeOffset.UnixEpoch.AddSeconds(5));

        clock.Advance(TimeSpan.FromSeconds(4));
        using (var none = new CancellationTokenSource(TimeSpan.FromMilliseconds(50)))
            await FluentActions.Awaiting(async () => await q.TakeAsync(none.Token)).Should().ThrowAsync<OperationCanceledException>();

        clock.Advance(TimeSpan.FromSeconds(1));
        (await q.TakeAsync(Ct)).Should().Be("es/ns/one");
        q.Done("es/ns/one");
        clock.Advance(TimeSpan.FromSeconds(5));
        (await q.TakeAsync(Ct)).Should().Be("es/ns/two");
        clock.PendingTimers.Should().Be(0);
    }
}
