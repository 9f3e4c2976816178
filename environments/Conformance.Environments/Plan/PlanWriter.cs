using System.Text;

namespace Conformance.Environments.Plan;

/// <summary>
/// Renders a <see cref="WorldPlan"/> as one YAML stream (documents plus comments): images, containers, every step's
/// manifests and waits, and the Vault calls. Secrets appear only as their placeholder labels.
/// </summary>
public static class PlanWriter
{
    public static string Write(WorldPlan plan)
    {
        var text = new StringBuilder();
        text.Append("# Conformance live world plan: ").Append(plan.Environment).Append('\n');
        text.Append("# Nothing has been started or applied. Secrets appear as <placeholders>; addresses known only at run time as <...>.\n");
        foreach (var note in plan.Notes) text.Append("# ").Append(note).Append('\n');

        Document(text, "images", new Dictionary<string, object?> { ["images"] = plan.Images.Cast<object?>().ToList() });

        Document(text, "containers (one Docker network, started in parallel)", new Dictionary<string, object?>
        {
            ["containers"] = plan.Containers.Select(c => (object?)new Dictionary<string, object?>
            {
                ["name"] = c.Name,
                ["image"] = c.Image,
                ["networkAliases"] = c.NetworkAliases.Cast<object?>().ToList(),
                ["privileged"] = c.Privileged,
                ["command"] = c.Command.Cast<object?>().ToList(),
                ["ports"] = c.Ports.Select(p => (object?)(long)p).ToList(),
                ["env"] = c.Environment.OrderBy(kv => kv.Key, StringComparer.Ordinal)
                    .ToDictionary(kv => kv.Key, kv => (object?)kv.Value),
                ["readyWhen"] = c.ReadyWhen,
            }).ToList(),
        });

        foreach (var step in plan.Steps)
        {
            text.Append("\n# ===== step ").Append(step.Component).Append(": ").Append(step.Description).Append('\n');
            text.Append("# after: ").Append(step.DependsOn.Count == 0 ? "(containers)" : string.Join(", ", step.DependsOn)).Append('\n');
            text.Append("# waits for:\n");
            foreach (var wait in step.Waits) text.Append("#   - ").Append(wait.Describe).Append('\n');
            foreach (var manifest in step.Manifests)
            {
                text.Append("---\n").Append(Yaml.Dump(Sensitive.Resolve(manifest.Tree, reveal: false)));
            }
        }

        Document(text, "vault configuration (in order, X-Vault-Token: <vault root token>)", new Dictionary<string, object?>
        {
            ["vaultCalls"] = plan.VaultCalls.Select(c =>
            {
                var entry = new Dictionary<string, object?> { ["method"] = c.Method, ["path"] = "/v1/" + c.Path, ["purpose"] = c.Purpose };
                if (c.Body is not null) entry["body"] = Sensitive.Resolve(c.Body, reveal: false);
                return (object?)entry;
            }).ToList(),
        });

        return text.ToString();
    }

    private static void Document(StringBuilder text, string title, object tree)
    {
        text.Append("\n# ===== ").Append(title).Append("\n---\n").Append(Yaml.Dump(Sensitive.Resolve(tree, reveal: false)));
    }
}
