using Xunit;

namespace Conformance.Tests.Live;

/// <summary>
/// Finds the project's saved upstream files (real CRDs, Vault's OpenAPI): CONFORMANCE_UPSTREAM, else a
/// <c>shared/upstream</c> folder above the test binary, else /work/shared/upstream. Tests skip with the reason when absent.
/// </summary>
internal static class UpstreamFiles
{
    public static string? Root { get; } = Find();

    private static string? Find()
    {
        var configured = Environment.GetEnvironmentVariable("CONFORMANCE_UPSTREAM");
        if (!string.IsNullOrEmpty(configured) && Directory.Exists(configured)) return configured;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "upstream");
            if (Directory.Exists(candidate)) return candidate;
        }

        return Directory.Exists("/work/shared/upstream") ? "/work/shared/upstream" : null;
    }

    public static string Path_(string relative)
    {
        if (Root is null) Assert.Skip("the saved upstream files are not here (set CONFORMANCE_UPSTREAM to the shared/upstream folder)");
        var path = Path.Combine(Root!, relative);
        if (!File.Exists(path)) Assert.Skip($"upstream file {path} is missing");
        return path;
    }

    /// <summary>The repository root (for golden files and the validator Dockerfile).</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Conformance.sln"))) return dir.FullName;
        }

        throw new InvalidOperationException("Conformance.sln not found above " + AppContext.BaseDirectory);
    }
}
