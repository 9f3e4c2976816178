namespace Conformance.Environments.Existing;

/// <summary>The existing world cannot be used as configured; the message says what was tried and what to do.</summary>
public sealed class ExistingWorldException(string message, Exception? inner = null) : Exception(message, inner);
