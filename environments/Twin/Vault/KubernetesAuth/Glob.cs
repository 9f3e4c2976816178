namespace Conformance.Twin.Vault.KubernetesAuth;

/// <summary>go-secure-stdlib strutil.GlobbedStringsMatch: "*" at the start and/or end of a pattern only.</summary>
internal static class Glob
{
    public static bool Matches(string pattern, string value)
    {
        if (pattern == "*") return true;
        var start = pattern.StartsWith('*');
        var end = pattern.EndsWith('*');
        var core = pattern.Trim('*');
        return (start, end) switch
        {
            (true, true) => value.Contains(core, StringComparison.Ordinal),
            (true, false) => value.EndsWith(core, StringComparison.Ordinal),
            (false, true) => value.StartsWith(core, StringComparison.Ordinal),
            _ => value == pattern,
        };
    }

    public static bool AnyMatches(IEnumerable<string> patterns, string value) => patterns.Any(p => Matches(p, value));
}
