namespace Conformance.Tests.Fixtures.Support;

/// <summary>
/// Finds the project's shared/ folder (upstream specs and test vectors): CONFORMANCE_SHARED if set, else the
/// first <c>shared/</c> beside the working directory or the test binaries or any of their ancestors.
/// </summary>
internal static class SharedFiles
{
    public static string Root { get; } = Locate();

    public static string Upstream(params string[] parts) => Path.Combine([Root, "upstream", .. parts]);

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("CONFORMANCE_SHARED") is { Length: > 0 } fromEnv)
            return fromEnv;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared");
                if (Directory.Exists(Path.Combine(candidate, "upstream")))
                    return candidate;
            }
        }
        throw new DirectoryNotFoundException(
            "No shared/upstream folder found beside the repository or its ancestors; set CONFORMANCE_SHARED to the shared/ folder.");
    }
}
