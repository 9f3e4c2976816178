namespace Conformance.Steps.Support;

/// <summary>A Then step's verdict: what was expected and what was observed (never a secret value).</summary>
public sealed class StepFailedException(string message) : Exception(message);
