using Conformance.Twin.Injector.Injection;
using Conformance.Twin.Injector.Webhook;
using Conformance.Twin.Tls;
using k8s;
using k8s.Models;

namespace Conformance.Twin.Injector;

/// <summary>
/// The twin's Vault Agent injector (vault-k8s 1.7.6 as vault-helm 0.34.1 installs it in external-Vault mode): a real
/// mutating admission webhook over HTTPS with its own CA, registered with the Kubernetes API it is given.
/// </summary>
public sealed class TwinVaultInjector : IAsyncDisposable
{
    private readonly WebhookServer _server;
    private readonly TwinCertificates _certs;

    private TwinVaultInjector(WebhookServer server, TwinCertificates certs, AdmissionHandler handler, InjectorOptions options, V1MutatingWebhookConfiguration? registered)
    {
        _server = server;
        _certs = certs;
        Handler = handler;
        Options = options;
        Registered = registered;
    }

    public InjectorOptions Options { get; }
    public AdmissionHandler Handler { get; }
    public Uri MutateUrl => _server.MutateUrl;
    public string CaBundlePem => _certs.CaPem;

    /// <summary>The configuration as the API server stored it after the caBundle patch (null when not registered).</summary>
    public V1MutatingWebhookConfiguration? Registered { get; }

    /// <summary>Starts the webhook and registers it through <paramref name="client"/> (skip registration with null).</summary>
    public static async Task<TwinVaultInjector> StartAsync(IKubernetes? client, InjectorOptions options, CancellationToken ct = default, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.VaultAddress))
            throw new ArgumentException("InjectorOptions.VaultAddress is required (AGENT_INJECT_VAULT_ADDR: the Vault address as pods see it).", nameof(options));
        var faults = new TwinFaults(options.Faults);
        var svc = $"{options.ReleaseName}-agent-injector-svc";
        // vault-k8s auto-TLS hosts: <svc>, <svc>.<ns>, <svc>.<ns>.svc; plus where the twin listens
        var certs = TwinCertificates.Create("Agent Inject CA", svc, [svc, $"{svc}.{options.InjectorNamespace}", $"{svc}.{options.InjectorNamespace}.svc", "127.0.0.1", "localhost"], time);
        var handler = new AdmissionHandler(options, faults);
        WebhookServer? server = null;
        try
        {
            server = await WebhookServer.StartAsync(handler, certs, ct);
            V1MutatingWebhookConfiguration? registered = null;
            if (client is not null)
                registered = await WebhookRegistration.RegisterAsync(client, options, server.MutateUrl, certs.CaPem, ct);
            return new TwinVaultInjector(server, certs, handler, options, registered);
        }
        catch
        {
            if (server is not null) await server.DisposeAsync();
            certs.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _certs.Dispose();
    }
}
