using System.Globalization;
using System.Text;
using Conformance.Twin.Injector.Templates;

namespace Conformance.Twin.Injector.Agent;

/// <summary>
/// Vault Agent's template server (command/agent/template/template.go driving a consul-template runner): renders
/// every `template` stanza into its destination once all of its secrets are known, and in the sidecar re-renders
/// when a dependency returns new data. Files are written only when their contents change.
/// </summary>
internal sealed class TemplateServer(AgentSession session)
{
    private readonly Dictionary<string, SecretDependency> _deps = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _renderGate = new(1, 1);
    private readonly List<Task> _loops = [];
    private readonly Dictionary<string, GoTemplate> _parsed = new(StringComparer.Ordinal);
    private CancellationToken _loopToken;
    private bool _watching;
    private bool _rendered;

    /// <summary>Init container (exit_after_auth): render everything once, then return.</summary>
    public Task RenderOnceAsync(CancellationToken ct) => RenderAllAsync(ct);

    /// <summary>Sidecar: render, then keep every dependency fresh until cancelled (a new token cancels and restarts us).</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        _loopToken = ct;
        await RenderAllAsync(ct);
        _watching = true;
        lock (_loops)
            foreach (var dep in _deps.Values) StartLoop(dep);
        // Surface a dependency loop failure (retries exhausted) as the server's failure.
        while (!ct.IsCancellationRequested)
        {
            Task[] loops;
            lock (_loops) loops = [.. _loops];
            var done = await Task.WhenAny(loops.Append(Task.Delay(Timeout.Infinite, ct)));
            if (done.IsFaulted) await done;
            if (ct.IsCancellationRequested) return;
            lock (_loops) _loops.Remove(done);
        }
    }

    private void StartLoop(SecretDependency dep) => _loops.Add(Task.Run(() => dep.RunAsync(OnChangedAsync, _loopToken), _loopToken));

    private async Task OnChangedAsync(SecretDependency dep)
    {
        // fault agent-renders-stale-template: new data arrives but the files keep the first render
        if (session.Faults.Has(TwinFaults.AgentRendersStaleTemplate) && _rendered)
        {
            session.Emit("fault", $"{TwinFaults.AgentRendersStaleTemplate}: not re-rendering after {dep.RawPath} changed");
            return;
        }
        await RenderAllAsync(_loopToken);
    }

    /// <summary>
    /// consul-template Runner.Run: execute each template; a template whose secrets are not all fetched yet is not written,
    /// the missing ones are fetched and the pass repeats (the multi-pass dependency discovery).
    /// </summary>
    private async Task RenderAllAsync(CancellationToken ct)
    {
        await _renderGate.WaitAsync(ct);
        try
        {
            for (var pass = 0; pass < 10; pass++)
            {
                var missing = new List<(string Path, IReadOnlyList<string> Args)>();
                foreach (var t in session.Config.Templates)
                {
                    var text = RenderOne(t, missing);
                    if (text is not null) Write(t, text);
                }
                if (missing.Count == 0)
                {
                    _rendered = true;
                    return;
                }
                foreach (var (path, args) in missing.DistinctBy(m => SecretDependency.Keyed(m.Path, m.Args)))
                {
                    var dep = new SecretDependency(session, path, args);
                    if (_deps.ContainsKey(dep.Key)) continue;
                    await session.WithRetryAsync($"vault.read({dep.RawPath})", dep.FetchAsync, ct);
                    _deps[dep.Key] = dep;
                    if (_watching) lock (_loops) StartLoop(dep);
                }
            }
            throw new AgentFatalException("template server: dependencies did not settle after 10 passes");
        }
        finally
        {
            _renderGate.Release();
        }
    }

    private string? RenderOne(AgentTemplate t, List<(string Path, IReadOnlyList<string> Args)> missing)
    {
        var source = t.Contents;
        if (source.Length == 0 && t.Source.Length > 0)
        {
            var host = session.Container.MapPath(t.Source);
            if (!File.Exists(host)) throw new AgentFatalException($"template server: failed to read template source {t.Source}: no such file or directory");
            source = File.ReadAllText(host);
        }
        if (!_parsed.TryGetValue(t.Destination, out var template))
        {
            try { template = GoTemplate.Parse(t.Destination, source, t.LeftDelim, t.RightDelim); }
            catch (TemplateException ex) { throw new AgentFatalException($"template server: {ex.Message}"); }
            _parsed[t.Destination] = template;
        }
        var complete = true;
        string text;
        try
        {
            text = template.Execute((path, args) =>
            {
                if (_deps.TryGetValue(SecretDependency.Keyed(path, args), out var dep) && dep.Value is not null) return dep.Value;
                missing.Add((path, args));
                complete = false;
                return null;
            }, t.ErrorOnMissingKey);
        }
        catch (TemplateException) when (!complete)
        {
            return null; // a template that dereferences a not-yet-fetched secret is retried on the next pass
        }
        catch (TemplateException ex)
        {
            throw new AgentFatalException($"template server: (dynamic): {ex.Message}");
        }
        return complete ? text : null;
    }

    private void Write(AgentTemplate t, string text)
    {
        var host = session.Container.MapPath(t.Destination);
        Directory.CreateDirectory(Path.GetDirectoryName(host)!);
        var bytes = Encoding.UTF8.GetBytes(text);
        if (File.Exists(host) && File.ReadAllBytes(host).AsSpan().SequenceEqual(bytes))
            return; // consul-template: unchanged contents are not rewritten
        var tmp = host + ".tmp-" + Guid.NewGuid().ToString("N")[..8];
        File.WriteAllBytes(tmp, bytes);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(tmp, ParsePerms(t.Perms));
        File.Move(tmp, host, overwrite: true);
        session.Log("INFO", $"(runner) rendered \"(dynamic)\" => \"{t.Destination}\"");
        session.Emit("render", $"destination={t.Destination} bytes={bytes.Length} content={session.Fingerprint(System.Text.Json.Nodes.JsonValue.Create(text))}");
        if (t.Command.Length > 0)
            session.Log("WARN", $"(runner) twin: template command for {t.Destination} is not executed");
    }

    /// <summary>Vault Agent template perms (e.g. "0400"); 0644 by default.</summary>
    private static UnixFileMode ParsePerms(string perms)
    {
        var value = 0x1A4; // 0644
        if (perms.Length > 0)
        {
            try { value = Convert.ToInt32(perms, 8); }
            catch (FormatException) { throw new AgentFatalException($"template server: invalid perms {perms}"); }
        }
        return (UnixFileMode)value;
    }

    internal static string Invariant(double d) => d.ToString(CultureInfo.InvariantCulture);
}
