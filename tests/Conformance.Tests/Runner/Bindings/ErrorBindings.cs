using Conformance.Runner;

namespace Conformance.Tests.Runner.Bindings;

[Binding]
public sealed class ErrorBindings(ScenarioContext scenario, TestRunContext run)
{
    [StepDefinition("a defined step")]
    public void Defined() { }

    [Given("an ambiguous step")]
    public void AmbiguousOne() { }

    [Given(@"^an? ambiguous step$")]
    public void AmbiguousTwo() { }

    [When("the binding throws")]
    public void Throws() => throw new InvalidOperationException("boom from binding", new FormatException("the inner cause"));

    [Given("the harness cannot start its world")]
    public void HarnessUnavailable() => throw new HarnessUnavailableException("the world could not be started: no Docker daemon");

    [Given("the world failed to start and a check trips over it")]
    public void WrappedHarnessUnavailable() =>
        throw new InvalidOperationException("could not read the namespace", new HarnessUnavailableException("the world could not be started"));

    [Given("a pending step")]
    public void Pending() => throw new PendingStepException();

    [Given("the world lacks {string}")]
    public void Lacks(string capability) => scenario.Skip($"the world lacks {capability}");

    [Given("a table with no table parameter:")]
    public void NoTable() { }

    [Given("a step that takes a cancellation token")]
    public void TakesToken(CancellationToken cancellationToken) => run.Set(cancellationToken, "token");

    [Given("the operator behaves {string}")]
    public void Behaves(string how)
    {
        if (how == "badly") throw new InvalidOperationException("the operator misbehaved");
    }
}

[Binding]
public sealed class ParallelBindings(TestRunContext run)
{
    private TaskCompletionSource Signal(string name)
    {
        lock (run)
        {
            if (!run.TryGetValue<TaskCompletionSource>(name, out var tcs))
            {
                tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                run.Set(tcs, name);
            }
            return tcs;
        }
    }

    [Given("feature {word} signals and waits for feature {word}")]
    public async Task SignalAndWait(string me, string other, CancellationToken cancellationToken)
    {
        Signal(me).TrySetResult();
        try
        {
            await Signal(other).Task.WaitAsync(TimeSpan.FromSeconds(10), cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"feature {other} did not run while feature {me} was running (waited 10 s): features ran one after the other");
        }
    }
}

[Binding]
public sealed class AttachmentBindings(ScenarioContext scenario)
{
    [Given("a step attaches a text and a binary file")]
    public void Attach()
    {
        scenario.Attach("note.txt", "text/plain", "hello evidence");
        scenario.Attach("blob.bin", "application/octet-stream", [0, 1, 2, 255]);
    }
}

[Binding]
public sealed class BrokenFeatureHooks
{
    [BeforeFeature("@broken-feature")]
    public static void BreakFeature() => throw new InvalidOperationException("feature setup broke");

    [AfterFeature]
    public static void BreakFeatureEnd(FeatureContext feature)
    {
        if (feature.FeatureInfo.Tags.Contains("@broken-end")) throw new InvalidOperationException("feature teardown broke");
    }
}

[Binding]
public sealed class BrokenRunHooks
{
    [BeforeTestRun]
    public static void BreakRun() => throw new InvalidOperationException("run setup broke");

    [AfterTestRun]
    public static void BreakRunEnd() => throw new InvalidOperationException("run teardown broke");
}
