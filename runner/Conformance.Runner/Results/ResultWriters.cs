using Conformance.Runner.Bindings;

namespace Conformance.Runner.Results;

/// <summary>Writes a run's results in every format into one folder.</summary>
public static class ResultWriters
{
    public const string JsonFileName = "runner-results.json";
    public const string JUnitFileName = "junit.xml";
    public const string MessagesFileName = "cucumber.ndjson";

    public static void WriteAll(RunResults results, BindingRegistry bindings, string directory)
    {
        Directory.CreateDirectory(directory);
        using (var json = File.Create(Path.Combine(directory, JsonFileName))) JsonResultsWriter.Write(results, json);
        using (var junit = File.Create(Path.Combine(directory, JUnitFileName))) JUnitWriter.Write(results, junit);
        using (var ndjson = File.Create(Path.Combine(directory, MessagesFileName))) CucumberMessagesWriter.Write(results, bindings, ndjson);
    }
}
