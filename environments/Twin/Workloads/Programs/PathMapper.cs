using System.Text;

namespace Conformance.Twin.Workloads.Programs;

/// <summary>Maps container paths to host folders: the longest matching mount wins; anything else lives under the container's root folder.</summary>
public sealed class PathMapper
{
    private readonly List<(string Container, string Host)> _map;

    public PathMapper(IEnumerable<ContainerMount> mounts, string rootFolder)
    {
        _map = mounts.Select(m => (Normalize(m.ContainerPath), m.HostPath))
            .OrderByDescending(m => m.Item1.Length).ToList();
        RootFolder = rootFolder;
    }

    public string RootFolder { get; }

    /// <summary>Container path -> host path (mounted prefixes), or the container root for unmounted absolute paths.</summary>
    public string ToHost(string containerPath)
    {
        var p = Normalize(containerPath);
        foreach (var (c, h) in _map)
        {
            if (p == c) return h;
            if (p.StartsWith(c + "/", StringComparison.Ordinal)) return Path.Combine(h, p[(c.Length + 1)..]);
        }
        return Path.Combine(RootFolder, p.TrimStart('/'));
    }

    /// <summary>The mounted prefixes as (container, host) pairs, longest first.</summary>
    public IReadOnlyList<(string Container, string Host)> Prefixes => _map;

    /// <summary>
    /// Rewrites every mounted container path in a shell script to its host path (at path boundaries only), so that a
    /// real bash runs the script against the pod's folders.
    /// </summary>
    public string RewriteScript(string script)
    {
        var sb = new StringBuilder(script.Length + 256);
        var i = 0;
        while (i < script.Length)
        {
            var matched = false;
            if (script[i] == '/' && (i == 0 || !IsPathChar(script[i - 1])))
            {
                foreach (var (c, h) in _map)
                {
                    if (string.CompareOrdinal(script, i, c, 0, c.Length) != 0) continue;
                    var end = i + c.Length;
                    if (end < script.Length && IsPathChar(script[end]) && script[end] != '/') continue;
                    sb.Append(h);
                    i = end;
                    matched = true;
                    break;
                }
            }
            if (!matched) sb.Append(script[i++]);
        }
        return sb.ToString();
    }

    private static bool IsPathChar(char ch) => char.IsLetterOrDigit(ch) || ch is '/' or '_' or '-' or '.';

    private static string Normalize(string p) => p.Length > 1 ? p.TrimEnd('/') : p;
}
