using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Admission;
using Conformance.Twin.Kube.Api;
using Conformance.Twin.Kube.Auth;
using Conformance.Twin.Kube.BuiltIns;
using Conformance.Twin.Kube.Controllers;
using Conformance.Twin.Kube.Http;
using Conformance.Twin.Kube.Json;
using Conformance.Twin.Kube.Storage;
using Conformance.Twin.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Conformance.Twin.Kube;

/// <summary>
/// The twin's Kubernetes API server: in-process, HTTPS on 127.0.0.1 with a CA made at start, speaking the real
/// REST API well enough for KubernetesClient and kubectl. Start with <see cref="StartAsync"/>; dispose to stop.
/// </summary>
public sealed class KubeApiServer : IAsyncDisposable
{
    readonly WebApplication app;
    readonly CancellationTokenSource stopping;
    readonly ServerContext ctx;

    KubeApiServer(WebApplication app, CancellationTokenSource stopping, ServerContext ctx, TimeSpan startTime)
    {
        this.app = app;
        this.stopping = stopping;
        this.ctx = ctx;
        StartTime = startTime;
    }

    public Uri BaseAddress => new($"https://127.0.0.1:{ctx.Port}");
    public string AdminToken => ctx.AdminToken;
    public string CaCertificatePem => ctx.Certificates.CaPem;
    /// <summary>How long <see cref="StartAsync"/> took.</summary>
    public TimeSpan StartTime { get; }
    /// <summary>Direct access to the parts (store, registry, tokens) for in-process controllers and tests.</summary>
    public ServerContext Context => ctx;

    public static async Task<KubeApiServer> StartAsync(KubeApiServerOptions? options = null, CancellationToken ct = default)
    {
        var sw = Stopwatch.StartNew();
        options ??= new KubeApiServerOptions();
        var stopping = new CancellationTokenSource();
        // The server CA as K3s names its own (CN=k3s-server-ca@<unix time>), the serving certificate for every name
        // clients use: loopback, localhost and the in-cluster service names.
        var certs = TwinCertificates.Create(
            $"twin-kube-server-ca@{DateTimeOffset.UtcNow.ToUnixTimeSeconds()}",
            "kube-apiserver",
            ["127.0.0.1", "localhost", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local"],
            options.TimeProvider);
        var tCerts = sw.Elapsed;
        var store = new ObjectStore(options.WatchHistoryLimit);
        foreach (var t in BuiltInResources.Create()) store.Register(t);
        var tokens = new TokenIssuer(store, options.TimeProvider, options.ServiceAccountIssuer, options.ApiAudiences);
        var admission = new AdmissionChain(store, options);
        var objects = new ObjectService(store, options.TimeProvider, admission)
        {
            EnforcesSchemaValidation = !options.HasFault(KubeFaults.SkipsCrdValidation),
        };
        var rbac = new RbacAuthorizer(store) { RoleBindingsApplyEverywhere = options.HasFault(KubeFaults.RoleBindingGrantsClusterWide) };
        var adminToken = options.AdminToken ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        var context = new ServerContext
        {
            Options = options, Store = store, Objects = objects, Tokens = tokens, Rbac = rbac,
            Reviews = new Reviews(store, tokens, rbac, options.TimeProvider),
            PodLogs = new PodSubresources(objects, options.TimeProvider),
            Namespaces = new NamespaceController(objects, options.Log, stopping.Token),
            Certificates = certs, AdminToken = adminToken, Stopping = stopping.Token,
        };
        _ = new ServiceAccountController(objects, tokens, certs.CaPem, options.Log, stopping.Token);
        _ = new GarbageCollector(objects, options.Log, stopping.Token) { IgnoresOwnerReferences = options.HasFault(KubeFaults.GcIgnoresOwnerReferences) };
        _ = new CrdController(objects, options.Log, stopping.Token);
        var tWired = sw.Elapsed;
        // the bootstrap objects are made while Kestrel starts (requests wait for them below)
        var boot = Task.Run(() => Bootstrap.RunAsync(objects), ct);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = 64 * 1024 * 1024;
            k.Listen(IPAddress.Loopback, options.Port, l =>
            {
                l.Protocols = HttpProtocols.Http1AndHttp2;
                l.UseHttps(certs.Serving);
            });
        });
        var app = builder.Build();
        var handler = new ApiHandler(context);
        app.Run(async http =>
        {
            if (!boot.IsCompleted) await boot.ConfigureAwait(false);
            await handler.HandleAsync(http).ConfigureAwait(false);
        });
        await app.StartAsync(ct).ConfigureAwait(false);
        await boot.ConfigureAwait(false);
        var tBoot = sw.Elapsed;
        var address = app.Urls.First();
        context.Port = new Uri(address).Port;
        options.Log?.Invoke($"twin kube-apiserver started in {sw.Elapsed.TotalMilliseconds:F0} ms (certificates {tCerts.TotalMilliseconds:F0}, wiring {(tWired - tCerts).TotalMilliseconds:F0}, then Kestrel and bootstrap objects in parallel {(tBoot - tWired).TotalMilliseconds:F0})");
        return new KubeApiServer(app, stopping, context, sw.Elapsed);
    }

    /// <summary>A kubeconfig for the admin user (bearer token) or a service account's token, trusting the server CA.</summary>
    public string KubeconfigYaml(string user = "admin", string? token = null, string? @namespace = null)
    {
        var ca = Convert.ToBase64String(Encoding.UTF8.GetBytes(CaCertificatePem));
        var tok = token ?? AdminToken;
        var nsLine = @namespace is null ? "" : $"\n    namespace: {@namespace}";
        return $"""
            apiVersion: v1
            kind: Config
            clusters:
            - name: twin
              cluster:
                server: {BaseAddress.ToString().TrimEnd('/')}
                certificate-authority-data: {ca}
            users:
            - name: {user}
              user:
                token: {tok}
            contexts:
            - name: twin
              context:
                cluster: twin
                user: {user}{nsLine}
            current-context: twin
            preferences: {"{}"}

            """;
    }

    /// <summary>Writes <see cref="KubeconfigYaml"/> to <paramref name="path"/> (mode 0600) and returns the path.</summary>
    public string WriteKubeconfig(string path, string user = "admin", string? token = null, string? @namespace = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, KubeconfigYaml(user, token, @namespace));
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    /// <summary>Issues a TokenRequest-style token for a service account (any lifetime, even negative, for tests of expiry).</summary>
    public async Task<string> IssueServiceAccountTokenAsync(string @namespace, string serviceAccount, IReadOnlyList<string>? audiences = null, TimeSpan? expiry = null)
    {
        var saType = ctx.Store.Find("", "v1", "serviceaccounts")!;
        var sa = ctx.Store.TableFor(saType).Get(@namespace, serviceAccount) ?? throw ApiException.NotFound(saType, serviceAccount);
        var (token, _) = await ctx.Tokens.IssueAsync(sa, audiences, expiry ?? TimeSpan.FromHours(1), null).ConfigureAwait(false);
        return token;
    }

    public async ValueTask DisposeAsync()
    {
        stopping.Cancel();
        try { using var t = new CancellationTokenSource(TimeSpan.FromSeconds(2)); await app.StopAsync(t.Token).ConfigureAwait(false); } catch (OperationCanceledException) { }
        await app.DisposeAsync().ConfigureAwait(false);
        ctx.Certificates.Dispose();
        stopping.Dispose();
    }
}
