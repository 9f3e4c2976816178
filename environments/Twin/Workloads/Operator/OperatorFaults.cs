namespace Conformance.Twin.Workloads.Operator;

/// <summary>
/// Named faults of the twin operator (DESIGN.md §2): each breaks one behaviour, to prove that a scenario notices.
/// What each models and where that failure was seen is in the fault catalogue (Conformance.Environments TwinFaultCatalogue).
/// </summary>
public static class OperatorFaults
{
    /// <summary>podConfig.env does not reach the validator container (a regression of the §2.2 env handling).</summary>
    public const string DropsEnv = "operator-drops-env";

    /// <summary>podConfig.envFrom does not reach the validator container.</summary>
    public const string DropsEnvFrom = "operator-drops-envfrom";

    /// <summary>podConfig.credentials is ignored; docs/WEBHOOK_CONFIGURATION.md claims it needs the webhook (§2.7).</summary>
    public const string IgnoresCredentials = "operator-ignores-credentials";

    /// <summary>A validator pod that Failed because the notebook failed is reported as Succeeded (cf. §2.4, §2.7: v1.0.8
    /// already reports Succeeded when it cannot read or parse the results).</summary>
    public const string SucceedsFailingNotebook = "operator-succeeds-failing-notebook";

    /// <summary>MaxRetries (§2.6) is never reached: a failing pod is deleted and recreated forever, the job never ends.</summary>
    public const string RetriesForever = "operator-retries-forever";

    /// <summary>The terminal status.message quotes a value of a Secret the job references (the operator reads Secrets
    /// itself, §2.3, and already copies validator log lines into the message, §2.5 MSG(n)).</summary>
    public const string CopiesSecretIntoMessage = "operator-copies-secret-into-message";

    /// <summary>The controller logs a value of a Secret the job references when it creates the validation pod.</summary>
    public const string LogsSecretValue = "operator-logs-secret-value";

    /// <summary>HTTPS git credentials are spliced into the clone URL inside the init container's command, as v1.0.8
    /// does (§2.3), instead of reaching git through env secretKeyRefs: the token is in the pod spec.</summary>
    public const string EmbedsGitToken = "operator-embeds-git-token";

    public static IReadOnlyList<string> Known { get; } =
        [DropsEnv, DropsEnvFrom, IgnoresCredentials, SucceedsFailingNotebook, RetriesForever, CopiesSecretIntoMessage, LogsSecretValue, EmbedsGitToken];
}
