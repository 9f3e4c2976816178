using System.Globalization;
using System.Text;
using System.Xml;

namespace Conformance.Runner.Results;

/// <summary>
/// JUnit XML (the de-facto Jenkins/GitLab schema): one testsuite per feature, one testcase per scenario, step trace in
/// system-out. Expected failures pass with a note; parse errors are failing test cases of their file.
/// </summary>
public static class JUnitWriter
{
    public static void Write(RunResults results, Stream stream)
    {
        var settings = new XmlWriterSettings { Indent = true, Encoding = new UTF8Encoding(false) };
        using var xml = XmlWriter.Create(stream, settings);
        var scenarios = results.Scenarios;
        var parseErrors = results.ParseErrors;
        xml.WriteStartDocument();
        xml.WriteStartElement("testsuites");
        xml.WriteAttributeString("name", "Conformance " + results.RunId);
        xml.WriteAttributeString("tests", (scenarios.Count + parseErrors.Count).ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("failures", (scenarios.Count(s => s.Status.IsFailure()) + parseErrors.Count).ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("skipped", scenarios.Count(s => s.Status == ScenarioStatus.Skipped).ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("time", Seconds(scenarios.Aggregate(TimeSpan.Zero, (t, s) => t + s.Duration)));
        foreach (var feature in scenarios.GroupBy(s => s.FeatureUri).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var list = feature.ToList();
            xml.WriteStartElement("testsuite");
            xml.WriteAttributeString("name", list[0].FeatureName);
            xml.WriteAttributeString("file", feature.Key);
            xml.WriteAttributeString("tests", list.Count.ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("failures", list.Count(s => s.Status.IsFailure()).ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("errors", "0");
            xml.WriteAttributeString("skipped", list.Count(s => s.Status == ScenarioStatus.Skipped).ToString(CultureInfo.InvariantCulture));
            xml.WriteAttributeString("time", Seconds(list.Aggregate(TimeSpan.Zero, (t, s) => t + s.Duration)));
            xml.WriteAttributeString("timestamp", list.Min(s => s.StartedAt).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
            foreach (var scenario in list) WriteCase(xml, scenario);
            xml.WriteEndElement();
        }
        foreach (var file in parseErrors.GroupBy(e => e.Uri))
        {
            xml.WriteStartElement("testsuite");
            xml.WriteAttributeString("name", file.Key);
            xml.WriteAttributeString("file", file.Key);
            xml.WriteAttributeString("tests", "1");
            xml.WriteAttributeString("failures", "1");
            xml.WriteAttributeString("errors", "0");
            xml.WriteAttributeString("skipped", "0");
            xml.WriteStartElement("testcase");
            xml.WriteAttributeString("classname", file.Key);
            xml.WriteAttributeString("name", "parse " + file.Key);
            xml.WriteAttributeString("time", "0");
            xml.WriteStartElement("failure");
            xml.WriteAttributeString("message", $"{file.Key} is not valid Gherkin");
            xml.WriteAttributeString("type", "ParseError");
            xml.WriteString(string.Join(Environment.NewLine, file.Select(e => e.ToString())));
            xml.WriteEndElement();
            xml.WriteEndElement();
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void WriteCase(XmlWriter xml, ScenarioResult scenario)
    {
        xml.WriteStartElement("testcase");
        xml.WriteAttributeString("classname", scenario.FeatureName);
        xml.WriteAttributeString("name", scenario.DisplayName[(scenario.FeatureName.Length + 2)..]);
        xml.WriteAttributeString("file", scenario.FeatureUri);
        xml.WriteAttributeString("line", scenario.Line.ToString(CultureInfo.InvariantCulture));
        xml.WriteAttributeString("time", Seconds(scenario.Duration));
        if (scenario.Tags.Count > 0 || scenario.KnownDefect is not null)
        {
            xml.WriteStartElement("properties");
            foreach (var tag in scenario.Tags)
            {
                xml.WriteStartElement("property");
                xml.WriteAttributeString("name", "tag");
                xml.WriteAttributeString("value", tag);
                xml.WriteEndElement();
            }
            xml.WriteStartElement("property");
            xml.WriteAttributeString("name", "status");
            xml.WriteAttributeString("value", JsonName(scenario.Status));
            xml.WriteEndElement();
            xml.WriteEndElement();
        }
        if (scenario.Status.IsFailure())
        {
            xml.WriteStartElement("failure");
            xml.WriteAttributeString("message", scenario.Error?.Split('\n', 2)[0].TrimEnd() ?? JsonName(scenario.Status));
            xml.WriteAttributeString("type", scenario.ErrorType ?? JsonName(scenario.Status));
            xml.WriteString(scenario.Error ?? "");
            xml.WriteEndElement();
        }
        else if (scenario.Status == ScenarioStatus.Skipped)
        {
            xml.WriteStartElement("skipped");
            xml.WriteAttributeString("message", scenario.Reason ?? "skipped");
            xml.WriteEndElement();
        }
        var trace = new StringBuilder();
        foreach (var step in scenario.Steps)
            trace.AppendLine(CultureInfo.InvariantCulture, $"{step.Keyword} {step.Text} ... {JsonName(step.Status)} ({step.Duration.TotalMilliseconds:0.###} ms)");
        if (scenario.Reason is not null) trace.AppendLine(scenario.Reason);
        foreach (var line in scenario.Output) trace.AppendLine(line);
        xml.WriteElementString("system-out", trace.ToString());
        xml.WriteEndElement();
    }

    private static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    internal static string JsonName(ScenarioStatus status) => System.Text.Json.JsonSerializer.Serialize(status).Trim('"');
    internal static string JsonName(StepStatus status) => System.Text.Json.JsonSerializer.Serialize(status).Trim('"');
}
