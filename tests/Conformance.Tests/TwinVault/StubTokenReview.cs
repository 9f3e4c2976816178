using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

using Xunit;

namespace Conformance.Tests.TwinVault;

/// <summary>
/// A tiny HTTPS Kubernetes API that answers only TokenReview, with its own self-signed CA, so the twin's login path
/// (CA trust, bearer choice, review result) is exercised for real. Known tokens map to service accounts.
/// </summary>
public sealed class StubTokenReview : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<string, (string Ns, string Name, string Uid)> _tokens = new(StringComparer.Ordinal);

    private StubTokenReview(WebApplication app, string caPem)
    {
        _app = app;
        CaPem = caPem;
    }

    public string Host { get; private set; } = "";
    public string CaPem { get; }
    /// <summary>Bearer tokens allowed to call TokenReview (system:auth-delegator).</summary>
    public HashSet<string> Reviewers { get; } = new(StringComparer.Ordinal);
    public List<(string Bearer, JsonObject Body)> Calls { get; } = [];

    public static async Task<StubTokenReview> StartAsync()
    {
        using var key = RSA.Create(2048);
        var req = new CertificateRequest("CN=twin-kube-stub", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        req.CertificateExtensions.Add(san.Build());
        req.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using var cert = req.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var pfx = X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
        var caPem = cert.ExportCertificatePem();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.UseHttps(pfx)));
        var app = builder.Build();
        var stub = new StubTokenReview(app, caPem);
        app.MapPost("/apis/authentication.k8s.io/v1/tokenreviews", (Delegate)stub.ReviewAsync);
        await app.StartAsync();
        stub.Host = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::1]", "127.0.0.1");
        return stub;
    }

    /// <summary>Issues an unsigned-for-our-purposes JWT with projected-token claims for a service account.</summary>
    public string IssueToken(string ns, string name, string? audience = null)
    {
        var uid = Guid.NewGuid().ToString();
        var header = B64("{\"alg\":\"RS256\",\"kid\":\"stub\"}");
        var claims = new JsonObject
        {
            ["aud"] = new JsonArray(audience ?? "https://kubernetes.default.svc"),
            ["iss"] = "https://kubernetes.default.svc",
            ["sub"] = $"system:serviceaccount:{ns}:{name}",
            ["kubernetes.io"] = new JsonObject { ["namespace"] = ns, ["serviceaccount"] = new JsonObject { ["name"] = name, ["uid"] = uid } },
        };
        var jwt = header + "." + B64(claims.ToJsonString()) + "." + B64("sig-" + Guid.NewGuid());
        lock (_tokens) _tokens[jwt] = (ns, name, uid);
        return jwt;
    }

    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private async Task<IResult> ReviewAsync(HttpContext ctx)
    {
        var bearer = ctx.Request.Headers.Authorization.ToString().Replace("Bearer ", "", StringComparison.Ordinal);
        var body = (JsonNode.Parse(await new StreamReader(ctx.Request.Body).ReadToEndAsync()) as JsonObject)!;
        lock (Calls) Calls.Add((bearer, body));
        (string Ns, string Name, string Uid) who;
        bool bearerKnown, tokenKnown;
        var token = body["spec"]?["token"]?.GetValue<string>() ?? "";
        lock (_tokens)
        {
            bearerKnown = _tokens.ContainsKey(bearer) || Reviewers.Contains(bearer);
            tokenKnown = _tokens.TryGetValue(token, out who);
        }
        if (!bearerKnown) return Results.Json(new JsonObject { ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Failure", ["reason"] = "Unauthorized", ["code"] = 401 }, statusCode: 401);
        if (!Reviewers.Contains(bearer))
            return Results.Json(new JsonObject
            {
                ["kind"] = "Status", ["apiVersion"] = "v1", ["status"] = "Failure", ["reason"] = "Forbidden", ["code"] = 403,
                ["message"] = "tokenreviews.authentication.k8s.io is forbidden: User cannot create resource \"tokenreviews\" in API group \"authentication.k8s.io\" at the cluster scope",
            }, statusCode: 403);
        var status = tokenKnown
            ? new JsonObject
            {
                ["authenticated"] = true,
                ["user"] = new JsonObject { ["username"] = $"system:serviceaccount:{who.Ns}:{who.Name}", ["uid"] = who.Uid },
                ["audiences"] = body["spec"]?["audiences"]?.DeepClone(),
            }
            : new JsonObject { ["authenticated"] = false, ["error"] = "invalid bearer token" };
        return Results.Json(new JsonObject { ["apiVersion"] = "authentication.k8s.io/v1", ["kind"] = "TokenReview", ["spec"] = body["spec"]!.DeepClone(), ["status"] = status }, statusCode: 201);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
