using System.Text.RegularExpressions;
using Conformance.Runner;

namespace Conformance.Steps.Support;

/// <summary>Parameter types shared by every binding class.</summary>
[Binding]
public sealed partial class ParameterTypes
{
    /// <summary>{names}: a list of quoted names, <c>"a"</c>, <c>"a" and "b"</c>, <c>"a", "b" and "c"</c>.</summary>
    [StepArgumentTransformation(@"(""[^""]+""(?:(?:, | and )""[^""]+"")*)", Name = "names")]
    public string[] Names(string text) => Quoted().Matches(text).Select(m => m.Groups[1].Value).ToArray();

    [GeneratedRegex(@"""([^""]+)""")]
    private static partial Regex Quoted();
}
