namespace Conformance.Environments.Options;

/// <summary>Whether a live world's containers survive the run (<c>--keep</c>).</summary>
public enum KeepPolicy
{
    Never,
    OnFailure,
    Always,
}
