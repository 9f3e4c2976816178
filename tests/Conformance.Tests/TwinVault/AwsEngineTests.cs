using System.Net;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.TwinVaultTests;

/// <summary>The AWS secrets engine against moto_server (reference/vault.md §3.4): real IAM users and keys, STS AssumeRole.</summary>
public sealed class AwsEngineTests(MotoServer moto) : IClassFixture<MotoServer>
{
    private const string Policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}""";

    private async Task<TestVault> ConfiguredAsync(IReadOnlyCollection<string>? faults = null)
    {
        if (moto.Endpoint is null) Assert.Skip(moto.SkipReason ?? "no moto_server");
        var v = await TestVault.StartAsync(faults: faults);
        (await v.Root.PostAsync("sys/mounts/aws", new { type = "aws" })).Status.Should().Be(HttpStatusCode.NoContent);
        (await v.Root.PostAsync("aws/config/root", new
        {
            access_key = "AKIAIOSFODNN7EXAMPLE", secret_key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", region = "us-east-1",
            iam_endpoint = moto.Endpoint.ToString().TrimEnd('/'), sts_endpoint = moto.Endpoint.ToString().TrimEnd('/'),
        })).Status.Should().Be(HttpStatusCode.NoContent);
        (await v.Root.PostAsync("aws/config/lease", new { lease = "1m", lease_max = "5m" })).Status.Should().Be(HttpStatusCode.NoContent);
        return v;
    }

    private Twin.Vault.Aws.AwsQueryClient Iam() =>
        new(new HttpClient(), "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", TimeProvider.System);

    [Fact]
    public async Task Iam_user_credentials_are_real_and_revoking_the_lease_deletes_the_user()
    {
        await using var v = await ConfiguredAsync();
        (await v.Root.PostAsync("aws/roles/reader", new { credential_type = "iam_user", policy_document = Policy })).Status.Should().Be(HttpStatusCode.NoContent);
        (await v.Root.GetAsync("aws/roles/reader")).Data["credential_type"]!.GetValue<string>().Should().Be("iam_user");
        var creds = await v.Root.GetAsync("aws/creds/reader");
        creds.Status.Should().Be(HttpStatusCode.OK, creds.ToString());
        var accessKey = creds.Data["access_key"]!.GetValue<string>();
        accessKey.Should().NotBeNullOrEmpty();
        creds.Data["secret_key"]!.GetValue<string>().Should().NotBeNullOrEmpty();
        creds.Data["session_token"].Should().BeNull();
        creds.Body!["renewable"]!.GetValue<bool>().Should().BeTrue();
        creds.Body["lease_duration"]!.GetValue<long>().Should().Be(60);
        var leaseId = creds.Body["lease_id"]!.GetValue<string>();
        leaseId.Should().StartWith("aws/creds/reader/");

        var endpoint = moto.Endpoint!.ToString();
        var users = await Iam().IamAsync(endpoint, "ListUsers", [], TestContext.Current.CancellationToken);
        var user = Twin.Vault.Aws.AwsQueryClient.All(users, "UserName").Single(u => u.StartsWith("vault-root-reader-", StringComparison.Ordinal));
        var keys = await Iam().IamAsync(endpoint, "ListAccessKeys", [("UserName", user)], TestContext.Current.CancellationToken);
        Twin.Vault.Aws.AwsQueryClient.All(keys, "AccessKeyId").Should().Equal(accessKey);
        var inline = await Iam().IamAsync(endpoint, "ListUserPolicies", [("UserName", user)], TestContext.Current.CancellationToken);
        Twin.Vault.Aws.AwsQueryClient.All(inline, "member").Should().Equal("reader");

        var renewed = await v.Root.PostAsync("sys/leases/renew", new { lease_id = leaseId, increment = "10m" });
        renewed.Body!["lease_duration"]!.GetValue<long>().Should().BeInRange(298, 300, "capped at lease_max 5m");
        renewed.Warnings.Should().ContainSingle();

        (await v.Root.PostAsync("sys/leases/revoke", new { lease_id = leaseId })).Status.Should().Be(HttpStatusCode.NoContent);
        var gone = async () => await Iam().IamAsync(endpoint, "GetUser", [("UserName", user)], TestContext.Current.CancellationToken);
        (await gone.Should().ThrowAsync<Twin.Vault.Aws.AwsQueryClient.AwsError>()).Which.Code.Should().Be("NoSuchEntity");
    }

    [Fact]
    public async Task Assumed_role_credentials_come_from_sts_with_a_non_renewable_lease()
    {
        await using var v = await ConfiguredAsync();
        const string arn = "arn:aws:iam::123456789012:role/notebook";
        (await v.Root.PostAsync("aws/roles/sts", new { credential_type = "assumed_role", role_arns = new[] { arn }, default_sts_ttl = "15m" })).Status.Should().Be(HttpStatusCode.NoContent);
        var creds = await v.Root.PostAsync("aws/sts/sts", new { ttl = "20m" });
        creds.Status.Should().Be(HttpStatusCode.OK, creds.ToString());
        creds.Data["session_token"]!.GetValue<string>().Should().NotBeEmpty();
        creds.Data["security_token"]!.GetValue<string>().Should().Be(creds.Data["session_token"]!.GetValue<string>(), "Vault >= 1.16 returns both names");
        // The session name follows the IAM branch of Vault's username template: vault-<display name>-<role>-<unix>-<random 20>.
        creds.Data["arn"]!.GetValue<string>().Should().MatchRegex("^arn:aws:sts::[0-9]+:assumed-role/notebook/vault-root-sts-[0-9]+-[A-Za-z0-9]{20}$");
        creds.Body!["renewable"]!.GetValue<bool>().Should().BeFalse();
        creds.Body["lease_duration"]!.GetValue<long>().Should().Be(1200);
        var leaseId = creds.Body["lease_id"]!.GetValue<string>();
        leaseId.Should().StartWith("aws/sts/sts/");
        (await v.Root.PostAsync("sys/leases/renew", new { lease_id = leaseId })).Errors.Should().Equal("lease is not renewable");
        (await v.Root.PostAsync("aws/roles/bad", new { credential_type = "iam_user", role_arns = new[] { arn } })).Errors.Should().Equal("cannot supply role_arns when credential_type isn't assumed_role");
        (await v.Root.GetAsync("aws/config/root")).Data.ContainsKey("secret_key").Should().BeFalse();
    }

    [Fact]
    public async Task Under_the_drops_security_token_fault_sts_credentials_carry_session_token_only()
    {
        await using var v = await ConfiguredAsync([Twin.Vault.TwinVaultFaults.AwsDropsSecurityToken]);
        (await v.Root.PostAsync("aws/roles/sts", new { credential_type = "assumed_role", role_arns = new[] { "arn:aws:iam::123456789012:role/notebook" } }))
            .Status.Should().Be(HttpStatusCode.NoContent);
        var creds = await v.Root.GetAsync("aws/creds/sts");
        creds.Status.Should().Be(HttpStatusCode.OK, creds.ToString());
        creds.Data["session_token"]!.GetValue<string>().Should().NotBeEmpty();
        creds.Data.ContainsKey("security_token").Should().BeFalse();
        creds.Body!["lease_duration"]!.GetValue<long>().Should().Be(3600, "without default_sts_ttl an STS credential lives 1h");
    }
}
