using Xunit;
using SharedMoto = Conformance.Fixtures.Aws.MotoServer;

namespace Conformance.Tests.TwinVaultTests;

/// <summary>
/// moto_server (the AWS emulator) for the Vault AWS-engine tests, through the shared launcher in
/// fixtures/Aws/MotoServer; when moto is not installed, <see cref="SkipReason"/> says so and how to install it.
/// </summary>
public sealed class MotoServer : IAsyncLifetime
{
    private SharedMoto? _server;

    public Uri? Endpoint => _server?.Endpoint;
    public string? SkipReason { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (SharedMoto.Locate() is null)
        {
            SkipReason = SharedMoto.WhyUnavailable;
            return;
        }

        _server = await SharedMoto.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
