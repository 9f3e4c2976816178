using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Conformance.Twin.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Conformance.Twin.Workloads.Git;

/// <summary>
/// The twin's notebook source: real git repositories served over git's smart HTTP protocol by this machine's
/// `git http-backend` (CGI behind Kestrel on 127.0.0.1). Smart HTTP, not dumb HTTP, because the operator clones with
/// `git clone --depth 1 --branch &lt;ref&gt;` (reference/operator.md §2.3) and git refuses shallow clones over the dumb
/// protocol ("dumb http transport does not support shallow capabilities").
/// </summary>
/// <summary>How the git server listens: plain HTTP, or HTTPS with its own CA and optional basic auth.</summary>
public sealed record TwinGitServerOptions
{
    /// <summary>Where repositories live; a fresh temp folder (removed on dispose) when null.</summary>
    public string? Root { get; init; }

    /// <summary>Serve HTTPS with a certificate from a CA made at start (see <see cref="TwinGitServer.CaCertificatePath"/>).</summary>
    public bool Https { get; init; }

    /// <summary>Require HTTP basic auth with this username and password (as a private repository host does).</summary>
    public (string Username, string Password)? BasicAuth { get; init; }
}

public sealed class TwinGitServer : IAsyncDisposable
{
    private readonly string _root;
    private bool _ownsRoot;
    private readonly SemaphoreSlim _publishGate = new(1, 1);
    private WebApplication? _app;
    private TwinCertificates? _certificates;

    private TwinGitServer(string root) => _root = root;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Where the bare repositories live.</summary>
    public string Root => _root;

    /// <summary>PEM file of the CA that signed the HTTPS certificate (null for plain HTTP): what a git client must trust.</summary>
    public string? CaCertificatePath { get; private set; }

    public static Task<TwinGitServer> StartAsync(string? root = null, CancellationToken ct = default) =>
        StartAsync(new TwinGitServerOptions { Root = root }, ct);

