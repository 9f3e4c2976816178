using System.Text;
using System.Text.Json.Nodes;
using Conformance.Environments.Twin.Aws;
using Conformance.Fixtures.Aws;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Faults;

/// <summary>aws-returns-previous-for-current: the proxy in front of moto_server changes GetSecretValue for the current version only.</summary>
public sealed class AwsFaultProxyTests
{
    [Theory]
    [InlineData("""{"SecretId":"s"}""", true)]
    [InlineData("""{"SecretId":"s","VersionStage":"AWSCURRENT"}""", true)]
    [InlineData("""{"SecretId":"s","VersionStage":"AWSPREVIOUS"}""", false)]
    [InlineData("""{"SecretId":"s","VersionId":"v-1"}""", false)]
    public void Only_a_read_of_the_current_version_is_rewritten(string body, bool rewritten)
    {
        var result = SecretsManagerFaultProxy.AskForPrevious("secretsmanager.GetSecretValue", body);
        if (rewritten)
        {
            ((string?)JsonNode.Parse(result!)!["VersionStage"]).Should().Be("AWSPREVIOUS");
        }
        else
        {
            result.Should().BeNull();
        }
    }

    [Fact]
    public void Other_operations_pass_unchanged() =>
        SecretsManagerFaultProxy.AskForPrevious("secretsmanager.PutSecretValue", """{"SecretId":"s","SecretString":"x"}""").Should().BeNull();

    [Fact]
    public void The_previous_version_is_labelled_current() =>
        JsonNode.Parse(SecretsManagerFaultProxy.LabelAsCurrent("""{"SecretString":"old","VersionStages":["AWSPREVIOUS"]}"""))!["VersionStages"]!
            .AsArray().Select(n => (string?)n).Should().Equal("AWSCURRENT");

    [Fact]
    public async Task Against_authenticating_moto_only_the_current_read_changes_and_every_signature_still_holds()
    {
        if (MotoServer.Locate() is null) Assert.Skip(MotoServer.WhyUnavailable);
        var ct = TestContext.Current.CancellationToken;
        await using var moto = await MotoServer.StartAuthenticatingAsync(cancellationToken: ct);
        await using var proxy = await SecretsManagerFaultProxy.StartAsync(moto.Endpoint, moto.Credentials, ct);
        using var direct = new SecretsManagerClient(moto.Endpoint, moto.Region, moto.Credentials);
        using var viaProxy = new SecretsManagerClient(proxy.Endpoint, moto.Region, moto.Credentials);
        using var stsViaProxy = new IamStsClient(proxy.Endpoint, moto.Region, moto.Credentials);

        await direct.CreateSecretAsync("rotated", "v1", cancellationToken: ct);
        await direct.PutSecretValueAsync("rotated", "v2", cancellationToken: ct);
        await viaProxy.CreateSecretAsync("fresh", "only", cancellationToken: ct);

        (await direct.GetSecretValueAsync("rotated", cancellationToken: ct)).SecretString.Should().Be("v2", "moto itself is faithful");
        (await viaProxy.GetSecretValueAsync("rotated", cancellationToken: ct)).SecretString.Should().Be("v1", "through the fault, AWSCURRENT answers AWSPREVIOUS");
        (await viaProxy.GetSecretValueAsync("rotated", versionStage: "AWSPREVIOUS", cancellationToken: ct)).SecretString.Should().Be("v1");
        (await viaProxy.GetSecretValueAsync("fresh", cancellationToken: ct)).SecretString.Should().Be("only", "with no previous version the current one is served");
        (await stsViaProxy.GetCallerIdentityAsync(ct)).Arn.Should().EndWith("user/" + MotoServer.HarnessUser,
            "calls the fault does not target keep their signatures valid through the proxy");
    }

    [Fact]
    public async Task Through_the_proxy_other_keys_are_still_refused()
    {
        if (MotoServer.Locate() is null) Assert.Skip(MotoServer.WhyUnavailable);
        var ct = TestContext.Current.CancellationToken;
        await using var moto = await MotoServer.StartAuthenticatingAsync(cancellationToken: ct);
        await using var proxy = await SecretsManagerFaultProxy.StartAsync(moto.Endpoint, moto.Credentials, ct);
        using var direct = new SecretsManagerClient(moto.Endpoint, moto.Region, moto.Credentials);
        using var wrongKeys = new SecretsManagerClient(proxy.Endpoint, moto.Region, new AwsCredentials(moto.Credentials.AccessKeyId, "not-the-secret-key"));
        await direct.CreateSecretAsync("guarded", "v1", cancellationToken: ct);
        await direct.PutSecretValueAsync("guarded", "v2", cancellationToken: ct);

        var read = () => wrongKeys.GetSecretValueAsync("guarded", cancellationToken: ct);

        (await read.Should().ThrowAsync<Exception>()).Which.Message.Should().Contain("HTTP 403",
            "the proxy signs again only what the world's own keys signed; lent keys would read v1");
    }
}
