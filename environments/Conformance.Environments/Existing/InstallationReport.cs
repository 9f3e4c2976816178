namespace Conformance.Environments.Existing;

/// <summary>One component of a bring-your-own world: found or not, what was seen, and how to install it.</summary>
public sealed record ComponentStatus(string Component, bool Present, string Observed, string? InstallCommand, string? Version = null);

/// <summary>What an existing world has and lacks.</summary>
public sealed record InstallationReport(string Server, IReadOnlyList<ComponentStatus> Components)
{
    public IEnumerable<ComponentStatus> Missing => Components.Where(c => !c.Present);

    public ComponentStatus? Find(string component) => Components.FirstOrDefault(c => c.Component == component);

    public string Describe()
    {
        var lines = new List<string> { $"existing world at {Server}:" };
        foreach (var c in Components)
        {
            lines.Add($"  [{(c.Present ? "ok" : "missing")}] {c.Component}: {c.Observed}");
            if (!c.Present && c.InstallCommand is not null) lines.Add($"      install: {c.InstallCommand}");
        }

        if (Missing.Any()) lines.Add("  or install everything the k3s world installs with: ./run-e2e.sh --env existing --install");
        return string.Join("\n", lines);
    }
}
