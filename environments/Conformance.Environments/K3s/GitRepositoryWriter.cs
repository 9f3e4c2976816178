using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Conformance.Environments.K3s;

/// <summary>
/// Writes a bare git repository (loose objects, one commit on <c>main</c>) as a set of files, in pure C#, so
/// publishing a notebook needs no git on the host. Served by <c>git daemon</c>, it accepts
/// <c>git clone --depth 1 --branch main</c> (the operator's clone command, reference/operator.md §2.3).
/// </summary>
public static partial class GitRepositoryWriter
{
    /// <summary>Fixed author time: the same files give the same commit id on every run.</summary>
    private const long CommitTime = 1_700_000_000;

    public static void ValidateName(string repositoryName)
    {
        if (!RepositoryName().IsMatch(repositoryName))
            throw new ArgumentException(
                $"repository name '{repositoryName}' must be lower-case letters, digits, '.', '_' or '-', starting with a letter or digit",
                nameof(repositoryName));
    }

    /// <summary>Path inside the bare repository to content; the commit id is in <c>refs/heads/main</c>.</summary>
    public static IReadOnlyDictionary<string, byte[]> Write(IReadOnlyDictionary<string, byte[]> files, string message = "conformance probe notebook")
    {
        if (files.Count == 0) throw new ArgumentException("a repository needs at least one file", nameof(files));
        var output = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        var root = new Dir();
        foreach (var (path, content) in files)
        {
            var parts = path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0 || parts.Any(p => p is "." or ".." or ".git"))
                throw new ArgumentException($"file path '{path}' is not a plain relative path", nameof(files));
            var dir = root;
            foreach (var part in parts[..^1]) dir = dir.Dirs.TryGetValue(part, out var d) ? d : dir.Dirs[part] = new Dir();
            dir.Files[parts[^1]] = Store(output, "blob", content);
        }

        var tree = WriteTree(output, root);
        var commit = Encoding.UTF8.GetBytes(
            $"tree {tree}\nauthor Conformance <conformance@localhost> {CommitTime} +0000\n"
            + $"committer Conformance <conformance@localhost> {CommitTime} +0000\n\n{message}\n");
        var commitId = Store(output, "commit", commit);

        output["HEAD"] = Encoding.ASCII.GetBytes("ref: refs/heads/main\n");
        output["config"] = Encoding.ASCII.GetBytes("[core]\n\trepositoryformatversion = 0\n\tfilemode = true\n\tbare = true\n");
        output["refs/heads/main"] = Encoding.ASCII.GetBytes(commitId + "\n");
        output["git-daemon-export-ok"] = [];
        output["description"] = Encoding.ASCII.GetBytes("conformance probe notebooks\n");
        return output;
    }

    private sealed class Dir
    {
        public SortedDictionary<string, Dir> Dirs { get; } = new(StringComparer.Ordinal);
        public SortedDictionary<string, string> Files { get; } = new(StringComparer.Ordinal);
    }

    private static string WriteTree(SortedDictionary<string, byte[]> output, Dir dir)
    {
        // git orders tree entries by name, a directory comparing as if its name ended in '/'.
        var entries = dir.Files.Select(f => (Key: f.Key, Mode: "100644", Id: f.Value))
            .Concat(dir.Dirs.Select(d => (Key: d.Key + "/", Mode: "40000", Id: WriteTree(output, d.Value))))
            .OrderBy(e => e.Key, StringComparer.Ordinal);
        using var tree = new MemoryStream();
        foreach (var (key, mode, id) in entries)
        {
            tree.Write(Encoding.UTF8.GetBytes($"{mode} {key.TrimEnd('/')}\0"));
            tree.Write(Convert.FromHexString(id));
        }

        return Store(output, "tree", tree.ToArray());
    }

    private static string Store(SortedDictionary<string, byte[]> output, string type, byte[] content)
    {
        var header = Encoding.ASCII.GetBytes($"{type} {content.Length}\0");
        var raw = new byte[header.Length + content.Length];
        header.CopyTo(raw, 0);
        content.CopyTo(raw, header.Length);
        var id = Convert.ToHexStringLower(SHA1.HashData(raw));
        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) z.Write(raw);
        output[$"objects/{id[..2]}/{id[2..]}"] = compressed.ToArray();
        return id;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,99}$")]
    private static partial Regex RepositoryName();
}