    public static async Task<TwinGitServer> StartAsync(TwinGitServerOptions options, CancellationToken ct = default)
    {
        var git = FindGit() ?? throw new InvalidOperationException("git is not installed on this machine; the twin's notebook git server needs it (apt-get install git)");
        var root = options.Root;
        var server = new TwinGitServer(root ?? Path.Combine(Path.GetTempPath(), "conformance-twin-git-" + Guid.NewGuid().ToString("N")[..8])) { _ownsRoot = root is null };
        Directory.CreateDirectory(Path.Combine(server._root, "repos"));
        if (options.Https)
        {
            server._certificates = TwinCertificates.Create("conformance-twin-git-ca", "127.0.0.1", ["127.0.0.1", "localhost"]);
            server.CaCertificatePath = Path.Combine(server._root, "ca.crt");
            await File.WriteAllTextAsync(server.CaCertificatePath, server._certificates.CaPem, ct);
        }
        var serverCert = server._certificates?.Serving;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l =>
        {
            if (serverCert is not null) l.UseHttps(serverCert);
        }));
        var app = builder.Build();
        app.Map("/{**path}", (HttpContext http) =>
        {
            if (options.BasicAuth is { } auth && !Authorized(http.Request, auth))
            {
                // what a private git host answers: git then asks for (or fails without) credentials
                http.Response.StatusCode = 401;
                http.Response.Headers.WWWAuthenticate = "Basic realm=\"twin-git\"";
                return Task.CompletedTask;
            }
            return server.ServeAsync(http, git);
        });
        await app.StartAsync(ct);
        server._app = app;
        server.BaseAddress = new Uri(app.Urls.First().TrimEnd('/') + "/");
        return server;
    }

    /// <summary>
    /// Publishes <paramref name="files"/> (path relative to the repository root -> content) as the new head of branch
    /// `main` of repository <paramref name="repoName"/> and returns its clone URL.
    /// </summary>
    public async Task<Uri> PublishAsync(string repoName, IReadOnlyDictionary<string, string> files, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(repoName) || repoName.Contains("..", StringComparison.Ordinal) || repoName.IndexOfAny(['/', '\\', ' ']) >= 0)
            throw new ArgumentException($"repository name '{repoName}' must be one path segment without spaces", nameof(repoName));
        await _publishGate.WaitAsync(ct);
        try
        {
            var work = Path.Combine(_root, "work", repoName);
            var bare = Path.Combine(_root, "repos", repoName + ".git");
            if (!Directory.Exists(work))
            {
                Directory.CreateDirectory(work);
                await GitAsync(work, ct, "init", "-q", "-b", "main");
            }
            foreach (var entry in Directory.EnumerateFileSystemEntries(work).Where(e => Path.GetFileName(e) != ".git"))
            {
                if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
                else File.Delete(entry);
            }
            foreach (var (path, content) in files)
            {
                var full = Path.GetFullPath(Path.Combine(work, path));
                if (!full.StartsWith(Path.GetFullPath(work) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    throw new ArgumentException($"file path '{path}' leaves the repository", nameof(files));
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                await File.WriteAllTextAsync(full, content, ct);
            }
            await GitAsync(work, ct, "add", "-A");
            await GitAsync(work, ct, "commit", "-q", "--allow-empty", "-m", $"publish {files.Count} file(s)");
            if (!Directory.Exists(bare)) await GitAsync(_root, ct, "init", "-q", "--bare", "-b", "main", bare);
            await GitAsync(work, ct, "push", "-q", "--force", bare, "main:main");
            await GitAsync(bare, ct, "update-server-info");
            return new Uri(BaseAddress, repoName + ".git");
        }
        finally { _publishGate.Release(); }
    }

    private static bool Authorized(HttpRequest request, (string Username, string Password) auth)
    {
        if (!AuthenticationHeaderValue.TryParse(request.Headers.Authorization, out var header) || header.Scheme != "Basic" || header.Parameter is null)
            return false;
        string decoded;
        try { decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header.Parameter)); }
        catch (FormatException) { return false; }
        var expected = Encoding.UTF8.GetBytes($"{auth.Username}:{auth.Password}");
        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(decoded), expected);
    }

    private static async Task GitAsync(string cwd, CancellationToken ct, params string[] args)
    {
        var psi = new ProcessStartInfo(FindGit()!) { WorkingDirectory = cwd, RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        Isolate(psi);
        psi.Environment["GIT_AUTHOR_NAME"] = psi.Environment["GIT_COMMITTER_NAME"] = "Conformance twin";
        psi.Environment["GIT_AUTHOR_EMAIL"] = psi.Environment["GIT_COMMITTER_EMAIL"] = "twin@conformance.invalid";
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync(ct);
        await p.StandardOutput.ReadToEndAsync(ct);
        await p.WaitForExitAsync(ct);
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"git {string.Join(' ', args.Take(2))} failed in {cwd} (exit {p.ExitCode}): {(await stderr).Trim()}");
    }

    /// <summary>The user's and system git configuration stay out of the twin's repositories.</summary>
    private static void Isolate(ProcessStartInfo psi)
    {
        psi.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        psi.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        psi.Environment["GIT_TERMINAL_PROMPT"] = "0";
    }

    /// <summary>Runs `git http-backend` as a CGI for one request (smart HTTP: info/refs, git-upload-pack).</summary>
    private async Task ServeAsync(HttpContext http, string git)
    {
        var req = http.Request;
        var psi = new ProcessStartInfo(git) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add("http-backend");
        psi.Environment.Clear();
        psi.Environment["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        Isolate(psi);
        psi.Environment["GIT_PROJECT_ROOT"] = Path.Combine(_root, "repos");
        psi.Environment["GIT_HTTP_EXPORT_ALL"] = "1";
        psi.Environment["REQUEST_METHOD"] = req.Method;
        psi.Environment["PATH_INFO"] = req.Path.Value ?? "/";
        psi.Environment["QUERY_STRING"] = req.QueryString.HasValue ? req.QueryString.Value![1..] : "";
        psi.Environment["CONTENT_TYPE"] = req.ContentType ?? "";
        psi.Environment["REMOTE_ADDR"] = http.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1";
        psi.Environment["SERVER_PROTOCOL"] = "HTTP/1.1";
        if (req.Headers.TryGetValue("Git-Protocol", out var proto)) psi.Environment["GIT_PROTOCOL"] = proto.ToString();
        if (req.Headers.TryGetValue("Content-Encoding", out var enc)) psi.Environment["HTTP_CONTENT_ENCODING"] = enc.ToString();

        using var p = Process.Start(psi)!;
        var copyIn = Task.Run(async () =>
        {
            try { await req.Body.CopyToAsync(p.StandardInput.BaseStream, http.RequestAborted); }
            finally { p.StandardInput.Close(); }
        });
        var stderr = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.BaseStream;

        // CGI response: header lines up to an empty line, then the body
        var status = 200;
        while (await ReadHeaderLineAsync(output) is { Length: > 0 } line)
        {
            var colon = line.IndexOf(':');
            if (colon <= 0) continue;
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
                status = int.Parse(value.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            else http.Response.Headers.Append(name, value);
        }
        http.Response.StatusCode = status;
        await output.CopyToAsync(http.Response.Body, http.RequestAborted);
        await copyIn;
        await p.WaitForExitAsync(http.RequestAborted);
        _ = await stderr;
    }

    private static async Task<string?> ReadHeaderLineAsync(Stream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one) == 1)
        {
            if (one[0] == '\n') return System.Text.Encoding.ASCII.GetString(bytes.ToArray()).TrimEnd('\r');
            bytes.Add(one[0]);
        }
        return bytes.Count == 0 ? null : System.Text.Encoding.ASCII.GetString(bytes.ToArray());
    }

    private static string? FindGit()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, "git");
            if (File.Exists(candidate)) return candidate;
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        _certificates?.Dispose();
        if (_ownsRoot)
        {
            try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
