using Conformance.Fixtures.Postgres;
using Xunit;

[assembly: AssemblyFixture(typeof(Conformance.Tests.Fixtures.Postgres.PostgresFixture))]

namespace Conformance.Tests.Fixtures.Postgres;

/// <summary>One throwaway Postgres for the whole test assembly (or CONFORMANCE_POSTGRES_DSN); tests skip with the reason when there is none.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public LocalPostgresCluster? Cluster { get; private set; }
    public string? WhyNot { get; private set; }

    public LocalPostgresCluster Require()
    {
        Assert.SkipWhen(Cluster is null, "No Postgres for this test: " + WhyNot);
        return Cluster!;
    }

    public async ValueTask InitializeAsync() => (Cluster, WhyNot) = await LocalPostgresCluster.TryStartAsync();

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
            await Cluster.DisposeAsync();
    }
}
