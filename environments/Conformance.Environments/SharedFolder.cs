namespace Conformance.Environments;

/// <summary>
/// Finds the shared/ folder (upstream CRDs, the Vault OpenAPI spec, reference notes) that sits beside the repository:
/// CONFORMANCE_SHARED when set, otherwise a `shared` folder next to the repository root or any of its ancestors.
/// </summary>
public static class SharedFolder
{
    public static string Locate()
    {
        if (Environment.GetEnvironmentVariable("CONFORMANCE_SHARED") is { Length: > 0 } configured)
        {
            return Directory.Exists(Path.Combine(configured, "upstream"))
                ? Path.GetFullPath(configured)
                : throw new DirectoryNotFoundException(
                    $"CONFORMANCE_SHARED is '{configured}', which has no upstream/ folder; point it at the shared/ folder.");
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared");
                if (Directory.Exists(Path.Combine(candidate, "upstream")))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException(
            "No shared/upstream folder beside the repository or its ancestors; set CONFORMANCE_SHARED to the shared/ folder.");
    }

    /// <summary>A file under shared/upstream, e.g. <c>Upstream("operator/config/crd/bases/x.yaml")</c>.</summary>
    public static string Upstream(string relativePath) => Path.Combine(Locate(), "upstream", relativePath);
}
