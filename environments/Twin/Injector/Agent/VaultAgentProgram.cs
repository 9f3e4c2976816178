using System.Text.RegularExpressions;
using k8s.Models;

namespace Conformance.Twin.Injector.Agent;

/// <summary>
/// The program the twin kubelet runs for the injected `vault-agent-init` and `vault-agent` containers: Vault Agent
/// started from the container's own `VAULT_CONFIG` (reference/vault.md §1.2, §2). The init container authenticates,
/// renders once and exits, leaving its token and leases behind (§2.5); the sidecar keeps its token and secrets
/// fresh (§2.1–§2.4) until the pod is deleted; its preStop hook revokes its token when the injector put one there (§2.5).
/// </summary>
public sealed partial class VaultAgentProgram(AgentOptions options)
{
    private readonly TwinFaults _faults = new(options.Faults);

    /// <summary>An injected agent container: the Vault image running `vault agent` (vault-k8s DefaultContainerArg).</summary>
    public static bool Matches(V1Pod pod, V1Container container) =>
        ImageName(container.Image) is "hashicorp/vault" or "vault" or "docker.io/hashicorp/vault"
        && string.Join(" ", (container.Command ?? []).Concat(container.Args ?? [])).Contains("vault agent", StringComparison.Ordinal);

    /// <summary>Runs the agent; returns the container's exit code.</summary>
    public async Task<int> RunAsync(AgentContainer c)
    {
        AgentConfigFile config;
        try { config = AgentConfigFile.FromEnv(c.Env); }
        catch (AgentConfigException ex)
        {
            c.Log.WriteLine(ex.Message);
            return 1;
        }
        using var http = new HttpClient(options.VaultHttpHandler ?? new SocketsHttpHandler(), disposeHandler: options.VaultHttpHandler is null);
        var session = new AgentSession(c, config, options, _faults, new VaultClient(http, ResolveAddress(config.VaultAddress)));
        session.Log("INFO", $"agent: twin Vault Agent starting (exit_after_auth={config.ExitAfterAuth.ToString().ToLowerInvariant()}, templates={config.Templates.Count})");
        try
        {
            var code = config.ExitAfterAuth ? await RunInitAsync(session) : await RunSidecarAsync(session);
            session.Emit("exit", $"code={code}");
            return code;
        }
        catch (OperationCanceledException) when (c.Terminate.IsCancellationRequested)
        {
            // The agent does not revoke anything on SIGTERM (vault.md §2.5; hashicorp/vault#6492)
            session.Log("INFO", "agent: shutdown triggered, stopping lifetime watcher");
            session.Emit("exit", "code=0 (terminated)");
            return 0;
        }
        catch (AgentFatalException ex)
        {
            session.Log("ERROR", ex.Message);
            session.Emit("exit", "code=1");
            return 1;
        }
    }

    // exit_after_auth: authenticate, write the sinks, render every template once, exit (vault.md §1.2, §2.5)
    private static async Task<int> RunInitAsync(AgentSession s)
    {
        var ct = s.Container.Terminate;
        var auth = await AutoAuth.LoginAsync(s, ct);
        s.Token = auth.ClientToken;
        AutoAuth.WriteSinks(s);
        await new TemplateServer(s).RenderOnceAsync(ct);
        s.Log("INFO", "agent: exit_after_auth is set, exiting");
        return 0;
    }

    private static async Task<int> RunSidecarAsync(AgentSession s)
    {
        var ct = s.Container.Terminate;
        while (true)
        {
            var auth = await AutoAuth.LoginAsync(s, ct);
            s.Token = auth.ClientToken;
            AutoAuth.WriteSinks(s);
            using var serverCts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var server = new TemplateServer(s).RunAsync(serverCts.Token);
            var watcher = AutoAuth.WatchTokenAsync(s, auth, ct);
            var first = await Task.WhenAny(server, watcher);
            if (first == server)
            {
                await server; // surfaces AgentFatalException (retries exhausted with exit_on_retry_failure)
                await watcher;
            }
            ct.ThrowIfCancellationRequested();
            // auth.go: the token can no longer be extended: log in again; the template server restarts with the new token (vault.md §2.4)
            s.Log("INFO", "agent.auth.handler: lifetime watcher done channel triggered, re-authenticating");
            s.Emit("reauth", "token lifetime watcher done");
            await serverCts.CancelAsync();
            try { await server; }
            catch (OperationCanceledException) { }
        }
    }

