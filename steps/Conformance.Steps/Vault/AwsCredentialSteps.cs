using System.Text.RegularExpressions;
using Conformance.Fixtures.Evidence;
using Conformance.Fixtures.Kube;
using Conformance.Fixtures.Probe;
using Conformance.Runner;
using Conformance.Steps.Support;

namespace Conformance.Steps.Vault;

/// <summary>
/// ADR-017 §Pattern: Dynamic AWS Credentials on the world's AWS (moto, LocalStack): an IAM role for Vault to assume, the
/// scenario's AWS secrets engine, ADR-017's export template on the probe pod, and what the notebook did with the
/// rendered keys: who they authenticate as at STS, which Vault lease they belong to, and that their secret parts appear
/// nowhere but in the rendered file. The harness never holds the rendered secret key or session token: it compares the
/// probe's fingerprints of them with fingerprints of every candidate string in the logs it can read.
/// </summary>
[Binding]
public sealed partial class AwsCredentialSteps(ScenarioWorld world, VaultScenario vault, AwsScenario aws, ProbePod pod)
{
    private const string AccessKeyVar = "AWS_ACCESS_KEY_ID";
    private const string SecretKeyVar = "AWS_SECRET_ACCESS_KEY";
    private const string SessionTokenVar = "AWS_SESSION_TOKEN";
    private const string RegionVar = "AWS_REGION";

    // ---------------------------------------------------------------- setup

    [Given("an IAM role {string} in the world's AWS that only the world's own AWS user may assume, with read-only S3 permissions")]
    public Task GivenAnIamRole(string alias) => aws.CreateIamRoleAsync(alias);

    [Given("a Vault AWS secrets engine for the scenario, configured with the world's AWS keys and its IAM and STS endpoints")]
    public Task GivenAnEngine() => aws.EnableEngineAsync();

    [Given("a Vault AWS role {string} of credential_type assumed_role for IAM role {string} with default_sts_ttl {int}m")]
    public Task GivenAnAssumedRole(string role, string iamRole, int minutes) =>
        aws.CreateAssumedRoleAsync(role, iamRole, TimeSpan.FromMinutes(minutes));

    [Given("a Vault Kubernetes auth role {string} for ServiceAccount {string} that may read the credentials of AWS role {string}")]
    public Task GivenAnAuthRole(string alias, string serviceAccount, string role) =>
        vault.CreateAuthRoleAsync(alias, serviceAccount, [aws.CredsPath(role)]);

    [Given("the probe pod runs as ServiceAccount {string} with ADR-017's annotations for Vault role {string} and secret {string} from AWS role {string}")]
    public void GivenThePodAnnotations(string serviceAccount, string authRole, string secret, string role)
    {
        pod.ServiceAccount = serviceAccount;
        foreach (var (key, value) in InjectedProbePod.Adr017AwsAnnotations(vault.AuthRoleName(authRole), secret, aws.CredsPath(role), aws.Endpoint.Region))
        {
            pod.Annotations[key] = value;
        }
    }

    [Given("the probe calls AWS STS GetCallerIdentity with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN from {string}")]
    public void GivenTheProbeCallsSts(string path) => pod.ProbeTweaks.Add(s => s.WithAwsIdentity(new AwsIdentityProbe(
        aws.Endpoint.InClusterEndpoint, aws.Endpoint.Region,
        CredentialSource.FromExport(path, AccessKeyVar), CredentialSource.FromExport(path, SecretKeyVar), CredentialSource.FromExport(path, SessionTokenVar))));

    // ---------------------------------------------------------------- what the notebook saw and did

