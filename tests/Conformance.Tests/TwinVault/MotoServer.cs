using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

using Xunit;

namespace Conformance.Tests.TwinVault;

/// <summary>moto_server (the AWS emulator) as a child process on a free loopback port; skipped with a reason when missing.</summary>
public sealed class MotoServer : IAsyncLifetime
{
    private Process? _process;

    public Uri? Endpoint { get; private set; }
    public string? SkipReason { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var exe = FindOnPath("moto_server");
        if (exe is null)
        {
            SkipReason = "moto_server not on PATH: install it with pip install \"moto[server]\"";
            return;
        }
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        var psi = new ProcessStartInfo(exe, ["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string last = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) { SkipReason = $"moto_server exited with {_process.ExitCode} at start"; return; }
            try
            {
                using var r = await http.GetAsync(new Uri(Endpoint, "moto-api/"));
                return;
            }
            catch (HttpRequestException e) { last = e.Message; }
            catch (TaskCanceledException e) { last = e.Message; }
            await Task.Delay(100);
        }
        throw new TimeoutException($"moto_server on port {port} did not answer within 30s; last: {last}");
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);

    public async ValueTask DisposeAsync()
    {
        if (_process is null) return;
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
