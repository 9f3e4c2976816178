using Conformance.Fixtures.Aws;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.ExternalSecrets;

/// <summary>moto_server started with authentication on: the harness key works, unknown or wrong keys are refused as AWS does.</summary>
public sealed class MotoAuthenticationTests : IAsyncLifetime
{
    private MotoServer? _moto;

    public async ValueTask InitializeAsync()
    {
        if (MotoServer.Locate() is not null)
            _moto = await MotoServer.StartAuthenticatingAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_moto is not null)
            await _moto.DisposeAsync();
    }

    [Fact]
    public async Task The_harness_key_signs_for_Secrets_Manager_and_wrong_keys_are_refused()
    {
        Assert.SkipWhen(_moto is null, MotoServer.WhyUnavailable);
        _moto!.Authenticates.Should().BeTrue();
        _moto.Credentials.AccessKeyId.Should().StartWith("AKIA", "moto's IAM issues AKIA keys");
        var ct = TestContext.Current.CancellationToken;

        using var harness = new SecretsManagerClient(_moto.Endpoint, _moto.Region, _moto.Credentials);
        await harness.CreateSecretAsync("ns/auth-check", """{"password":"value-one"}""", cancellationToken: ct);
        (await harness.GetSecretValueAsync("ns/auth-check", cancellationToken: ct)).SecretString.Should().Contain("value-one");

        using var unknown = new SecretsManagerClient(_moto.Endpoint, _moto.Region, new AwsCredentials("AKIAUNKNOWNKEY000001", "whatever-secret"));
        var refusedUnknown = await FluentActions.Awaiting(() => unknown.GetSecretValueAsync("ns/auth-check", cancellationToken: ct))
            .Should().ThrowAsync<SecretsManagerException>();
        refusedUnknown.Which.Status.Should().Be(System.Net.HttpStatusCode.Forbidden);

        using var wrongSecret = new SecretsManagerClient(_moto.Endpoint, _moto.Region, _moto.Credentials with { SecretAccessKey = "not-the-secret" });
        var refusedWrong = await FluentActions.Awaiting(() => wrongSecret.GetSecretValueAsync("ns/auth-check", cancellationToken: ct))
            .Should().ThrowAsync<SecretsManagerException>();
        refusedWrong.Which.Status.Should().Be(System.Net.HttpStatusCode.Forbidden);
    }
}
