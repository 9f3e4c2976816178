using Conformance.Runner.Results;
using Xunit;

namespace Conformance.Runner;

/// <summary>The scenario's <see cref="ITestOutputHelper"/>: keeps every line in the results and forwards it to xunit's.</summary>
internal sealed class ScenarioOutput(ScenarioResult result, ITestOutputHelper? inner) : ITestOutputHelper
{
    private readonly System.Text.StringBuilder _all = new();

    public string Output
    {
        get { lock (_all) return _all.ToString(); }
    }

    public void Write(string message)
    {
        lock (_all) _all.Append(message);
        inner?.Write(message);
    }

    public void Write(string format, params object[] args) => Write(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

    public void WriteLine(string message)
    {
        lock (_all) _all.AppendLine(message);
        lock (result.Output) result.Output.Add(message);
        inner?.WriteLine(message);
    }

    public void WriteLine(string format, params object[] args) => WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
}
