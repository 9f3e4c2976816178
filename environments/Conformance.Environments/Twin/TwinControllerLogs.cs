using Conformance.Fixtures.Worlds;

namespace Conformance.Environments.Twin;

/// <summary>The twin components' log book as the World's controller logs.</summary>
internal sealed class TwinControllerLogs(TwinLogBook book) : IControllerLogs
{
    public Task<IReadOnlyList<ControllerLogLine>> ReadAsync(DateTimeOffset? since, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ControllerLogLine>>(
            book.Lines(since: since).Select(l => new ControllerLogLine(l.Time, l.Component, l.Text)).ToList());
}
