using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Conformance.Environments.Twin.Aws;

/// <summary>
/// A reverse proxy in front of moto_server that breaks one Secrets Manager behaviour (<see cref="AwsFaults"/>): every
/// request is forwarded unchanged except GetSecretValue for the current version, which is asked of moto as AWSPREVIOUS
/// and answered as if it were AWSCURRENT. A secret with no previous version is answered from the current one, so the
/// fault shows only after a rotation. moto does not check SigV4 signatures, so rewriting a signed body is accepted.
/// </summary>
public sealed class SecretsManagerFaultProxy : IAsyncDisposable
{
    private const string GetSecretValue = "secretsmanager.GetSecretValue";
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;

    private SecretsManagerFaultProxy(WebApplication app, HttpClient upstream, Uri endpoint)
    {
        _app = app;
        _upstream = upstream;
        Endpoint = endpoint;
    }

    /// <summary>Where clients should send requests instead of moto_server.</summary>
    public Uri Endpoint { get; }

    public static async Task<SecretsManagerFaultProxy> StartAsync(Uri upstream, CancellationToken cancellationToken)
    {
        var client = new HttpClient { BaseAddress = upstream };
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(context => ForwardAsync(client, context));
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SecretsManagerFaultProxy(app, client, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>The request body moto should see: AWSPREVIOUS where the caller meant the current version; else null.</summary>
    public static string? AskForPrevious(string? target, string body)
    {
        if (target != GetSecretValue || JsonNode.Parse(body) is not JsonObject request)
        {
            return null;
        }

        var stage = (string?)request["VersionStage"];
        if (request["VersionId"] is not null || (stage is not null && stage != "AWSCURRENT"))
        {
            return null;
        }

        request["VersionStage"] = "AWSPREVIOUS";
        return request.ToJsonString();
    }

    /// <summary>moto's answer for AWSPREVIOUS relabelled as the current version the caller asked for.</summary>
    public static string LabelAsCurrent(string response)
    {
        if (JsonNode.Parse(response) is not JsonObject answer)
        {
            return response;
        }

        answer["VersionStages"] = new JsonArray("AWSCURRENT");
        return answer.ToJsonString();
    }

    private static async Task ForwardAsync(HttpClient upstream, HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var target = context.Request.Headers["X-Amz-Target"].ToString();

        if (AskForPrevious(target, body) is { } previous)
        {
            using var faulty = await SendAsync(upstream, context, previous);
            if (faulty.IsSuccessStatusCode)
            {
                // The fault: the previous version, presented as the current one.
                var text = await faulty.Content.ReadAsStringAsync(context.RequestAborted);
                await CopyAsync(faulty, context, Encoding.UTF8.GetBytes(LabelAsCurrent(text)));
                return;
            }
        }

        using var response = await SendAsync(upstream, context, body);
        await CopyAsync(response, context, await response.Content.ReadAsByteArrayAsync(context.RequestAborted));
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient upstream, HttpContext context, string body)
    {
        var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)),
        };
        foreach (var (name, values) in context.Request.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                request.Content.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        return await upstream.SendAsync(request, context.RequestAborted);
    }

    private static async Task CopyAsync(HttpResponseMessage response, HttpContext context, byte[] body)
    {
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            context.Response.Headers[name] = values.ToArray();
        }

        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }
}
