using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Conformance.Twin.Workloads.Kubelet;

/// <summary>
/// The kubelet's HTTP endpoint on 127.0.0.1: `GET /containerLogs/{ns}/{pod}/{container}?follow=&amp;previous=&amp;tailLines=&amp;timestamps=`
/// (the API server proxies `pods/{name}/log` here, as the real one proxies to the kubelet's port 10250), and `/healthz`.
/// </summary>
internal sealed class KubeletLogServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KubeletLogServer(WebApplication app) => _app = app;

    public int Port { get; private set; }

    public static async Task<KubeletLogServer> StartAsync(ContainerLogStore logs, CancellationToken ct)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Text("ok"));
        app.MapGet("/containerLogs/{ns}/{pod}/{container}", (HttpContext http, string ns, string pod, string container) =>
            ServeAsync(http, logs, ns, pod, container));
        await app.StartAsync(ct);
        var server = new KubeletLogServer(app);
        var address = app.Urls.First();
        server.Port = new Uri(address).Port;
        return server;
    }

    private static async Task ServeAsync(HttpContext http, ContainerLogStore logs, string ns, string pod, string container)
    {
        var q = http.Request.Query;
        var follow = Flag(q["follow"]);
        var previous = Flag(q["previous"]);
        var timestamps = Flag(q["timestamps"]);
        int? tail = int.TryParse(q["tailLines"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var t) ? t : null;
        long? limitBytes = long.TryParse(q["limitBytes"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var lb) ? lb : null;
        DateTimeOffset? since = int.TryParse(q["sinceSeconds"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var ss)
            ? DateTimeOffset.UtcNow.AddSeconds(-ss) : null;

        if (!logs.HasPod(ns, pod))
        {
            await Error(http, HttpStatusCode.NotFound, $"pod \"{pod}\" not found in namespace \"{ns}\"");
            return;
        }
        if (!logs.TryGet(ns, pod, container, out var record))
        {
            // kubelet validateContainerLogStatus
            await Error(http, HttpStatusCode.BadRequest, $"container {container} is not valid for pod {pod}");
            return;
        }
        var buffer = previous ? record.Previous : record.Current ?? record.Previous;
        if (buffer is null)
        {
            await Error(http, HttpStatusCode.BadRequest, previous
                ? $"previous terminated container \"{container}\" in pod \"{pod}\" not found"
                : $"container \"{container}\" in pod \"{pod}\" is waiting to start: {record.WaitingReason}");
            return;
        }

        http.Response.StatusCode = 200;
        http.Response.ContentType = "text/plain";
        long written = 0;
        var (lines, count, completed, changed) = buffer.Read(0);
        IEnumerable<(DateTimeOffset At, string Line)> first = lines;
        if (since is { } s) first = first.Where(l => l.At >= s);
        if (tail is { } n) first = first.TakeLast(Math.Max(0, n));
        foreach (var l in first)
            if (!await WriteLine(l)) return;
        await http.Response.Body.FlushAsync(http.RequestAborted);
        while (follow && !completed && !http.RequestAborted.IsCancellationRequested)
        {
            try { await changed.WaitAsync(http.RequestAborted); }
            catch (OperationCanceledException) { return; }
            (lines, var newCount, completed, changed) = buffer.Read(count);
            count = newCount;
            foreach (var l in lines)
                if (!await WriteLine(l)) return;
            await http.Response.Body.FlushAsync(http.RequestAborted);
        }

        async Task<bool> WriteLine((DateTimeOffset At, string Line) l)
        {
            var text = (timestamps ? l.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture) + " " : "") + l.Line + "\n";
            var bytes = System.Text.Encoding.UTF8.GetBytes(text);
            if (limitBytes is { } max && written + bytes.Length > max)
            {
                await http.Response.Body.WriteAsync(bytes.AsMemory(0, (int)Math.Max(0, max - written)), http.RequestAborted);
                return false;
            }
            written += bytes.Length;
            await http.Response.Body.WriteAsync(bytes, http.RequestAborted);
            return true;
        }
    }

    private static bool Flag(string? v) => v is "true" or "1" or "True";

    private static async Task Error(HttpContext http, HttpStatusCode code, string message)
    {
        http.Response.StatusCode = (int)code;
        http.Response.ContentType = "text/plain";
        await http.Response.WriteAsync(message);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
