using Conformance.Fixtures.Worlds;

namespace Conformance.Environments;

/// <summary>Where a World comes from. Started once per test run; disposing it tears the world down.</summary>
public interface IWorldEnvironment : IAsyncDisposable
{
    /// <summary><c>twin</c>, <c>k3s</c> or <c>existing</c>.</summary>
    string Name { get; }

    /// <summary>Everything this environment would start and apply, as text, without starting anything.</summary>
    string Plan();

    /// <summary>Brings the world up (or connects to it) and describes it.</summary>
    Task<World> StartAsync(CancellationToken cancellationToken);
}
