using Conformance.Runner;

namespace Conformance.Tests.Runner.Bindings;

[Binding]
public sealed class CounterSteps(TestRunContext run, ScenarioContext scenario)
{
    private int _counter = int.MinValue;

    [Given("a fresh counter")]
    public void FreshCounter() => _counter = 0;

    [Given("I add {int}")]
    [When("I add {int}")]
    public void Add(int n) => _counter += n;

    [When("I subtract {int}")]
    public void Subtract(int n) => _counter -= n;

    [When("I add each of:")]
    public void AddEach(DataTable table)
    {
        foreach (var row in table.Rows) _counter += int.Parse(row["value"], System.Globalization.CultureInfo.InvariantCulture);
    }

    [Then("the counter is {int}")]
    public void CounterIs(int expected)
    {
        Journal.Write(run, $"{scenario.Title}: {scenario.CurrentStep!.Keyword} the counter is {expected} (actual {_counter})");
        if (_counter != expected) throw new InvalidOperationException($"counter is {_counter}, expected {expected}");
    }

    [Then("the counter is not {int}")]
    public void CounterIsNot(int unexpected)
    {
        if (_counter == unexpected) throw new InvalidOperationException($"counter is {_counter}");
    }

    [Then("the note reads:")]
    public void NoteReads(DocString note)
    {
        Journal.Write(run, $"doc string ({note.MediaType}): {note.Content}");
        if (!note.Content.Contains($"\"counter\": {_counter}", StringComparison.Ordinal)) throw new InvalidOperationException("note does not match");
    }
}
