using Conformance.Fixtures.Aws;
using Conformance.Fixtures.Vault;
using Conformance.Fixtures.Worlds;
using Conformance.Steps.Support;

namespace Conformance.Steps.Vault;

/// <summary>
/// One Tier 3 AWS scenario's state: the IAM roles it made in the world's AWS (moto, LocalStack) for Vault to assume,
/// its own AWS secrets engine mount <c>aws-&lt;namespace&gt;</c> configured with the world's keys and endpoints (so parallel
/// scenarios never share a config/root or a role), and the Vault AWS roles on it. Disposed at the end of the scenario:
/// the mount disabled (which revokes its leases), the IAM roles deleted.
/// </summary>
public sealed class AwsScenario(ScenarioWorld world, VaultScenario vault) : IAsyncDisposable
{
    /// <summary>The inline policy each scenario IAM role carries: ADR-017's "S3ReadOnlyRole", read-only S3.</summary>
    public const string ReadOnlyPolicyName = "s3-read-only";
    private const string ReadOnlyPolicy =
        """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}""";

    private readonly Dictionary<string, string> _iamRoles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TimeSpan> _vaultRoles = new(StringComparer.Ordinal);
    private IamStsClient? _aws;
    private CallerIdentity? _harness;
    private bool _mounted;

    public AwsEndpoint Endpoint => world.World.Aws ?? throw new StepFailedException("this world has no AWS endpoint (tag the scenario @needs:aws)");

    /// <summary>IAM and STS as the harness reaches them, signed with the world's keys.</summary>
    public IamStsClient Aws => _aws ??= new IamStsClient(Endpoint.Endpoint, Endpoint.Region, new AwsCredentials(Endpoint.AccessKeyId, Endpoint.SecretAccessKey));

    /// <summary>The scenario's AWS secrets engine mount.</summary>
    public string Mount => $"aws-{world.Namespace}";

    /// <summary>Who the world's keys are (the principal Vault calls AWS as, since config/root holds the same keys).</summary>
    public async Task<CallerIdentity> HarnessIdentityAsync() => _harness ??= await Aws.GetCallerIdentityAsync(world.Cancellation);

    /// <summary>The IAM name of the scenario's role <paramref name="alias"/>: unique per namespace, at most 64 characters.</summary>
    public string IamRoleName(string alias)
    {
        var name = $"{world.Namespace}-{alias}";
        return name.Length <= 64 ? name : name[..64];
    }

    public string IamRoleArn(string alias) => _iamRoles.TryGetValue(alias, out var arn)
        ? arn
        : throw new InvalidOperationException($"the scenario made no IAM role \"{alias}\" (known: {string.Join(", ", _iamRoles.Keys)}); add 'Given an IAM role \"{alias}\" ...'");

    /// <summary>
    /// An IAM role whose trust policy lets the world's own principal (the keys Vault's config/root holds) assume it, with
    /// read-only S3 permissions. Nobody else is configured to assume it: credentials for it come from Vault.
    /// </summary>
    public async Task CreateIamRoleAsync(string alias)
    {
        var harness = await HarnessIdentityAsync();
        var trust = $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"{{harness.Arn}}"},"Action":"sts:AssumeRole"}]}""";
        var name = IamRoleName(alias);
        var arn = await Aws.CreateRoleAsync(name, trust, world.Cancellation);
        _iamRoles[alias] = arn;
        await Aws.PutRolePolicyAsync(name, ReadOnlyPolicyName, ReadOnlyPolicy, world.Cancellation);
    }

    /// <summary>
    /// ADR-017 §Pattern: Dynamic AWS Credentials step 1 on the scenario's mount: <c>secrets enable aws</c>, then
    /// <c>aws/config/root</c> with the world's keys, and the IAM and STS endpoints as Vault reaches them (the in-cluster
    /// address: Vault runs beside the cluster's workloads; on the twin both addresses are the same).
    /// </summary>
    public async Task EnableEngineAsync()
    {
        await vault.Vault.EnableSecretsEngineAsync(Mount, "aws", description: $"conformance scenario {world.Namespace}", cancellationToken: world.Cancellation);
        _mounted = true;
        var aws = Endpoint;
        await vault.Vault.ConfigureAwsRootAsync(aws.AccessKeyId, aws.SecretAccessKey, aws.Region, aws.InClusterEndpoint, aws.InClusterEndpoint, Mount, world.Cancellation);
    }

    /// <summary><c>aws/roles/&lt;role&gt;</c> with credential_type assumed_role for the scenario's IAM role.</summary>
    public async Task CreateAssumedRoleAsync(string role, string iamRole, TimeSpan defaultStsTtl)
    {
        await vault.Vault.WriteAwsAssumedRoleAsync(role, [IamRoleArn(iamRole)], defaultStsTtl, defaultStsTtl, Mount, world.Cancellation);
        _vaultRoles[role] = defaultStsTtl;
        world.Timeline.Configure($"{role} default_sts_ttl", defaultStsTtl);
    }

    public TimeSpan DefaultStsTtl(string role) => _vaultRoles.TryGetValue(role, out var ttl)
        ? ttl
        : throw new InvalidOperationException($"the scenario made no Vault AWS role \"{role}\" (known: {string.Join(", ", _vaultRoles.Keys)})");

    /// <summary>The path a template or policy names for the role's credentials (ADR-017: <c>aws/creds/s3-readonly</c>).</summary>
    public string CredsPath(string role)
    {
        DefaultStsTtl(role);
        return $"{Mount}/creds/{role}";
    }

    public async ValueTask DisposeAsync()
    {
        using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        if (_mounted)
        {
            await Quietly(() => vault.Vault.DisableSecretsEngineAsync(Mount, cleanup.Token));
        }

        foreach (var alias in _iamRoles.Keys)
        {
            await Quietly(() => Aws.DeleteRoleAsync(IamRoleName(alias), ReadOnlyPolicyName, cleanup.Token));
        }

        _aws?.Dispose();
    }

    // Clean-up must not hide the scenario's own verdict; moto and LocalStack are thrown away with the world.
    private static async Task Quietly(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e) when (e is VaultException or AwsQueryException or OperationCanceledException or HttpRequestException)
        {
        }
    }
}
