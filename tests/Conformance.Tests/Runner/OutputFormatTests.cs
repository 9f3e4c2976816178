using Xunit;
using System.Text.Json;
using System.Xml.Linq;
using Conformance.Runner;
using Conformance.Runner.Results;
using Conformance.Tests.Runner.Bindings;
using FluentAssertions;
using Io.Cucumber.Messages.Types;

namespace Conformance.Tests.Runner;

/// <summary>The JSON, JUnit XML and Cucumber Messages outputs, written to a folder and parsed back.</summary>
public sealed class OutputFormatTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "conformance-runner-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private async Task<RunResults> RunAll()
    {
        var runner = RunnerHarness.Runner(new RunnerOptions { ArtifactsDirectory = _directory, RunId = "test-run-1" },
            typeof(ErrorBindings), typeof(AttachmentBindings), typeof(HookBindings));
        var (results, _) = await RunnerHarness.RunAsync(runner, "attachments.feature", "errors.feature", "known-defects.feature", "malformed.feature", "hooks.feature");
        return results;
    }

    [Fact]
    public async Task The_json_results_carry_scenarios_steps_statuses_durations_tags_errors_and_attachments()
    {
        await RunAll();

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_directory, ResultWriters.JsonFileName), TestContext.Current.CancellationToken));
        var root = json.RootElement;
        root.GetProperty("schemaVersion").GetInt32().Should().Be(1);
        root.GetProperty("runId").GetString().Should().Be("test-run-1");
        var scenarios = root.GetProperty("scenarios").EnumerateArray().ToList();
        scenarios.Should().HaveCount(13);
        var attach = scenarios.Single(s => s.GetProperty("name").GetString() == "A step attaches evidence");
        attach.GetProperty("status").GetString().Should().Be("passed");
        attach.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).Should().Equal("@evidence");
        attach.GetProperty("durationMs").GetDouble().Should().BeGreaterThanOrEqualTo(0);
        attach.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("status").GetString()).Should().Equal("passed", "passed");
        var attachments = attach.GetProperty("attachments").EnumerateArray().ToList();
        attachments[0].GetProperty("text").GetString().Should().Be("hello evidence");
        attachments[1].GetProperty("base64").GetString().Should().Be(Convert.ToBase64String(new byte[] { 0, 1, 2, 255 }));
        scenarios.Select(s => s.GetProperty("status").GetString()).Should().Contain(["expected-failure", "appears-fixed", "undefined", "ambiguous", "skipped", "pending", "failed"]);
        scenarios.Single(s => s.GetProperty("name").GetString() == "Binding throws").GetProperty("error").GetString().Should().Contain("boom from binding");
        root.GetProperty("parseErrors").EnumerateArray().Single().GetProperty("line").GetInt32().Should().Be(4);
        root.GetProperty("testRunHooks").EnumerateArray().Select(h => h.GetProperty("type").GetString()).Should().Equal("BeforeTestRun", "AfterTestRun");
    }

    [Fact]
    public async Task The_junit_xml_has_a_suite_per_feature_and_a_case_per_scenario()
    {
        await RunAll();

        var xml = XDocument.Load(Path.Combine(_directory, ResultWriters.JUnitFileName));
        var root = xml.Root!;
        root.Name.LocalName.Should().Be("testsuites");
        root.Attribute("tests")!.Value.Should().Be("14", "13 scenarios and one unparseable file");
        root.Attribute("failures")!.Value.Should().Be("7", "undefined, ambiguous, throws, pending, wrong count, ordinary failure and the parse error");
        root.Attribute("skipped")!.Value.Should().Be("1");
        var errors = root.Elements("testsuite").Single(s => s.Attribute("name")!.Value == "Errors");
        var throws = errors.Elements("testcase").Single(c => c.Attribute("name")!.Value == "Binding throws");
        throws.Element("failure")!.Attribute("message")!.Value.Should().Be("Step failed at features/errors.feature:12: When the binding throws");
        throws.Element("system-out")!.Value.Should().Contain("When the binding throws ... failed");
        errors.Elements("testcase").Single(c => c.Attribute("name")!.Value == "Runtime skip").Element("skipped")!.Attribute("message")!.Value
            .Should().Be("the world lacks docker");
        var known = root.Elements("testsuite").Single(s => s.Attribute("name")!.Value == "Known defects");
        known.Elements("testcase").Single(c => c.Attribute("name")!.Value == "Documented defect still fails").Element("failure").Should().BeNull();
        root.Elements("testsuite").Single(s => s.Attribute("name")!.Value == "features/malformed.feature")
            .Descendants("failure").Single().Value.Should().Contain("features/malformed.feature:4:");
    }

    [Fact]
    public async Task The_ndjson_is_valid_cucumber_messages()
    {
        await RunAll();

        var lines = await File.ReadAllLinesAsync(Path.Combine(_directory, ResultWriters.MessagesFileName), TestContext.Current.CancellationToken);
        var envelopes = lines.Select(CucumberMessagesJson.Deserialize).ToList();
        envelopes.Should().HaveCount(lines.Length);
        envelopes[0].Meta.Should().NotBeNull();
        envelopes[0].Meta.ProtocolVersion.Should().Be(Cucumber.Messages.ProtocolVersion.Version);
        envelopes.Should().Contain(e => e.ParseError != null && e.ParseError.Source.Uri == "features/malformed.feature" && e.ParseError.Source.Location.Line == 4);
        envelopes.Count(e => e.Pickle != null).Should().Be(13);
        envelopes.Count(e => e.TestCase != null).Should().Be(13);
        envelopes.Count(e => e.TestCaseStarted != null).Should().Be(envelopes.Count(e => e.TestCaseFinished != null));
        envelopes.Should().Contain(e => e.TestRunStarted != null).And.Contain(e => e.TestRunFinished != null && !e.TestRunFinished.Success);

        // Every referenced id exists: pickles, pickle steps, step definitions, hooks, test cases, test steps.
        var pickleSteps = envelopes.Where(e => e.Pickle != null).SelectMany(e => e.Pickle.Steps).Select(s => s.Id).ToHashSet();
        var definitions = envelopes.Where(e => e.StepDefinition != null).Select(e => e.StepDefinition.Id).ToHashSet();
        var hooks = envelopes.Where(e => e.Hook != null).Select(e => e.Hook.Id).ToHashSet();
        var testSteps = envelopes.Where(e => e.TestCase != null).SelectMany(e => e.TestCase.TestSteps).ToList();
        testSteps.Where(s => s.PickleStepId != null).Should().OnlyContain(s => pickleSteps.Contains(s.PickleStepId));
        testSteps.SelectMany(s => s.StepDefinitionIds ?? []).Should().OnlyContain(id => definitions.Contains(id));
        testSteps.Where(s => s.HookId != null).Should().OnlyContain(s => hooks.Contains(s.HookId));
        var stepIds = testSteps.Select(s => s.Id).ToHashSet();
        envelopes.Where(e => e.TestStepFinished != null).Should().OnlyContain(e => stepIds.Contains(e.TestStepFinished.TestStepId));

        var statuses = envelopes.Where(e => e.TestStepFinished != null).Select(e => e.TestStepFinished.TestStepResult.Status).ToHashSet();
        statuses.Should().Contain([TestStepResultStatus.PASSED, TestStepResultStatus.FAILED, TestStepResultStatus.UNDEFINED,
            TestStepResultStatus.AMBIGUOUS, TestStepResultStatus.SKIPPED, TestStepResultStatus.PENDING]);
        var attachments = envelopes.Where(e => e.Attachment != null).Select(e => e.Attachment).ToList();
        attachments.Should().HaveCount(2);
        attachments[0].ContentEncoding.Should().Be(AttachmentContentEncoding.IDENTITY);
        attachments[1].ContentEncoding.Should().Be(AttachmentContentEncoding.BASE64);
        attachments.Should().OnlyContain(a => stepIds.Contains(a.TestStepId));
        lines[0].Should().Contain("\"protocolVersion\"").And.NotContain("null");
        lines.Should().Contain(l => l.Contains("\"status\":\"PASSED\""));
    }

    [Fact]
    public async Task Listeners_hear_every_scenario_and_the_end_of_the_run_after_the_files_are_written()
    {
        var runner = RunnerHarness.Runner(new RunnerOptions { ArtifactsDirectory = _directory }, typeof(ErrorBindings), typeof(AttachmentBindings));
        var listener = new RecordingListener(_directory);
        runner.TestRun.AddListener(listener);
        await RunnerHarness.RunAsync(runner, "attachments.feature");

        listener.Scenarios.Should().Equal("A step attaches evidence");
        listener.FilesAtEnd.Should().BeEquivalentTo(ResultWriters.JsonFileName, ResultWriters.JUnitFileName, ResultWriters.MessagesFileName);
    }

    private sealed class RecordingListener(string directory) : IRunListener
    {
        public List<string> Scenarios { get; } = [];
        public List<string> FilesAtEnd { get; } = [];

        public ValueTask OnScenarioFinishedAsync(ScenarioResult scenario)
        {
            Scenarios.Add(scenario.Name);
            return ValueTask.CompletedTask;
        }

        public ValueTask OnRunFinishedAsync(RunResults results, string? artifactsDirectory)
        {
            artifactsDirectory.Should().Be(directory);
            FilesAtEnd.AddRange(Directory.GetFiles(directory).Select(Path.GetFileName)!);
            return ValueTask.CompletedTask;
        }
    }
}
