using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Conformance.Cli.Sensitivity;

/// <summary>
/// sensitivity.json (the shape the HTML report renders: faults with caughtBy, scenarios with catches; scenario ids are
/// runner display names) and sensitivity.md (the same matrix for people, with the gaps flagged).
/// </summary>
public static class SensitivityReport
{
    public const string JsonFile = "sensitivity.json";
    public const string MarkdownFile = "sensitivity.md";

    public static string Json(SensitivityMatrix matrix)
    {
        var root = new JsonObject
        {
            ["faults"] = new JsonArray(matrix.Faults.Select(f => (JsonNode)new JsonObject
            {
                ["name"] = f.Fault.Name,
                ["component"] = f.Fault.Component,
                ["models"] = f.Fault.Models,
                ["caughtBy"] = new JsonArray(f.CaughtBy.Select(id => (JsonNode)JsonValue.Create(id)!).ToArray()),
            }).ToArray()),
            ["scenarios"] = new JsonArray(matrix.Scenarios.Select(s => (JsonNode)new JsonObject
            {
                ["id"] = s.Id,
                ["tags"] = new JsonArray(s.Tags.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
                ["catches"] = new JsonArray(s.Catches.Select(n => (JsonNode)JsonValue.Create(n)!).ToArray()),
            }).ToArray()),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    public static string Markdown(SensitivityMatrix matrix, CatalogueRunResult clean, TimeSpan wallTime, int parallel, string? tags)
    {
        var md = new StringBuilder();
        md.AppendLine("# Sensitivity");
        md.AppendLine();
        var selection = tags is null ? "" : $" (`{tags}`)";
        md.AppendLine(Inv($"The catalogue{selection} ran once clean and once per fault on the twin under the `contract` operator profile, {parallel} run(s) at a time, in {Minutes(wallTime)}. A scenario **catches** a fault when it passed clean and failed under it."));
        md.AppendLine();
        md.AppendLine(matrix.BarMet
            ? "**Bar met**: every fault is caught, and every `@lifecycle`, `@security` and `@negative` scenario catches a fault."
            : "**Bar not met**: see the gaps below.");
        md.AppendLine();
        md.AppendLine(Inv($"Clean run: {clean.Scenarios.Count} scenarios, {matrix.Scenarios.Count} passed, {matrix.NotRunClean.Count} skipped, in {Minutes(clean.Duration)}."));
        md.AppendLine();

        Section(md, "Faults no scenario catches (add a scenario)", matrix.Uncaught.Select(f => $"`{f.Fault.Name}` ({f.Fault.Component}): {f.Fault.Models}. Meant for: {f.Fault.Target}."));
        Section(md, "Fault runs that did not complete", matrix.Errored.Select(f => $"`{f.Fault.Name}`: {f.Run.Error}"));
        Section(md, "`@lifecycle` / `@security` / `@negative` scenarios that catch no fault (fix them)", matrix.TaggedCatchingNothing.Select(s => $"{s.Id} ({string.Join(" ", s.Tags)})"));
        Section(md, "Other scenarios that catch no fault: they cannot fail here (fix or justify)", matrix.CannotFail.Select(s => $"{s.Id} ({string.Join(" ", s.Tags)})"));
        Section(md, "Skipped in the clean run (the world lacked something), so not in the matrix", matrix.NotRunClean.Select(s => s.Id));

        md.AppendLine("## Faults");
        md.AppendLine();
        md.AppendLine("| fault | component | breaks | caught by | run | leak scan |");
        md.AppendLine("| --- | --- | --- | --- | --- | --- |");
        foreach (var f in matrix.Faults)
        {
            var caught = !f.Run.Completed ? "run did not complete" : f.Caught ? string.Join("<br>", f.CaughtBy.Select(Cell)) : "**nothing**";
            md.AppendLine(Inv($"| `{f.Fault.Name}` | {f.Fault.Component} | {Cell(f.Fault.Models)} | {caught} | {Minutes(f.Run.Duration)} | {(f.Run.LeakHits > 0 ? $"{f.Run.LeakHits} hit(s)" : "clean")} |"));
        }

        md.AppendLine();
        md.AppendLine("## Matrix");
        md.AppendLine();
        md.AppendLine("Rows are scenarios that passed clean, columns the faults (numbered as in the table above); `X` = caught.");
        md.AppendLine();
        md.Append("| scenario | tags |");
        for (var i = 1; i <= matrix.Faults.Count; i++)
        {
            md.Append(CultureInfo.InvariantCulture, $" {i} |");
        }

        md.AppendLine();
        md.Append("| --- | --- |");
        md.AppendLine(string.Concat(Enumerable.Repeat(" :-: |", matrix.Faults.Count)));
        foreach (var s in matrix.Scenarios)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {Cell(s.Id)} | {string.Join(" ", s.Tags)} |");
            foreach (var f in matrix.Faults)
            {
                md.Append(s.Catches.Contains(f.Fault.Name) ? " X |" : "   |");
            }

            md.AppendLine();
        }

        md.AppendLine();
        md.AppendLine("Fault numbers: " + string.Join(", ", matrix.Faults.Select((f, i) => Inv($"{i + 1} `{f.Fault.Name}`"))) + ".");
        md.AppendLine();
        md.AppendLine("Each run's own artifacts (runner-results.json, leak-scan.txt, controller-logs.txt, run.log) are in `clean/` and `faults/<name>/`.");
        return md.ToString();
    }

    public static async Task WriteAsync(string folder, SensitivityMatrix matrix, CatalogueRunResult clean, TimeSpan wallTime, int parallel, string? tags)
    {
        await File.WriteAllTextAsync(Path.Combine(folder, JsonFile), Json(matrix));
        await File.WriteAllTextAsync(Path.Combine(folder, MarkdownFile), Markdown(matrix, clean, wallTime, parallel, tags));
    }

    private static void Section(StringBuilder md, string title, IEnumerable<string> items)
    {
        var list = items.ToList();
        if (list.Count == 0)
        {
            return;
        }

        md.AppendLine(Inv($"## {title} ({list.Count})"));
        md.AppendLine();
        foreach (var item in list)
        {
            md.AppendLine("- " + item);
        }

        md.AppendLine();
    }

    private static string Minutes(TimeSpan t) => t.TotalMinutes >= 1 ? Inv($"{(int)t.TotalMinutes}m{t.Seconds:00}s") : Inv($"{t.TotalSeconds:0}s");

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
