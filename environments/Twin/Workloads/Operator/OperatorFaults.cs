namespace Conformance.Twin.Workloads.Operator;

/// <summary>
/// Named faults of the twin operator (DESIGN.md §2): each breaks one behaviour, to prove that a scenario notices.
/// </summary>
public static class OperatorFaults
{
    /// <summary>podConfig.env does not reach the validator container (a regression of the §2.2 env handling).</summary>
    public const string DropsEnv = "operator-drops-env";

    /// <summary>podConfig.envFrom does not reach the validator container.</summary>
    public const string DropsEnvFrom = "operator-drops-envfrom";

    /// <summary>podConfig.credentials is ignored; docs/WEBHOOK_CONFIGURATION.md claims it needs the webhook (§2.7).</summary>
    public const string IgnoresCredentials = "operator-ignores-credentials";

    public static IReadOnlyList<string> Known { get; } = [DropsEnv, DropsEnvFrom, IgnoresCredentials];
}
