namespace Conformance.Environments.Twin;

/// <summary>How the twin world is put together. Defaults give the faithful (upstream) operator and no faults.</summary>
public sealed record TwinOptions
{
    /// <summary>`upstream` (operator v1.0.8 as released) or `contract` (what the ADRs promise).</summary>
    public string OperatorProfile { get; init; } = "upstream";

    /// <summary>Named faults, each breaking one behaviour of one twin component (CONFORMANCE_TWIN_FAULTS).</summary>
    public IReadOnlyList<string> Faults { get; init; } = [];

    /// <summary>A Postgres superuser DSN for Vault's database engine (CONFORMANCE_POSTGRES_DSN); none disables it.</summary>
    public string? PostgresDsn { get; init; }

    /// <summary>
    /// Without a DSN, start a throw-away Postgres with the machine's initdb (LocalPostgresCluster) so database scenarios
    /// run anyway; off by default for tests that build a twin directly, on for runs (CONFORMANCE_LOCAL_POSTGRES=0 turns it off).
    /// </summary>
    public bool StartLocalPostgres { get; init; }

    /// <summary>Start moto_server for AWS (CONFORMANCE_TWIN_AWS=0 turns it off, e.g. for Tier 1-only child runs).</summary>
    public bool StartAws { get; init; } = true;

    /// <summary>Where the twin keeps its kubeconfig, pod folders and git repositories; a fresh temp folder when null.</summary>
    public string? WorkDirectory { get; init; }

    /// <summary>Receives the twin components' diagnostics (never secret values); null discards them.</summary>
    public Action<string>? Log { get; init; }

    public static TwinOptions FromEnvironment() => new()
    {
        OperatorProfile = Environment.GetEnvironmentVariable("CONFORMANCE_OPERATOR_PROFILE") is { Length: > 0 } p ? p : "upstream",
        Faults = (Environment.GetEnvironmentVariable("CONFORMANCE_TWIN_FAULTS") ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        PostgresDsn = Environment.GetEnvironmentVariable("CONFORMANCE_POSTGRES_DSN") is { Length: > 0 } dsn ? dsn : null,
        StartLocalPostgres = Environment.GetEnvironmentVariable("CONFORMANCE_LOCAL_POSTGRES") != "0",
        StartAws = Environment.GetEnvironmentVariable("CONFORMANCE_TWIN_AWS") != "0",
    };
}
