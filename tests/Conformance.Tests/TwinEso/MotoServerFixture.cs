using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace Conformance.Tests.TwinEso;

/// <summary>
/// A real moto_server (the AWS emulator behind LocalStack's Secrets Manager) on a free loopback port, started once per
/// test class. Tests skip with the install command when it is absent.
/// </summary>
public sealed class MotoServerFixture : IAsyncLifetime
{
    private Process? _process;
    public Uri? Endpoint { get; private set; }
    public string? SkipReason { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var exe = FindOnPath("moto_server");
        if (exe is null) { SkipReason = "moto_server not found on PATH: install it with pip install \"moto[server]\""; return; }
        var port = FreePort();
        var psi = new ProcessStartInfo(exe, ["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        _process = Process.Start(psi)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Endpoint = new Uri($"http://127.0.0.1:{port}/");
        // Wait for the port to answer, with a deadline that says what was last seen.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string last = "nothing yet";
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"moto_server exited with code {_process.ExitCode} before answering on {Endpoint}");
            try
            {
                using var r = await http.GetAsync(new Uri(Endpoint, "moto-api/"));
                return;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"moto_server did not answer on {Endpoint} within 60 s; last error: {last}");
    }

    public ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        _process?.Dispose();
        return ValueTask.CompletedTask;
    }

    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