    /// <summary>
    /// Each of ADR-017's four exports holds a value: not empty, not Go's <c>&lt;no value&gt;</c> (what the template prints
    /// for a field Vault's answer lacks), and not the world's own keys (Vault's config/root must never reach a pod).
    /// </summary>
    [Then("the notebook saw AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN and AWS_REGION in {string}, none empty or \"<no value>\" and none the world's own keys")]
    public void ThenTheExportsHoldValues(string path)
    {
        var report = pod.Report(1);
        if (!report.ExportFilePresent(path))
        {
            throw new StepFailedException($"the notebook found no readable {path}: {report.Export(path, AccessKeyVar).Error ?? "absent"}");
        }

        var fp = TestRun.Ledger.Fingerprint;
        var forbidden = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [fp.Of("")] = "empty",
            [fp.Of("<no value>")] = "\"<no value>\" (the template named a field Vault's answer does not have)",
            [fp.Of(aws.Endpoint.AccessKeyId)] = "the world's own access key id (Vault's config/root)",
            [fp.Of(aws.Endpoint.SecretAccessKey)] = "the world's own secret key (Vault's config/root)",
        };
        var problems = new List<string>();
        foreach (var name in new[] { AccessKeyVar, SecretKeyVar, SessionTokenVar, RegionVar })
        {
            var item = report.Export(path, name);
            if (!item.Present)
            {
                problems.Add($"{name} is not exported");
            }
            else if (forbidden.TryGetValue(item.Fingerprint ?? "", out var what))
            {
                problems.Add($"{name} is {what}");
            }
        }

        if (report.Export(path, RegionVar) is { Present: true } region && region.Fingerprint != fp.Of(aws.Endpoint.Region))
        {
            problems.Add($"{RegionVar} is not the world's region {aws.Endpoint.Region}");
        }

