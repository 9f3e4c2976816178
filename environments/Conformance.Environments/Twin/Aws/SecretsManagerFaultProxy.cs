using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Conformance.Fixtures.Aws;
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
/// fault shows only after a rotation.
/// moto runs with authentication and checks SigV4 signatures, so everything else goes through byte for byte with the
/// client's own Host header (its signature stays valid), and the one rewritten request is signed again with the world's
/// keys (a request signed with other keys is forwarded as it is and refused by moto, as those keys would be).
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

    /// <param name="upstream">moto_server.</param>
    /// <param name="worldKeys">The keys the world's clients sign with: the rewritten request is signed again with them.</param>
    public static async Task<SecretsManagerFaultProxy> StartAsync(Uri upstream, AwsCredentials worldKeys, CancellationToken cancellationToken)
    {
        var client = new HttpClient { BaseAddress = upstream };
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.Run(context => ForwardAsync(client, worldKeys, context));
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

    private static async Task ForwardAsync(HttpClient upstream, AwsCredentials worldKeys, HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        var target = context.Request.Headers["X-Amz-Target"].ToString();

        if (AskForPrevious(target, Encoding.UTF8.GetString(body)) is { } previous)
        {
            var rewritten = Encoding.UTF8.GetBytes(previous);
            using var faulty = await SendAsync(upstream, context, rewritten, Resign(context.Request, body, rewritten, worldKeys));
            if (faulty.IsSuccessStatusCode)
            {
                // The fault: the previous version, presented as the current one.
                var text = await faulty.Content.ReadAsStringAsync(context.RequestAborted);
                await CopyAsync(faulty, context, Encoding.UTF8.GetBytes(LabelAsCurrent(text)));
                return;
            }
        }

        using var response = await SendAsync(upstream, context, body, authorization: null);
        await CopyAsync(response, context, await response.Content.ReadAsByteArrayAsync(context.RequestAborted));
    }

    /// <summary>
    /// The Authorization header for <paramref name="body"/> in place of the client's: the same signed headers, date and
    /// scope, signed with the world's keys. Null (keep the client's, which moto then refuses) unless the client's own
    /// signature of the original body is the world's keys' signature: the proxy never lends its keys to anyone else.
    /// </summary>
    public static string? Resign(HttpRequest request, byte[] original, byte[] body, AwsCredentials worldKeys) =>
        SignAsWorld(request, original, worldKeys) == request.Headers.Authorization.ToString() ? SignAsWorld(request, body, worldKeys) : null;

    private static string? SignAsWorld(HttpRequest request, byte[] body, AwsCredentials worldKeys)
    {
        var auth = request.Headers.Authorization.ToString();
        var credential = Field(auth, "Credential=")?.Split('/');
        var signed = Field(auth, "SignedHeaders=")?.Split(';');
        if (credential is not [var key, _, var region, var service, _] || key != worldKeys.AccessKeyId || signed is null
            || !DateTimeOffset.TryParseExact(request.Headers["X-Amz-Date"].ToString(), "yyyyMMdd'T'HHmmss'Z'",
                CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            return null;
        }

        var headers = signed.Select(h => new KeyValuePair<string, string>(h, request.Headers[h].ToString())).ToList();
        return new SigV4Signer(worldKeys, region, service)
            .Sign(new SigV4Request(request.Method, request.Path.Value ?? "/", request.QueryString.Value?.TrimStart('?') ?? "", headers, body), date)
            .Authorization;
    }

    private static string? Field(string authorization, string name) =>
        authorization.Split(' ', ',').FirstOrDefault(p => p.StartsWith(name, StringComparison.Ordinal))?[name.Length..];

    private static async Task<HttpResponseMessage> SendAsync(HttpClient upstream, HttpContext context, byte[] body, string? authorization)
    {
        var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString)
        {
            Content = new ByteArrayContent(body),
        };
        foreach (var (name, values) in context.Request.Headers)
        {
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (name.Equals("Authorization", StringComparison.OrdinalIgnoreCase) && authorization is not null)
            {
                request.Headers.TryAddWithoutValidation(name, authorization);
                continue;
            }

            // Host included: it is a signed header, so moto must see the one the client signed.
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
