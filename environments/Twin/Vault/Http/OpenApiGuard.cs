using System.Reflection;
using System.Text.RegularExpressions;
using Conformance.Twin.Vault.Mounts;

namespace Conformance.Twin.Vault.Http;

/// <summary>
/// The fidelity guard: every request must match a path template of upstream/vault/openapi.json (Vault 1.15) after
/// mount-path substitution, with an operation the template offers (LIST = GET with list=true, as the spec writes it).
/// The table is embedded from Http/openapi-paths.tsv, generated from that file. Http/openapi-request-fields.tsv
/// (same source) lists the request body properties of each write, for Vault's "unrecognized parameters" warning.
/// </summary>
internal sealed class OpenApiGuard
{
    public sealed record Template(string Path, string? Placeholder, HashSet<string> Operations, bool CreateSupported, bool Sudo, bool Unauthenticated)
    {
        internal Regex? Literal { get; init; }
        internal string Suffix { get; init; } = "";
        /// <summary>The fields a write recognises (body properties plus the path's own {params}); null when the
        /// spec lists none or takes arbitrary input (kv v1, cubbyhole, sys/wrapping/wrap): then nothing is flagged.</summary>
        public IReadOnlySet<string>? RequestFields { get; init; }
    }

    public sealed record Match(Template Template, bool OperationAllowed);

    private static readonly Regex PlaceholderRx = new(@"\{(\w+_mount_path)\}", RegexOptions.Compiled);
    private readonly List<Template> _templates;
    private readonly Dictionary<string, Regex> _compiled = new(StringComparer.Ordinal);

    // Writes whose schema lists properties while the backend hands the whole body on (the database plugin reads
    // connection_url, username, password... that the path's schema never names): left unflagged, to stay conservative.
    private static readonly HashSet<string> PassesBodyToPlugin = new(StringComparer.Ordinal) { "/{database_mount_path}/config/{name}" };

    private static readonly Regex PathParamRx = new(@"\{(\w+)\}", RegexOptions.Compiled);

    public OpenApiGuard()
    {
        var fields = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var cols in Rows("openapi-request-fields.tsv")) fields[cols[0]] = cols[1].Split(',', StringSplitOptions.RemoveEmptyEntries);
        _templates = [];
        foreach (var cols in Rows("openapi-paths.tsv"))
        {
            var ops = cols[1].Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
            if (ops.Count == 0) continue;
            var flags = cols.Length > 2 ? cols[2].Split(',') : [];
            var ph = PlaceholderRx.Match(cols[0]);
            // framework.Path.Fields holds the path's captures too, so {name} in the template is recognised.
            var recognised = fields.TryGetValue(cols[0], out var props) && !PassesBodyToPlugin.Contains(cols[0])
                ? props.Concat(PathParamRx.Matches(cols[0]).Select(m => m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal)
                : null;
            _templates.Add(new Template(cols[0], ph.Success ? ph.Groups[1].Value : null, ops,
                flags.Contains("create"), flags.Contains("sudo"), flags.Contains("unauth")) { RequestFields = recognised });
        }
    }

    private static IEnumerable<string[]> Rows(string resource)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Conformance.Twin.Vault." + resource)
            ?? throw new InvalidOperationException($"embedded resource {resource} missing from Conformance.Twin.Vault (see its .csproj)");
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
            if (!line.StartsWith('#') && line.Length != 0) yield return line.Split('\t');
    }

    /// <summary>sdk/framework/backend.go HandleRequest: request fields the path's schema does not know, sorted as
    /// Go's sort.Strings sorts them (ordinal). Empty when the template lists no schema.</summary>
    public static IReadOnlyList<string> Unrecognised(Template t, IEnumerable<string> requestFields) =>
        t.RequestFields is { } known ? requestFields.Where(f => !known.Contains(f)).Order(StringComparer.Ordinal).ToList() : [];

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
