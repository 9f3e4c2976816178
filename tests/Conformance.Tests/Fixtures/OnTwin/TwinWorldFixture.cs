using Conformance.Environments.Twin;
using Conformance.Fixtures.Secrets;
using Conformance.Fixtures.Worlds;
using Xunit;

namespace Conformance.Tests.Fixtures.OnTwin;

/// <summary>A twin world (upstream operator profile, no faults) for the drivers' end-to-end tests, one per class.</summary>
public sealed class TwinWorldFixture : IAsyncLifetime
{
    private TwinEnvironment? _twin;

    public World World { get; private set; } = null!;
    public RunSecrets Secrets { get; } = new();
    public Conformance.Fixtures.Kube.Kube Kube { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _twin = new TwinEnvironment(new TwinOptions());
        World = await _twin.StartAsync(TestContext.Current.CancellationToken);
        Secrets.RegisterWorld(World);
        Kube = new Conformance.Fixtures.Kube.Kube(World.Kube, Secrets.Ledger, Secrets.Canaries.RunTag);
    }

    public async ValueTask DisposeAsync()
    {
        Kube?.Dispose();
        if (_twin is not null)
            await _twin.DisposeAsync();
    }
}
