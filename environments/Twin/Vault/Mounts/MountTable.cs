namespace Conformance.Twin.Vault.Mounts;

/// <summary>The router's mount table (vault/router.go): longest-prefix match of a request path to a mount.</summary>
internal sealed class MountTable
{
    private readonly Dictionary<string, MountEntry> _mounts = new(StringComparer.Ordinal);

    public IEnumerable<MountEntry> All => _mounts.Values.OrderBy(m => m.Path, StringComparer.Ordinal);

    public MountEntry? Get(string path) => _mounts.GetValueOrDefault(path);

    public void Add(MountEntry m) => _mounts[m.Path] = m;

    public bool Remove(string path) => _mounts.Remove(path);

    public MountEntry? Match(string requestPath)
    {
        MountEntry? best = null;
        foreach (var m in _mounts.Values)
        {
            var matches = requestPath.StartsWith(m.Path, StringComparison.Ordinal) || requestPath + "/" == m.Path;
            if (matches && (best is null || m.Path.Length > best.Path.Length)) best = m;
        }
        return best;
    }

    /// <summary>"auth/kubernetes/" for a token path "auth/kubernetes/login".</summary>
    public string AuthMountOf(string tokenPath) =>
        _mounts.Values.Where(m => m.IsAuth && tokenPath.StartsWith(m.Path, StringComparison.Ordinal)).MaxBy(m => m.Path.Length)?.Path ?? "auth/token/";
}
