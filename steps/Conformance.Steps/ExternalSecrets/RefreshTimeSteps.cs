using System.Globalization;
using System.Text.Json.Nodes;
using Conformance.Fixtures.Kube;
using Conformance.Runner;
using Conformance.Steps.Support;

namespace Conformance.Steps.ExternalSecrets;

/// <summary>
/// ADR-016 §Issue: Secrets not refreshing: <c>status.refreshTime</c> tells when the Secret was last refreshed. A step
/// notes it (and when it was noted); a later step waits, with a stated budget, until it names a refresh after the note.
/// </summary>
[Binding]
public sealed class RefreshTimeSteps(EsoScenario eso, ScenarioWorld world)
{
    // refreshTime is written to the second (metav1.Time), so comparisons are to the second.
    private DateTimeOffset? _noted;
    private DateTimeOffset _notedAt;

    [Given("the ExternalSecret {string}'s status.refreshTime is noted")]
    public async Task GivenRefreshTimeNoted(string name)
    {
        var es = await world.Kube.GetAsync(KubeResource.ExternalSecrets, world.Namespace, name, world.Cancellation);
        _noted = RefreshTimeOf(es) ?? throw new StepFailedException(
            $"expected a status.refreshTime after the first sync; {await eso.Eso.DescribeAsync(world.Namespace, name, world.Cancellation)}");
        _notedAt = world.Kube.Time.GetUtcNow();
        world.Timeline.Mark("externalsecret", $"{name} refreshTime {_noted:HH:mm:ss} noted");
    }

    [Then("within {int} seconds the ExternalSecret {string}'s status.refreshTime moves forward to a refresh after it was noted")]
    public async Task ThenRefreshTimeMoves(int seconds, string name)
    {
        var noted = _noted ?? throw new InvalidOperationException("no refreshTime noted yet: add 'Given the ExternalSecret \"...\"'s status.refreshTime is noted'");
        var notBefore = Truncate(_notedAt);
        try
        {
            await world.Kube.WaitForAsync(KubeResource.ExternalSecrets, world.Namespace, name,
                o => RefreshTimeOf(o) is { } t && t > noted && t >= notBefore,
                $"ExternalSecret {world.Namespace}/{name} status.refreshTime to move past {Format(noted)} (noted at {Format(_notedAt)})",
                TimeSpan.FromSeconds(seconds), world.Cancellation);
        }
        catch (Fixtures.Waits.DeadlineExceededException e)
        {
            throw new StepFailedException($"{e.Message}; {await eso.Eso.DescribeAsync(world.Namespace, name, world.Cancellation)}");
        }

        var moved = RefreshTimeOf(await world.Kube.GetAsync(KubeResource.ExternalSecrets, world.Namespace, name, world.Cancellation))!.Value;
        // It says when the Secret was refreshed: not a time still to come.
        var now = world.Kube.Time.GetUtcNow();
        if (moved > now.AddSeconds(1))
            throw new StepFailedException($"status.refreshTime {Format(moved)} is in the future (now {Format(now)}): it does not tell when the Secret was refreshed");
        world.Timeline.Mark("externalsecret", $"{name} refreshTime moved to {moved:HH:mm:ss}");
    }

    private static DateTimeOffset? RefreshTimeOf(JsonObject? es) =>
        (string?)es?["status"]?["refreshTime"] is { Length: > 0 } text
            ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal)
            : null;

    private static DateTimeOffset Truncate(DateTimeOffset t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, t.Offset);

    private static string Format(DateTimeOffset t) => t.UtcDateTime.ToString("HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
