using System.Text.Json.Nodes;
using Conformance.Environments.Plan;
using Conformance.Fixtures.Evidence;

namespace Conformance.Environments.Live;

/// <summary>
/// <see cref="IWorldDiagnostics"/> for live worlds: controller logs read from their pods through the Kubernetes API
/// (<c>pods/&lt;name&gt;/log?container=&amp;sinceTime=&amp;timestamps=true</c>, cut to the window by the stamps), plus
/// text sources the world can read itself (the k3s world's Vault and LocalStack containers) and Vault's audit file
/// when the world can read it. Component names match the twin's (<c>operator</c>, <c>external-secrets</c>, <c>vault-injector</c>).
/// </summary>
public sealed class KubeDiagnostics : IWorldDiagnostics
{
    private readonly KubeApi _kube;
    private readonly Dictionary<string, PodLogSource> _pods;
    private readonly Dictionary<string, TextLogSource> _texts;
    private Func<CancellationToken, Task<string>>? _readAudit;
    private string _auditUnavailable;

    /// <param name="readAudit">reads Vault's whole audit file (JSON lines); null when this world cannot</param>
    /// <param name="auditUnavailable">why there is no audit reader, for the evidence README</param>
    public KubeDiagnostics(KubeApi kube, IReadOnlyList<PodLogSource> pods, IReadOnlyList<TextLogSource>? texts = null,
        Func<CancellationToken, Task<string>>? readAudit = null, string auditUnavailable = "this world cannot read Vault's audit device")
    {
        _kube = kube;
        _pods = pods.ToDictionary(p => p.Component);
        _texts = (texts ?? []).ToDictionary(t => t.Component);
        _readAudit = readAudit;
        _auditUnavailable = auditUnavailable;
        Components = [.. pods.Select(p => p.Component), .. _texts.Keys];
    }

    public IReadOnlyList<string> Components { get; }

    private Dictionary<string, IReadOnlyList<DiagnosticLine>>? _frozen;
    private string? _frozenAudit;

