using Conformance.Fixtures.Postgres;
using Xunit;

[assembly: AssemblyFixture(typeof(Conformance.Tests.Fixtures.Postgres.PostgresFixture))]

namespace Conformance.Tests.Fixtures.Postgres;

/// <summary>
/// One throwaway Postgres for the whole test assembly (or CONFORMANCE_POSTGRES_DSN), started by the first test that
/// asks for it; tests skip with the reason when there is none.
/// </summary>
public sealed class PostgresFixture : IAsyncDisposable
{
    private readonly Lazy<Task<(LocalPostgresCluster? Cluster, string? WhyNot)>> _start =
        new(() => LocalPostgresCluster.TryStartAsync(), LazyThreadSafetyMode.ExecutionAndPublication);

    public async Task<LocalPostgresCluster> RequireAsync()
    {
        var (cluster, whyNot) = await _start.Value;
        Assert.SkipWhen(cluster is null, "No Postgres for this test: " + whyNot);
        return cluster!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_start.IsValueCreated && await _start.Value is { Cluster: { } cluster })
            await cluster.DisposeAsync();
    }
}
