namespace Conformance.Traceability;

/// <summary>Something in claims.yaml or a feature file that the generator cannot trace: where it is and what to do.</summary>
public sealed record TraceError(string File, int Line, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Message}" : $"{File}: {Message}";
}

/// <summary>Thrown when the inputs cannot be traced at all; carries every error found, not only the first.</summary>
public sealed class TraceabilityException(IReadOnlyList<TraceError> errors)
    : Exception($"{errors.Count} traceability error(s):\n  " + string.Join("\n  ", errors))
{
    public IReadOnlyList<TraceError> Errors { get; } = errors;
}