    /// <summary>
    /// The sidecar's preStop hook: runs the container's own `lifecycle.preStop.exec` command the way the Vault image
    /// would: `/bin/sleep N && /bin/vault token revoke -address=... -self` (vault.md §2.5). No hook, nothing happens.
    /// </summary>
    public async Task PreStopAsync(AgentContainer c, CancellationToken ct)
    {
        var command = c.Container.Lifecycle?.PreStop?.Exec?.Command;
        if (command is null || command.Count == 0) return;
        var script = command[^1];
        var emit = (string kind, string detail) => options.OnEvent?.Invoke(new AgentEvent(options.Time.GetUtcNow(), c.Pod.Metadata?.Name ?? "", c.Container.Name, kind, detail));
        var sleep = SleepRegex().Match(script);
        var revoke = RevokeRegex().Match(script);
        if (!revoke.Success)
        {
            c.Log.WriteLine($"twin: preStop command not understood by the twin Vault image: {script}");
            return;
        }
        if (_faults.Has(TwinFaults.AgentSkipsRevokeOnShutdown)) // fault: the hook does nothing
        {
            emit("fault", $"{TwinFaults.AgentSkipsRevokeOnShutdown}: preStop skipped");
            return;
        }
        if (sleep.Success)
        {
            // `/bin/sleep <agent-revoke-grace>` before the revoke (vault.md §2.5)
            await Task.Delay(TimeSpan.FromSeconds(long.Parse(sleep.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)), options.Time, ct);
        }
        // The Vault CLI reads $HOME/.vault-token, the agent's sink /home/vault/.vault-token (vault.md §2.5)
        var tokenFile = c.MapPath("/home/vault/.vault-token");
        if (!File.Exists(tokenFile))
        {
            c.Log.WriteLine("Error revoking token: no token found (the agent never wrote /home/vault/.vault-token)");
            emit("revoke-failed", "no token in sink");
            return;
        }
        var token = (await File.ReadAllTextAsync(tokenFile, ct)).Trim();
        using var http = new HttpClient(options.VaultHttpHandler ?? new SocketsHttpHandler(), disposeHandler: options.VaultHttpHandler is null);
        var vault = new VaultClient(http, ResolveAddress(revoke.Groups[1].Value));
        try
        {
            await vault.RevokeSelfAsync(token, ct);
            c.Log.WriteLine("Success! Revoked token (if it existed)");
            emit("revoke-self", "token revoked");
        }
        catch (Exception ex) when (ex is VaultApiException or HttpRequestException)
        {
            c.Log.WriteLine($"Error revoking token: {ex.Message}");
            emit("revoke-failed", ex.Message.Split('\n')[0]);
        }
    }

    private Uri ResolveAddress(string address)
    {
        if (options.ResolveVaultAddress is { } resolve) return resolve(address);
        if (!Uri.TryCreate(address.EndsWith('/') ? address : address + "/", UriKind.Absolute, out var uri))
            throw new AgentFatalException($"error creating vault client: invalid Vault address {address}");
        return uri;
    }

    private static string ImageName(string? image)
    {
        if (string.IsNullOrEmpty(image)) return "";
        var at = image.IndexOf('@');
        if (at >= 0) image = image[..at];
        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return colon > slash ? image[..colon] : image;
    }

    [GeneratedRegex(@"/bin/sleep\s+(\d+)")]
    private static partial Regex SleepRegex();

    [GeneratedRegex(@"vault\s+token\s+revoke\s+.*-address=(\S+).*-self")]
    private static partial Regex RevokeRegex();
}
