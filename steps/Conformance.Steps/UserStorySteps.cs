using Conformance.Fixtures.Postgres;
using Conformance.Fixtures.Probe;
using Conformance.Runner;
using Conformance.Steps.Support;

namespace Conformance.Steps;

/// <summary>
/// The user stories of ADR-014 told at Tier 1: US-11's database is a real Postgres role with a generated password in
/// a Secret, which the notebook uses to log in and query. The role and its table are dropped when the scenario ends.
/// </summary>
[Binding]
public sealed class UserStorySteps(ScenarioWorld world) : IAsyncDisposable
{
    private PostgresDriver? _postgres;
    private string? _role;
    private string? _table;

    [Given("a Postgres role in Secret {string} under {string} and {string} that may read a table of features")]
    public async Task GivenAPostgresRole(string secret, string userKey, string passwordKey)
    {
        var endpoint = world.World.Postgres ?? throw new InvalidOperationException("the world has no Postgres: tag the scenario @needs:postgres");
        _postgres = new PostgresDriver(endpoint.Dsn);
        var values = world.NewCanaries(secret, [userKey, passwordKey]);
        _role = values[userKey].Reveal();
        _table = "conf_features_" + Fixtures.Kube.Kube.RandomSuffix(8);
        // Canaries are [a-z0-9-]: safe inside a quoted identifier and a string literal.
        await _postgres.ExecuteAsync($"CREATE ROLE \"{_role}\" WITH LOGIN PASSWORD '{values[passwordKey].Reveal()}'", world.Cancellation);
        await _postgres.ExecuteAsync($"CREATE TABLE {_table} (id int, feature text); INSERT INTO {_table} VALUES (1, 'a'); GRANT SELECT ON {_table} TO \"{_role}\"", world.Cancellation);
        await world.Kube.CreateSecretAsync(world.Namespace, secret, values, cancellationToken: world.Cancellation);
    }

    [Given("the notebook queries the features table as env {string} with password env {string}")]
    public void GivenTheNotebookQueries(string userEnv, string passwordEnv)
    {
        var endpoint = world.World.Postgres!;
        var table = _table ?? throw new InvalidOperationException("no table yet: start with 'a Postgres role in Secret ...'");
        world.Job.TweakProbe(p => p.WithPostgres(new PostgresProbe(endpoint.InClusterHost, endpoint.InClusterPort, endpoint.Database,
            CredentialSource.FromEnv(userEnv), CredentialSource.FromEnv(passwordEnv), $"SELECT count(*) FROM {table}")));
    }

    [Then("the notebook logged in to Postgres and read the table")]
    public void ThenTheNotebookReadTheTable() =>
        ProbeExpectation.Empty.PostgresLogsIn(querySucceeds: true).Verify(world.LastRun.RequireProbe(), TestRun.Ledger.Fingerprint);

    public async ValueTask DisposeAsync()
    {
        if (_postgres is null) return;
        if (_table is not null) await _postgres.ExecuteAsync($"DROP TABLE IF EXISTS {_table}");
        if (_role is not null) await _postgres.ExecuteAsync($"DROP ROLE IF EXISTS \"{_role}\"");
    }
}
