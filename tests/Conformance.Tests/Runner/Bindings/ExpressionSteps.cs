using System.Globalization;
using Conformance.Runner;

namespace Conformance.Tests.Runner.Bindings;

public enum Colour { Red, Green, Blue }

public sealed record Point(int X, int Y);

[Binding]
public sealed class ExpressionSteps(TestRunContext run)
{
    private void Log(FormattableString entry) => Journal.Write(run, entry.ToString(CultureInfo.InvariantCulture));

    [Given("an int {int}, a long {long}, a float {float} and a decimal {decimal}")]
    public void Numbers(int i, long l, float f, decimal d) => Log($"int={i} long={l} float={f} decimal={d}");

    [Given("the word {word} and the string {string} and {string}")]
    public void Strings(string word, string first, string second) => Log($"word={word}|first={first}|second={second}");

    [Given("anything goes here: {}")]
    public void Anything(string rest) => Log($"anything={rest}");

    [Given("the colour is {Colour}")]
    public void TheColour(Colour colour) => Log($"colour={colour}");

    [Given("I have {int} cucumber(s)")]
    public void Cucumbers(int n) => Log($"cucumbers={n}");

    [Given("the belly/tummy is full")]
    public void Full() => Log($"full");

    [Given(@"a literal \(parenthesis\) and \{brace\}")]
    public void Literal() => Log($"literal");

    [StepArgumentTransformation(@"(\d+) seconds?", Name = "duration")]
    public TimeSpan Seconds(int seconds) => TimeSpan.FromSeconds(seconds);

    [Given("a delay of {duration}")]
    public void Delay(TimeSpan delay) => Log($"delay={delay.TotalSeconds}s");

    [ParameterType("point", @"\d+,\d+")]
    public static Point ParsePoint(string text)
    {
        var parts = text.Split(',');
        return new Point(int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    [Given("a point at {point}")]
    public void AtPoint(Point point) => Log($"point={point.X}/{point.Y}");

    [Given("the id {Guid}")]
    public void Id(Guid id) => Log($"guid={id:D}");

    [When(@"^the regex step says (\d+) (\w+)$")]
    public void RegexStep(int count, string what) => Log($"regex={count}:{what}");

    [Then(@"it was matched with (\d+) and ""(.*)""")]
    public void RegexThen(long count, string what) => Log($"then={count}:{what}");

    [Given(@"a number that is not one: (.*)")]
    public void NotANumber(int number) => Log($"unreachable {number}");

    [StepArgumentTransformation]
    public TimeSpan Span(string text)
    {
        Log($"transformed {text}");
        return TimeSpan.Parse(text, CultureInfo.InvariantCulture);
    }

    [Given(@"a span of (.*)")]
    public void ASpan(TimeSpan span) => Log($"span={span.TotalSeconds}");
}
