using System.Text;
using Conformance.Fixtures.Reporting;
using Conformance.Fixtures.Worlds;
using Conformance.Runner.Results;

namespace Conformance.Tests.Reporting;

/// <summary>A small run with one scenario of every kind the report distinguishes, built through the runner's own model.</summary>
internal static class SampleRun
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);

    public static RunResults Results(Action<RunResults>? more = null)
    {
        var run = new RunResults("sample-run", T0) { FinishedAt = T0.AddMinutes(2) };
        run.Record(Scenario("p1", "features/tier1.feature", "Tier 1", "A Secret key reaches the notebook", 10, ["@tier1"], ScenarioStatus.Passed, 4200));
        run.Record(Scenario("f1", "features/tier1.feature", "Tier 1", "A missing Secret fails the job", 20, ["@tier1", "@negative"], ScenarioStatus.Failed, 9000,
            error: "features/tier1.feature:23: Then the job fails within 10 seconds\nwaited 10s for job phase Failed (deadline 2026-11-20T10:00:33.000Z); last observed: phase=Running, pod probe-x Pending",
            evidence: "evidence/tier1-L20-a-missing-secret-fails-the-job"));
        run.Record(Scenario("k1", "features/tier1.feature", "Tier 1", "Built-in env is kept", 30, ["@tier1", "@known-defect:user-env-drops-builtin-env"], ScenarioStatus.ExpectedFailure, 5000,
            error: "expected VALIDATION_LEVEL", knownDefect: "user-env-drops-builtin-env"));
        var timeline = new Timeline();
        timeline.Configure("refreshInterval", TimeSpan.FromSeconds(3));
        timeline.Mark("secret", "rotated", T0.AddSeconds(1));
        timeline.Mark("secret", "Secret updated", T0.AddSeconds(3.4), TimeSpan.FromSeconds(10));
        timeline.Mark("job", "next job saw it", T0.AddSeconds(9.8), TimeSpan.FromSeconds(30));
        run.Record(Scenario("r2", "features/tier2.feature", "Tier 2", "A rotated value reaches the next job after refresh", 12, ["@tier2", "@eso", "@lifecycle"], ScenarioStatus.Passed, 11000,
            timeline: timeline.ToJson()));
        run.Record(Scenario("s3", "features/tier3.feature", "Tier 3", "Leases are revoked at pod end", 40, ["@tier3", "@lifecycle", "@needs:postgres"], ScenarioStatus.Skipped, 1,
            reason: "needs postgres: CONFORMANCE_POSTGRES_DSN is unset"));
        more?.Invoke(run);
        return run;
    }

    public static ReportEnvironment Twin => new("twin", false, "--env twin", [new Component("operator", "v1.0.8 (twin, profile upstream)")]);

    public static ReportEnvironment K3s => new("k3s", true, "--env k3s",
    [
        new Component("k3s", "v1.33.1+k3s1", "rancher/k3s:v1.33.1-k3s1", "sha256:" + new string('a', 64)),
        new Component("external-secrets", "2.9.0"),
        new Component("vault", "2.0.4", "hashicorp/vault:2.0.4"),
        new Component("operator", "1.0.8", "quay.io/takinosh/jupyter-notebook-validator-operator:1.0.8"),
    ]);

    public static ScenarioResult Scenario(string id, string uri, string feature, string name, int line, string[] tags, ScenarioStatus status, double ms,
        string? error = null, string? evidence = null, string? knownDefect = null, string? timeline = null, string? reason = null)
    {
        var result = new ScenarioResult
        {
            Id = id,
            FeatureUri = uri,
            FeatureName = feature,
            Name = name,
            DisplayName = $"{feature}: {name}",
            Line = line,
            Tags = tags,
            Status = status,
            Error = error,
            Reason = reason,
            KnownDefect = knownDefect,
            StartedAt = T0,
            Duration = TimeSpan.FromMilliseconds(ms),
        };
        result.Steps.Add(new StepResult { Id = id + "-1", Keyword = "Given ", Text = "a fresh namespace", Line = line + 1, Status = StepStatus.Passed, Duration = TimeSpan.FromMilliseconds(40) });
        result.Steps.Add(new StepResult
        {
            Id = id + "-2", Keyword = "Then ", Text = name.Contains("refresh", StringComparison.Ordinal) ? "the Secret is updated within 10 seconds" : "the job succeeds",
            Line = line + 2, Status = status == ScenarioStatus.Failed ? StepStatus.Failed : StepStatus.Passed, Error = error, Duration = TimeSpan.FromMilliseconds(Math.Max(ms - 40, 0)),
        });
        if (evidence is not null)
            result.Attachments.Add(new AttachmentResult { Name = ReportBuilder.EvidenceAttachment, MediaType = "text/plain", Content = Encoding.UTF8.GetBytes(evidence) });
        if (timeline is not null)
            result.Attachments.Add(new AttachmentResult { Name = Timeline.AttachmentName, MediaType = "application/json", Content = Encoding.UTF8.GetBytes(timeline) });
        return result;
    }
}
