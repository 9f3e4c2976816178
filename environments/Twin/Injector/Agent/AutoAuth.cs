namespace Conformance.Twin.Injector.Agent;

/// <summary>
/// Vault Agent auto_auth with the kubernetes method (command/agentproxyshared/auth/auth.go, auth/kubernetes): read
/// the pod's service-account JWT from token_path, `PUT auth/&lt;mount&gt;/login`, retry with backoff, write the token to
/// the file sinks, then keep the token alive with a lifetime watcher (reference/vault.md §2.4).
/// </summary>
internal static class AutoAuth
{
    public static async Task<VaultAuth> LoginAsync(AgentSession s, CancellationToken ct)
    {
        var backoff = s.Config.AuthMinBackoff;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            string? error;
            try
            {
                if (s.Config.AuthType != "kubernetes")
                    throw new AgentFatalException($"error creating kubernetes auth method: the twin agent supports auth type kubernetes only, not {s.Config.AuthType}");
                var jwt = await ReadJwtAsync(s, ct);
                var response = await s.Vault.LoginKubernetesAsync(s.Config.AuthMountPath, s.Config.RoleName, jwt, ct);
                if (response.Auth is null || response.Auth.ClientToken.Length == 0)
                    throw new InvalidOperationException("authentication returned nil auth info");
                s.Log("INFO", "agent.auth.handler: authentication successful, sending token to sinks");
                s.Emit("login", $"accessor={response.Auth.Accessor} lease_duration={response.Auth.LeaseDuration} renewable={response.Auth.Renewable}");
                return response.Auth;
            }
            catch (VaultApiException ex) { error = $"Error making API request. Code: {(int)ex.Status}. Errors: {string.Join("; ", ex.Errors)}"; }
            catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException) { error = ex.Message; }
            s.Log("ERROR", $"agent.auth.handler: error authenticating: error=\"{error}\" backoff={AgentSession.FormatDuration(backoff)}");
            s.Emit("login-failed", error ?? "");
            if (s.Config.AutoAuthExitOnError) throw new AgentFatalException($"agent.auth.handler: error authenticating: {error}");
            await Task.Delay(backoff, s.Time, ct);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, s.Config.AuthMaxBackoff.Ticks));
        }
    }

    private static async Task<string> ReadJwtAsync(AgentSession s, CancellationToken ct)
    {
        var host = s.Container.MapPath(s.Config.TokenPath);
        if (File.Exists(host)) return (await File.ReadAllTextAsync(host, ct)).Trim();
        // twin: no projected token file; ask the twin's API server for one (TokenRequest) when the host allows it
        if (s.TokenSource is { } source) return await source(s.Container.Pod, ct);
        throw new InvalidOperationException($"error reading token file {s.Config.TokenPath}: open {s.Config.TokenPath}: no such file or directory");
    }

    /// <summary>The file sinks (`/home/vault/.vault-token`, optionally `/vault/secrets/token`).</summary>
    public static void WriteSinks(AgentSession s)
    {
        foreach (var path in s.Config.SinkPaths)
        {
            var host = s.Container.MapPath(path);
            Directory.CreateDirectory(Path.GetDirectoryName(host)!);
            File.WriteAllText(host, s.Token);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(host, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            s.Log("INFO", $"agent.sink.file: token written: path={path}");
        }
    }

    /// <summary>Renews the token (auth/token/renew-self) until it cannot be extended, then returns (vault.md §2.4).</summary>
    public static async Task WatchTokenAsync(AgentSession s, VaultAuth auth, CancellationToken ct)
    {
        if (auth.LeaseDuration <= 0)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, s.Time, ct); // a non-expiring token needs no watcher
            return;
        }
        var watcher = s.NewWatcher();
        var err = await watcher.WatchAsync(async c =>
        {
            var r = await s.Vault.RenewSelfAsync(s.Token, 0, c);
            var a = r.Auth ?? throw new InvalidOperationException("returned empty secret data");
            s.Emit("token-renew", $"lease_duration={a.LeaseDuration} renewable={a.Renewable}");
            return new RenewalResult(a.LeaseDuration, a.Renewable, r.Warnings);
        }, auth.LeaseDuration, ct, renewDisabled: !auth.Renewable);
        if (err is not null) s.Log("ERROR", $"agent.auth.handler: error renewing token: {err.Message.Split('\n')[0]}");
    }
}