        if (problems.Count > 0)
        {
            throw new StepFailedException($"{path} does not hold ADR-017's four exports as it should: " + string.Join("; ", problems));
        }
    }

    /// <summary>
    /// STS recognised the rendered triple (key, secret key, session token) as a session of the scenario's IAM role, and
    /// the session name is the one Vault's AWS engine gives an assumed_role read by this ServiceAccount's token
    /// (path_config_root.go defaultUserNameTemplate: <c>vault-&lt;display name&gt;-&lt;vault role&gt;</c> cut to 42, then the
    /// time and 20 random characters). Only Vault was configured to assume that role, and only for this login.
    /// </summary>
    [Then("the notebook authenticated to AWS STS as IAM role {string}, in a session Vault named for ServiceAccount {string} and AWS role {string}")]
    public async Task ThenAuthenticatedAsTheRole(string iamRole, string serviceAccount, string role)
    {
        var report = pod.Report(1);
        var identity = report.AwsIdentity ?? throw new StepFailedException("the probe made no STS call (add 'the probe calls AWS STS GetCallerIdentity ...')");
        if (!identity.Authenticated)
        {
            throw new StepFailedException(
                $"STS refused the rendered credentials: {(identity.Attempted ? $"HTTP {identity.Status} {identity.ErrorCode ?? identity.ErrorClass}" : identity.ErrorClass)}; "
                + $"values read: {string.Join(", ", identity.Values.Select(v => v.Key + (v.Value is { } x ? $" {x.Fingerprint} ({x.Length} chars)" : " absent")))}");
        }

        var harness = await aws.HarnessIdentityAsync();
        var session = $"vault-{Cut($"{Normalize($"kubernetes-{world.Namespace}-{serviceAccount}")}-{Normalize(role)}", 42)}-";
        var expected = $"arn:aws:sts::{harness.Account}:assumed-role/{aws.IamRoleName(iamRole)}/";
        var arn = identity.Arn ?? "";
        if (!arn.StartsWith(expected, StringComparison.Ordinal) || !arn[Math.Min(arn.Length, expected.Length)..].StartsWith(session, StringComparison.Ordinal))
        {
            throw new StepFailedException(
                $"expected the rendered keys to authenticate as {expected}{session}<time>-<random>, a session Vault opened for ServiceAccount "
                + $"{serviceAccount} and AWS role {role}; STS says they are {(arn.Length == 0 ? "(no ARN)" : arn)}");
        }

        world.Timeline.Mark("aws", "notebook authenticated as the assumed role");
    }

    /// <summary>ADR-017's credentials are STS credentials: Vault leases them, and the lease cannot be renewed (vault.md §2.2).</summary>
    [Then("Vault holds a lease of AWS role {string} for the pod, not renewable and no longer than the role's default_sts_ttl")]
    public async Task ThenVaultHoldsALease(string role)
    {
        var ids = await vault.Vault.ListLeasesAsync(aws.CredsPath(role), world.Cancellation);
        if (ids.Count == 0)
        {
            throw new StepFailedException($"Vault holds no lease under {aws.CredsPath(role)}: the credentials the pod received were not issued by that role");
        }

        var ttl = aws.DefaultStsTtl(role);
        foreach (var id in ids)
        {
            var lease = await vault.Vault.LookupLeaseAsync(id, world.Cancellation);
            if (lease.Renewable || lease.Ttl <= 0 || lease.Ttl > ttl.TotalSeconds)
            {
                throw new StepFailedException(
                    $"expected lease {id} to be non-renewable with a TTL of at most {ttl.TotalSeconds:0}s (default_sts_ttl), but it is renewable={lease.Renewable} with {lease.Ttl}s left");
            }
        }

        world.Timeline.Mark("aws", $"{ids.Count} lease(s) of {role}");
    }

    /// <summary>
    /// The secret key and session token must stay in the rendered file. The harness does not know them; it fingerprints
    /// every run of key characters (and every window of the values' lengths inside longer runs) in the probe pod's
    /// container logs, its events and the controllers' logs, and compares with the fingerprints the notebook reported.
    /// </summary>
    [Then("neither the AWS secret key nor the session token the notebook saw appears in the probe pod's logs, its namespace's events or the controllers' logs")]
    public async Task ThenTheSecretsDidNotLeak()
    {
        var identity = pod.Report(1).AwsIdentity ?? throw new StepFailedException("the probe made no STS call, so it reported no fingerprints to look for");
        var wanted = new Dictionary<string, (string Fingerprint, int Length)>(StringComparer.Ordinal);
        foreach (var name in new[] { "secret_key", "session_token" })
        {
            if (identity.Values.TryGetValue(name, out var v) && v is { Length: > 0 } value)
            {
                wanted[name] = value;
            }
        }

        if (wanted.Count == 0)
        {
            throw new StepFailedException("the notebook saw no secret key or session token, so there is nothing to look for");
        }

        var sources = new List<(string Where, string Text)>();
        var created = pod.Created ?? throw new StepFailedException("the probe pod was not created");
        foreach (var container in (created.Spec.InitContainers ?? []).Concat(created.Spec.Containers).Select(c => c.Name))
        {
            var log = await world.Kube.GetPodLogAsync(world.Namespace, pod.Name, container, cancellationToken: world.Cancellation) ?? "";
            sources.Add(($"container {container} of pod {pod.Name}", log));
        }

        var events = await world.Kube.EventsInAsync(world.Namespace, world.Cancellation);
        sources.Add(($"events in {world.Namespace}", string.Join("\n", events.Select(e => e.ToString()))));
        if (world.World.Diagnostics is { } diagnostics)
        {
            var logged = (await diagnostics.AllLogsAsync(world.StartedAt, DateTimeOffset.UtcNow, world.Cancellation)).ToLookup(l => l.Component);
            sources.AddRange(diagnostics.Components.Select(c => ($"the {c} log", string.Join("\n", logged[c].Select(l => l.Line.Text)))));
        }

        var fingerprint = TestRun.Ledger.Fingerprint;
        var hits = new List<string>();
        foreach (var (where, text) in sources)
        {
            foreach (Match run in KeyCharacters().Matches(text))
            {
                foreach (var (name, value) in wanted)
                {
                    for (var i = 0; i + value.Length <= run.Length; i++)
                    {
                        if (fingerprint.Of(run.Value.Substring(i, value.Length)) == value.Fingerprint)
                        {
                            hits.Add($"the {name} ({value.Fingerprint}) in {where}");
                            break;
                        }
                    }
                }
            }
        }

        if (hits.Count > 0)
        {
            throw new StepFailedException("the rendered AWS secrets leaked:\n  " + string.Join("\n  ", hits.Distinct()));
        }

        world.Timeline.Mark("aws", $"no leak in {sources.Count} log(s)");
    }

    // The characters of AWS secret keys and session tokens (base64).
    [GeneratedRegex("[A-Za-z0-9/+=]{16,}")]
    private static partial Regex KeyCharacters();

    private static string Cut(string s, int n) => s.Length <= n ? s : s[..n];

    // secret_access_keys.go normalizeDisplayName
    private static string Normalize(string s) => Regex.Replace(s, "[^a-zA-Z0-9+=,.@_-]", "_");
}
