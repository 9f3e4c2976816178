using System.Net;
using Conformance.Twin.Injector.Injection;
using Conformance.Twin.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Conformance.Twin.Injector.Webhook;

/// <summary>
/// The injector's HTTPS listener (vault-k8s serves :8080 behind the chart's Service; the twin serves 127.0.0.1 on a
/// free port): `POST /mutate` takes an AdmissionReview, `GET /health/ready` answers 204 once a certificate is served
/// (reference/vault.md §1.3).
/// </summary>
public sealed class WebhookServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    /// <summary>https://127.0.0.1:&lt;port&gt;/</summary>
    public Uri BaseAddress { get; }

    public Uri MutateUrl => new(BaseAddress, "mutate");

    public static async Task<WebhookServer> StartAsync(AdmissionHandler handler, TwinCertificates certs, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(certs.Serving)));
        var app = builder.Build();
        app.MapPost("/mutate", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body);
            var body = await reader.ReadToEndAsync(http.RequestAborted);
            var (status, contentType, responseBody) = handler.HandleHttp(http.Request.ContentType, body);
            http.Response.StatusCode = status;
            http.Response.ContentType = contentType;
            await http.Response.WriteAsync(responseBody, http.RequestAborted);
        });
        app.MapGet("/health/ready", () => Results.NoContent());
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        return new WebhookServer(app, new Uri($"https://127.0.0.1:{port}/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
