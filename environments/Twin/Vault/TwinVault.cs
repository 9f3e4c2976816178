using System.Net;
using Conformance.Twin.Vault.Audit;
using Conformance.Twin.Vault.Database;
using Conformance.Twin.Vault.Kv;
using Conformance.Twin.Vault.Mounts;
using Conformance.Twin.Vault.Sys;
using Conformance.Twin.Vault.Tokens;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Conformance.Twin.Vault;

/// <summary>
/// The twin's Vault: the Vault HTTP API in dev mode (initialized, unsealed, plain HTTP, KV v2 at secret/, a root token;
/// reference/vault.md §4) served by Kestrel on 127.0.0.1 and a random port.
/// </summary>
public sealed class TwinVault : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly VaultCore _core;

    private TwinVault(WebApplication app, VaultCore core, Uri address)
    {
        _app = app;
        _core = core;
        Address = address;
    }

    /// <summary>Base address, e.g. http://127.0.0.1:41234/ (the API is under /v1/).</summary>
    public Uri Address { get; }

    public string RootToken => _core.Root.Id;

    /// <summary>Every audit line written by every enabled audit device, in order (empty until a device is enabled).</summary>
    public IReadOnlyList<string> AuditLines => _core.Audit.AllLines;

    /// <summary>The file path of each enabled file audit device.</summary>
    public IReadOnlyList<string> AuditFiles => _core.Audit.Devices.Select(d => d.FilePath).OfType<string>().ToList();

    /// <summary>Requests that matched no path template of upstream openapi.json (or used an operation it lacks).
    /// A harness must fail the test that made them.</summary>
    public IReadOnlyList<string> FidelityViolations => _core.FidelityViolations;

    /// <summary>Lease revocations that failed in the background (the lease is kept and retried, as Vault does).</summary>
    public IReadOnlyList<string> RevocationErrors => _core.Expiration.Errors.ToList();

    /// <summary>Waits until the expiration manager has worked through every revocation queued so far (token
    /// revocation cascades and expiries), so a test can assert "nothing more will happen" without sleeping.</summary>
    public Task DrainRevocationsAsync(CancellationToken ct = default) => _core.Expiration.DrainAsync().WaitAsync(ct);

    public static async Task<TwinVault> StartAsync(TwinVaultOptions options, CancellationToken ct = default)
    {
        var core = new VaultCore(options);
        // An empty builder: no configuration sources or environment (ASPNETCORE_URLS) can move the listener.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(core.HandleHttpAsync);

        // Dev mode mounts (docs/concepts/dev-server.mdx): sys/, auth/token/, cubbyhole/, identity/, and KV v2 at secret/.
        core.Mounts.Add(new MountEntry { Path = "sys/", Type = "system", Backend = new SysBackend(core), Accessor = "system_" + Ids.Random(8).ToLowerInvariant(), Description = "system endpoints used for control, policy and debugging" });
        core.Mounts.Add(new MountEntry { Path = "auth/token/", Type = "token", IsAuth = true, Backend = new TokenBackend(core), Accessor = "auth_token_" + Ids.Random(8).ToLowerInvariant(), Description = "token based credentials" });
        core.Mounts.Add(new MountEntry { Path = "cubbyhole/", Type = "cubbyhole", Backend = new UnsupportedBackend("cubbyhole"), Accessor = "cubbyhole_" + Ids.Random(8).ToLowerInvariant(), Description = "per-token private secret storage", Local = true });
        core.Mounts.Add(new MountEntry { Path = "identity/", Type = "identity", Backend = new UnsupportedBackend("identity"), Accessor = "identity_" + Ids.Random(8).ToLowerInvariant(), Description = "identity store" });
        if (options.DevKvV2)
            core.Mounts.Add(BackendFactory.Create(core, "secret/", "kv", isAuth: false, new Dictionary<string, string> { ["version"] = "2" }, "key/value secret storage"));
        core.Root = core.Tokens.CreateRoot(options.RootToken ?? Ids.ServiceToken());

        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TwinVault(app, core, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _core.DisposeAsync();
    }
}
