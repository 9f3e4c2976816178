using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Conformance.Environments.K3s;

/// <summary>What <see cref="DockerProbe"/> found: whether a daemon answered, where, and everything it tried.</summary>
public sealed record DockerProbeResult(bool Reachable, string? Endpoint, IReadOnlyList<string> Tried, TimeSpan Elapsed)
{
    public string Explain() =>
        (Reachable ? $"Docker daemon answered at {Endpoint}" : "no Docker daemon answered")
        + $" (checked in {Elapsed.TotalMilliseconds:0} ms):\n  - " + string.Join("\n  - ", Tried);

    /// <summary>The message for <c>--env k3s</c> without Docker: what was tried and how to fix it.</summary>
    public string FailureMessage() =>
        Explain() + "\nThe k3s environment needs a running Docker daemon (or a compatible one). To fix it, either:\n"
        + "  - start Docker (e.g. `sudo systemctl start docker`, or start Docker Desktop / Colima / Rancher Desktop), or\n"
        + "  - point DOCKER_HOST at a reachable daemon (e.g. DOCKER_HOST=unix:///run/user/1000/docker.sock), or\n"
        + "  - run without Docker: --env twin (in-process, no release evidence) or --env existing (your own cluster).";
}

/// <summary>
/// Finds a Docker daemon fast (well under a second): DOCKER_HOST if set (as the Docker CLI does, nothing else), else
/// the Testcontainers properties file and the usual sockets, each pinged with <c>GET /_ping</c> and short timeouts.
/// </summary>
public static class DockerProbe
{
    private static readonly TimeSpan PerAttempt = TimeSpan.FromMilliseconds(250);

    public static DockerProbeResult Probe(IReadOnlyDictionary<string, string?>? environment = null)
    {
        string? Env(string name) => environment is null ? Environment.GetEnvironmentVariable(name)
            : environment.TryGetValue(name, out var v) ? v : null;

        var clock = Stopwatch.StartNew();
        var tried = new List<string>();
        foreach (var (endpoint, origin) in Candidates(Env))
        {
            var outcome = Ping(endpoint);
            tried.Add($"{endpoint} ({origin}): {outcome ?? "answered /_ping"}");
            if (outcome is null) return new DockerProbeResult(true, endpoint, tried, clock.Elapsed);
        }

        return new DockerProbeResult(false, null, tried, clock.Elapsed);
    }

    private static IEnumerable<(string Endpoint, string Origin)> Candidates(Func<string, string?> env)
    {
        var dockerHost = env("DOCKER_HOST");
        if (!string.IsNullOrWhiteSpace(dockerHost))
        {
            yield return (dockerHost.Trim(), "DOCKER_HOST");
            yield break;
        }

        var home = env("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var properties = Path.Combine(home, ".testcontainers.properties");
        if (File.Exists(properties))
        {
            var line = File.ReadLines(properties).FirstOrDefault(l => l.TrimStart().StartsWith("docker.host=", StringComparison.Ordinal));
            if (line is not null) yield return (line.Split('=', 2)[1].Trim(), properties);
        }

        yield return ("unix:///var/run/docker.sock", "default socket");
        var runtime = env("XDG_RUNTIME_DIR");
        if (!string.IsNullOrEmpty(runtime)) yield return ($"unix://{runtime}/docker.sock", "rootless Docker");
        yield return ($"unix://{home}/.docker/run/docker.sock", "Docker Desktop");
    }

    /// <summary>Null when the daemon answered; otherwise why not.</summary>
    internal static string? Ping(string endpoint)
    {
        try
        {
            Socket socket;
            EndPoint target;
            if (endpoint.StartsWith("unix://", StringComparison.Ordinal))
            {
                var path = endpoint["unix://".Length..];
                if (!Path.Exists(path)) return "socket file does not exist";
                socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                target = new UnixDomainSocketEndPoint(path);
            }
            else if (endpoint.StartsWith("tcp://", StringComparison.Ordinal))
            {
                var uri = new Uri(endpoint);
                socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                target = new DnsEndPoint(uri.Host, uri.Port > 0 ? uri.Port : 2375);
            }
            else
            {
                return "unsupported scheme (expected unix:// or tcp://)";
            }

            using (socket)
            {
                socket.SendTimeout = socket.ReceiveTimeout = (int)PerAttempt.TotalMilliseconds;
                var connect = socket.ConnectAsync(target);
                if (!connect.Wait(PerAttempt)) return $"no connection within {PerAttempt.TotalMilliseconds:0} ms";
                if (endpoint.StartsWith("tcp://", StringComparison.Ordinal) && Environment.GetEnvironmentVariable("DOCKER_TLS_VERIFY") is "1")
                    return null; // TLS daemons: a TCP connect is all we check here; Testcontainers does the TLS handshake.
                socket.Send(Encoding.ASCII.GetBytes("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"));
                var buffer = new byte[256];
                var read = socket.Receive(buffer);
                var head = Encoding.ASCII.GetString(buffer, 0, read);
                return head.StartsWith("HTTP/1.", StringComparison.Ordinal) && head.Contains(" 200 ", StringComparison.Ordinal)
                    ? null
                    : $"answered but not like a Docker daemon: '{head.Split('\n')[0].Trim()}'";
            }
        }
        catch (AggregateException e) when (e.InnerException is SocketException s)
        {
            return $"connection failed: {s.SocketErrorCode}";
        }
        catch (SocketException e)
        {
            return $"connection failed: {e.SocketErrorCode}";
        }
        catch (UriFormatException)
        {
            return "malformed endpoint";
        }
    }
}
