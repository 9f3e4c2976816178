using Conformance.Runner;

namespace Conformance.Runner.Bench;

/// <summary>Bindings with near-empty bodies, so that what is measured is the runner's dispatch.</summary>
[Binding]
public sealed class BenchSteps(ScenarioContext scenario)
{
    private long _sum;

    [Given("a counter named {string}")]
    public void Named(string name) => scenario.Set(name, "name");

    [When("step {int} adds {int}")]
    public void Adds(int step, int amount) => _sum += step + amount;

    [When(@"^the regex step (\d+) adds (\w+)$")]
    public void RegexAdds(int step, string word) => _sum += step + word.Length;

    [Then("the sum is positive")]
    public void Positive()
    {
        if (_sum <= 0) throw new InvalidOperationException("sum not positive");
    }

    [BeforeScenario]
    public void Before() => _sum = 1;
}
