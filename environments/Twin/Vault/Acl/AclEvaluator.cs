using Conformance.Twin.Vault.Http;

namespace Conformance.Twin.Vault.Acl;

/// <summary>
/// Vault's ACL (vault/acl.go): rules of all a token's policies merged per path (capabilities unioned, deny wins);
/// an exact rule beats any glob; otherwise the highest-priority match among the longest "*" prefix rule and the "+"
/// segment-wildcard rules, ordered as docs/concepts/policies.mdx "Priority matching" lists.
/// </summary>
public sealed class AclEvaluator
{
    private readonly bool _root;
    private readonly Dictionary<string, Capability> _exact = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Capability> _prefix = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Capability> _segmentWildcard = new(StringComparer.Ordinal);

    public AclEvaluator(IEnumerable<Policy> policies)
    {
        foreach (var policy in policies)
        {
            if (policy.Name == "root") { _root = true; continue; }
            foreach (var rule in policy.Rules)
            {
                var path = rule.Path.TrimStart('/');
                var target = path.Contains('+') ? _segmentWildcard
                    : path.EndsWith('*') ? _prefix
                    : _exact;
                var key = target == _prefix ? path[..^1] : path;
                target[key] = Merge(target.GetValueOrDefault(key), rule.Capabilities);
            }
        }
    }

    public bool IsRoot => _root;

    // Vault: a deny on a path wipes out every other capability on it (acl.go NewACL merge).
    private static Capability Merge(Capability existing, Capability added) =>
        (existing | added).HasFlag(Capability.Deny) ? Capability.Deny : existing | added;

    /// <summary>The capabilities a token holds on a path (acl.go Capabilities / AllowOperation lookup).</summary>
    public Capability CapabilitiesOn(string path, bool isList = false)
    {
        if (_root) return Capability.Create | Capability.Read | Capability.Update | Capability.Delete | Capability.List | Capability.Sudo | Capability.Patch;
        if (_exact.TryGetValue(path, out var caps)) return caps;
        // Vault: a LIST also consults the exact rule without the trailing slash.
        if (isList && _exact.TryGetValue(path.TrimEnd('/'), out caps)) return caps;
        return NonExact(path) ?? Capability.None;
    }

    private Capability? NonExact(string path)
    {
        var candidates = new List<Candidate>();
        var longest = _prefix.Keys.Where(p => path.StartsWith(p, StringComparison.Ordinal)).MaxBy(p => p.Length);
        if (longest is not null)
            candidates.Add(new Candidate(longest, longest.Length, true, 0, _prefix[longest]));

        var parts = path.Split('/');
        foreach (var (full, caps) in _segmentWildcard)
        {
            var isPrefix = full.EndsWith('*');
            var wc = isPrefix ? full[..^1] : full;
            var wcParts = wc.Split('/');
            if (!isPrefix && wcParts.Length != parts.Length) continue;
            if (isPrefix && wcParts.Length > parts.Length) continue;
            var ok = true; var segments = 0;
            for (var i = 0; i < wcParts.Length && ok; i++)
            {
                if (wcParts[i] == "+") { segments++; continue; }
                ok = isPrefix && i == wcParts.Length - 1
                    ? parts[i].StartsWith(wcParts[i], StringComparison.Ordinal)
                    : wcParts[i] == parts[i];
            }
            if (ok) candidates.Add(new Candidate(wc, full.IndexOf('+'), isPrefix, segments, caps));
        }
        if (candidates.Count == 0) return null;
        candidates.Sort(Priority);
        return candidates[^1].Caps;
    }

    private sealed record Candidate(string Path, int FirstWildcard, bool IsPrefix, int WildcardSegments, Capability Caps);

    // docs/concepts/policies.mdx priority: later first wildcard wins; no trailing * beats trailing *; fewer + segments
    // win; longer wins; lexicographically greater wins. Returns <0 when a has lower priority than b.
    private static int Priority(Candidate a, Candidate b)
    {
        if (a.FirstWildcard != b.FirstWildcard) return a.FirstWildcard.CompareTo(b.FirstWildcard);
        if (a.IsPrefix != b.IsPrefix) return a.IsPrefix ? -1 : 1;
        if (a.WildcardSegments != b.WildcardSegments) return b.WildcardSegments.CompareTo(a.WildcardSegments);
        if (a.Path.Length != b.Path.Length) return a.Path.Length.CompareTo(b.Path.Length);
        return string.CompareOrdinal(a.Path, b.Path);
    }

    /// <summary>
    /// Whether some rule at or under <paramref name="prefix"/> (a mount path) grants read: the walk over exact and
    /// prefix rules that logical_system.go hasMountAccess makes to decide whether a mount is visible at all. Only the
    /// fault vault-acl-reads-whole-mount uses it to authorise a read.
    /// </summary>
    public bool ReadsSomewhereUnder(string prefix)
    {
        if (_root) return true;
        return new[] { _exact, _prefix, _segmentWildcard }
            .SelectMany(rules => rules)
            .Any(r => r.Key.StartsWith(prefix, StringComparison.Ordinal) && !r.Value.HasFlag(Capability.Deny) && r.Value.HasFlag(Capability.Read));
    }

    /// <summary>Whether an operation is allowed (acl.go AllowOperation); root-protected paths also need sudo.</summary>
    public bool Allows(string path, VaultOperation op, bool needsSudo)
    {
        var caps = CapabilitiesOn(path, op == VaultOperation.List);
        if (caps.HasFlag(Capability.Deny) || caps == Capability.None) return false;
        if (needsSudo && !caps.HasFlag(Capability.Sudo)) return false;
        var need = op switch
        {
            VaultOperation.Read => Capability.Read,
            VaultOperation.Create => Capability.Create,
            VaultOperation.Update => Capability.Update,
            VaultOperation.Delete => Capability.Delete,
            _ => Capability.List,
        };
        return caps.HasFlag(need);
    }
}
