using Conformance.Runner;
using Xunit;

namespace Conformance.Steps;

/// <summary>Bindings for features/runner-smoke.feature: a tiny ledger, so the smoke scenarios compute something real.</summary>
[Binding]
public sealed class RunnerSmokeSteps(ScenarioContext scenario, ITestOutputHelper output)
{
    private readonly List<(string Account, int Amount)> _entries = [];
    private int _wordCount = -1;

    [Given("an empty ledger")]
    public void GivenAnEmptyLedger()
    {
        output.WriteLine("Runner smoke: no environment (World) is used; this checks the runner only.");
        _entries.Clear();
    }

    [When("{int} credit(s) is/are booked")]
    public void WhenCreditsAreBooked(int amount) => _entries.Add(("default", amount));

    [When("these entries are booked:")]
    public void WhenTheseEntriesAreBooked(DataTable table)
    {
        foreach (var row in table.Rows) _entries.Add((row["account"], int.Parse(row["amount"], System.Globalization.CultureInfo.InvariantCulture)));
    }

    [When("the text {string} is split into words")]
    public void WhenTheTextIsSplit(string text) =>
        _wordCount = text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

    [Then("the balance is {int}")]
    public void ThenTheBalanceIs(int expected)
    {
        var balance = _entries.Sum(e => e.Amount);
        if (balance != expected)
            throw new InvalidOperationException($"Expected balance {expected} but the ledger's {_entries.Count} entries sum to {balance} in '{scenario.Title}'.");
    }

    [Then("there are {int} words")]
    public void ThenThereAreWords(int expected)
    {
        if (_wordCount != expected) throw new InvalidOperationException($"Expected {expected} words but counted {_wordCount}.");
    }

    [Then("the ledger report reads:")]
    public void ThenTheLedgerReportReads(DocString expected)
    {
        var report = string.Join("\n", _entries.Select(e => $"{e.Account} {e.Amount}"));
        if (report != expected.Content.ReplaceLineEndings("\n"))
            throw new InvalidOperationException($"The ledger report was:\n{report}\nexpected:\n{expected.Content}");
    }
}