    /// <summary>
    /// Reads every source in full and answers from memory from then on. A world calls it before it stops: the run's
    /// <c>controller-logs.txt</c> is written after the [AfterTestRun] hook has disposed the world (the twin's log book
    /// outlives it; a live world's API client and containers do not). A source that fails leaves a line saying so.
    /// </summary>
    public async Task FreezeAsync(CancellationToken cancellationToken)
    {
        if (_frozen is not null) return;
        var frozen = new Dictionary<string, IReadOnlyList<DiagnosticLine>>();
        foreach (var component in Components)
        {
            try
            {
                frozen[component] = await LogsAsync(component, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                frozen[component] = [new DiagnosticLine(null, $"could not be read before the world stopped: {e.GetType().Name}: {e.Message}")];
            }
        }

        if (_readAudit is not null)
        {
            try
            {
                _frozenAudit = await _readAudit(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _auditUnavailable = $"the audit file could not be read before the world stopped: {e.Message}";
            }

            _readAudit = null; // the world is about to go
        }

        _frozen = frozen;
    }

    public async Task<IReadOnlyList<DiagnosticLine>> LogsAsync(string component, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        if (_frozen is not null && _frozen.TryGetValue(component, out var kept))
            return [.. kept.Where(l => l.Time is null || (l.Time >= from && l.Time <= to))];
        if (_texts.TryGetValue(component, out var text))
            // stdout and stderr arrive one after the other; the stamps put them back in order.
            return [.. TimestampedLines.Window(await text.Read(from, to, cancellationToken).ConfigureAwait(false), from, to).OrderBy(l => l.Time)];
        if (!_pods.TryGetValue(component, out var source))
            throw new ArgumentException($"no log source named '{component}'; this world has: {string.Join(", ", Components)}", nameof(component));
        return await PodLogsAsync(source, from, to, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<DiagnosticLine>> PodLogsAsync(PodLogSource source, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var list = await _kube.GetAsync(PodListPath(source), cancellationToken).ConfigureAwait(false);
        var pods = list?["items"]?.AsArray().OfType<JsonObject>().ToList() ?? [];
        if (pods.Count == 0)
            throw new InvalidOperationException(
                $"no pod in namespace {source.Namespace} matches {source.LabelSelector}: is the {source.Component} controller installed there?");

        var reads = new List<(string Label, string Path)>();
        foreach (var pod in pods)
        {
            var name = (string)pod["metadata"]!["name"]!;
            var containers = source.Container is { } only
                ? [only]
                : pod["spec"]?["containers"]?.AsArray().Select(c => (string)c!["name"]!).ToList() ?? [];
            foreach (var container in containers)
            {
                var restarted = pod["status"]?["containerStatuses"]?.AsArray()
                    .Any(s => (string?)s?["name"] == container && (int?)s?["restartCount"] > 0) == true;
                // A controller that restarted inside the window left its last lines in the previous instance.
                if (restarted) reads.Add(($"{name}/{container} (previous)", LogPath(source.Namespace, name, container, from, previous: true)));
                reads.Add(($"{name}/{container}", LogPath(source.Namespace, name, container, from, previous: false)));
            }
        }

        var lines = new List<DiagnosticLine>();
        foreach (var (label, path) in reads)
        {
            string text;
            try
            {
                text = await _kube.GetTextAsync(path, cancellationToken).ConfigureAwait(false);
            }
            catch (KubeApiException e) when (e.Status is 400 or 404)
            {
                // No previous instance, a container still starting, or a pod gone since the list: nothing to read.
                continue;
            }

            var window = TimestampedLines.Window(text, from, to);
            lines.AddRange(reads.Count == 1 ? window : window.Select(l => l with { Text = $"[{label}] {l.Text}" }));
        }

        return [.. lines.OrderBy(l => l.Time)];
    }

    public async Task<IReadOnlyList<string>> VaultAuditAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        if (_frozenAudit is { } kept) return VaultAuditLines.Window(kept, from, to);
        if (_readAudit is null) throw new NotSupportedException(_auditUnavailable);
        return VaultAuditLines.Window(await _readAudit(cancellationToken).ConfigureAwait(false), from, to);
    }

    /// <summary>The pods of a source: <c>/api/v1/namespaces/&lt;ns&gt;/pods?labelSelector=</c>.</summary>
    public static string PodListPath(PodLogSource source) =>
        $"/api/v1/namespaces/{source.Namespace}/pods?labelSelector={Uri.EscapeDataString(source.LabelSelector)}";

    /// <summary>A pod container's log from <paramref name="from"/> on, every line stamped; no <c>sinceTime</c> for an unbounded start.</summary>
    public static string LogPath(string @namespace, string pod, string container, DateTimeOffset from, bool previous)
    {
        var query = $"container={Uri.EscapeDataString(container)}&timestamps=true";
        if (from > DateTimeOffset.MinValue.AddDays(1)) query += "&sinceTime=" + Uri.EscapeDataString(TimestampedLines.SinceTime(from));
        if (previous) query += "&previous=true";
        return $"/api/v1/namespaces/{@namespace}/pods/{pod}/log?{query}";
    }
}

/// <summary>Vault audit entries (one JSON object a line, <c>time</c> in RFC3339Nano) inside a window.</summary>
public static class VaultAuditLines
{
    public static IReadOnlyList<string> Window(string text, DateTimeOffset from, DateTimeOffset to) =>
        text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0 && TimeOf(l) is { } t && t >= from && t <= to).ToList();

    private static DateTimeOffset? TimeOf(string line)
    {
        try
        {
            return JsonNode.Parse(line)?["time"] is JsonValue v && v.TryGetValue<string>(out var s)
                   && TimestampedLines.TryParse(s, out var time, out _) ? time : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
