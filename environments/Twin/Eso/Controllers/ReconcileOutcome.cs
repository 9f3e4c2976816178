namespace Conformance.Twin.Eso.Controllers;

/// <summary>controller-runtime's ctrl.Result plus error: what the work queue does next with a key.</summary>
public sealed record ReconcileOutcome(TimeSpan? RequeueAfter = null, bool RequeueNow = false, Exception? Error = null)
{
    public static ReconcileOutcome Done { get; } = new();
    public static ReconcileOutcome Now { get; } = new(RequeueNow: true);
    public static ReconcileOutcome After(TimeSpan? delay) => delay is null ? Done : delay.Value <= TimeSpan.Zero ? Now : new(RequeueAfter: delay);
    public static ReconcileOutcome Failed(Exception error) => new(Error: error);
}
