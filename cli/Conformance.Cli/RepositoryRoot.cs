namespace Conformance.Cli;

/// <summary>Finds the repository root (the folder holding Conformance.sln) from wherever the program runs.</summary>
public static class RepositoryRoot
{
    public static string Find()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Conformance.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException(
            "cannot find Conformance.sln above the current folder or the program's folder; run from the repository");
    }
}
