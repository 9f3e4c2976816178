using Conformance.Runner;

namespace Conformance.Tests.Runner.Bindings;

/// <summary>A per-run log the test bindings write to, kept in the run's own context so tests never share state.</summary>
public static class Journal
{
    public static List<string> Of(TestRunContext run)
    {
        lock (run)
        {
            if (!run.TryGetValue<List<string>>("journal", out var journal))
            {
                journal = [];
                run.Set(journal, "journal");
            }
            return journal;
        }
    }

    public static void Write(TestRunContext run, string entry)
    {
        var journal = Of(run);
        lock (journal) journal.Add(entry);
    }
}
