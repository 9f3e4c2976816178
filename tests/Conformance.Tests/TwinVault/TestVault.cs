using Conformance.Twin.Vault;

using Xunit;

namespace Conformance.Tests.TwinVault;

/// <summary>A twin Vault per test with a root client; disposing it fails the test if any request broke the openapi guard.</summary>
public sealed class TestVault : IAsyncDisposable
{
    private TestVault(Twin.Vault.TwinVault vault, VaultClient client, ManualTimeProvider? clock)
    {
        Vault = vault;
        Root = client;
        Clock = clock;
    }

    public Twin.Vault.TwinVault Vault { get; }
    public VaultClient Root { get; }
    public ManualTimeProvider? Clock { get; }
    public bool ExpectViolations { get; set; }

    public static async Task<TestVault> StartAsync(bool fakeClock = false, string? postgresDsn = null, IReadOnlyCollection<string>? faults = null,
        Func<string, HttpClient>? reviewClient = null)
    {
        var clock = fakeClock ? new ManualTimeProvider() : null;
        var vault = await Twin.Vault.TwinVault.StartAsync(new TwinVaultOptions
        {
            RootToken = "root-" + Guid.NewGuid().ToString("N")[..8],
            TimeProvider = clock ?? TimeProvider.System,
            PostgresAdminDsn = postgresDsn,
            Faults = faults ?? [],
            KubernetesReviewHttpClientFactory = reviewClient,
        }, TestContext.Current.CancellationToken);
        return new TestVault(vault, new VaultClient(vault.Address, vault.RootToken), clock);
    }

    public VaultClient As(string token) => new(Vault.Address, token);

    public async ValueTask DisposeAsync()
    {
        var violations = Vault.FidelityViolations;
        Root.Dispose();
        await Vault.DisposeAsync();
        if (!ExpectViolations && violations.Count > 0)
            throw new Xunit.Sdk.XunitException("requests outside upstream openapi.json: " + string.Join("; ", violations));
    }
}
