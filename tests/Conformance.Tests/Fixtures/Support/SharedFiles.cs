using Conformance.Environments;

namespace Conformance.Tests.Fixtures.Support;

/// <summary>The project's shared/ folder (upstream specs and test vectors), located once by <see cref="SharedFolder"/>.</summary>
internal static class SharedFiles
{
    public static string Root { get; } = SharedFolder.Locate();

    public static string Upstream(params string[] parts) => Path.Combine([Root, "upstream", .. parts]);
}
