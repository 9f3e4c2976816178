using System.Reflection;
using System.Text.RegularExpressions;
using Conformance.Twin.Vault.Mounts;

namespace Conformance.Twin.Vault.Http;

/// <summary>
/// The fidelity guard: every request must match a path template of upstream/vault/openapi.json (Vault 1.15) after
/// mount-path substitution, with an operation the template offers (LIST = GET with list=true, as the spec writes it).
/// The table is embedded from Http/openapi-paths.tsv, generated from that file.
/// </summary>
internal sealed class OpenApiGuard
{
    public sealed record Template(string Path, string? Placeholder, HashSet<string> Operations, bool CreateSupported, bool Sudo, bool Unauthenticated)
    {
        internal Regex? Literal { get; init; }
        internal string Suffix { get; init; } = "";
    }

    public sealed record Match(Template Template, bool OperationAllowed);

    private static readonly Regex PlaceholderRx = new(@"\{(\w+_mount_path)\}", RegexOptions.Compiled);
    private readonly List<Template> _templates;
    private readonly Dictionary<string, Regex> _compiled = new(StringComparer.Ordinal);

    public OpenApiGuard()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Conformance.Twin.Vault.openapi-paths.tsv")
            ?? throw new InvalidOperationException("embedded resource openapi-paths.tsv missing from Conformance.Twin.Vault");
        using var reader = new StreamReader(stream);
        _templates = [];
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith('#') || line.Length == 0) continue;
            var cols = line.Split('\t');
            var ops = cols[1].Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            if (ops.Count == 0) continue;
            var flags = cols.Length > 2 ? cols[2].Split(',') : [];
            var ph = PlaceholderRx.Match(cols[0]);
            _templates.Add(new Template(cols[0], ph.Success ? ph.Groups[1].Value : null, ops,
                flags.Contains("create"), flags.Contains("sudo"), flags.Contains("unauth")));
        }
    }

    public IReadOnlyList<Template> Templates => _templates;

    /// <summary>Finds the template for a request path ("sys/leases/lookup/database/creds/") reaching a mount (or none).</summary>
    public Match? Find(string path, VaultOperation op, MountEntry? mount)
    {
        var full = "/" + path;
        var opName = op switch
        {
            VaultOperation.Read => "get",
            VaultOperation.List => "list",
            VaultOperation.Delete => "delete",
            _ => "post",
        };
        Match? pathOnly = null;
        foreach (var t in _templates)
        {
            string pattern;
            if (t.Placeholder is null) pattern = t.Path;
            else if (mount?.OpenApiPlaceholder == t.Placeholder) pattern = t.Path.Replace("{" + t.Placeholder + "}", Escape(mount.Name));
            else if (mount is null) pattern = t.Path.Replace("{" + t.Placeholder + "}", "\u0001");
            else continue;
            if (!RegexFor(pattern).IsMatch(full)) continue;
            var m = new Match(t, t.Operations.Contains(opName));
            if (m.OperationAllowed) return m;
            pathOnly ??= m;
        }
        return pathOnly;
    }

    private static string Escape(string literalSegment) => literalSegment.Replace("{", "\u0002").Replace("}", "\u0003");

    private Regex RegexFor(string pattern)
    {
        if (_compiled.TryGetValue(pattern, out var rx)) return rx;
        // {param}/ at the end may be empty (LIST of the top level); other {param}s match one or more characters.
        var body = Regex.Escape(pattern).Replace("\u0001", "[^/]+(?:/[^/]+)*").Replace("\u0002", "{").Replace("\u0003", "}");
        body = Regex.Replace(body, @"\\\{\w+}/$", "(?:.+/)?");
        body = Regex.Replace(body, @"\\\{\w+}", ".+");
        body = body.Replace(@"\^\.\*\$", ".*");
        rx = new Regex("^" + body + "$", RegexOptions.CultureInvariant);
        _compiled[pattern] = rx;
        return rx;
    }
}
