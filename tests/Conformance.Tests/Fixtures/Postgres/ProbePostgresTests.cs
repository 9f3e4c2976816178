using Conformance.Fixtures.Postgres;
using Conformance.Fixtures.Probe;
using Conformance.Fixtures.Secrets;
using Conformance.Tests.Fixtures.Support;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Fixtures.Postgres;

/// <summary>The probe notebook's stdlib Postgres client against a real server: SCRAM-SHA-256, md5, refusals, grants.</summary>
public sealed class ProbePostgresTests(PostgresFixture postgres) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("probe-pg-").FullName;
    private readonly SecretLedger _ledger = SecretLedger.NewRun();
    private CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<(string User, SecretValue Password, string Table)> RoleAsync(bool md5 = false)
    {
        var cluster = await postgres.RequireAsync();
        var driver = new PostgresDriver(cluster.Dsn);
        var user = "v-probe-" + Guid.NewGuid().ToString("N")[..10];
        var password = new CanaryGenerator(_ledger).Next("db-password");
        var table = "p_" + Guid.NewGuid().ToString("N")[..8];
        await driver.ExecuteAsync(
            (md5 ? "SET password_encryption = 'md5'; " : "")
            + $"CREATE ROLE \"{user}\" WITH LOGIN PASSWORD '{password.Reveal()}'; CREATE TABLE public.{table}(id int); CREATE TABLE public.{table}_no(id int); GRANT SELECT ON public.{table} TO \"{user}\";", Ct);
        _ledger.Register(user, "db-user", SecretKind.DynamicCredential);
        return (user, password, table);
    }

    private async Task<ProbeResult> RunAsync(ProbeSpec spec, Dictionary<string, string?> env)
    {
        var notebook = Path.Combine(_dir, "probe.ipynb");
        await File.WriteAllTextAsync(notebook, ProbeNotebook.Render(spec, _ledger.Fingerprint), Ct);
        var (exit, stdout, stderr) = await NotebookExecutor.RunAsync(notebook, env);
        exit.Should().Be(0, stderr);
        new LeakScanner(_ledger).ScanText(stdout + stderr, "probe output").Should().BeEmpty();
        return ProbeResult.Parse(stdout);
    }

    private async Task<PostgresProbe> CheckAsync(CredentialSource user, CredentialSource password, string? query = "SELECT 1")
    {
        var cluster = await postgres.RequireAsync();
        return new PostgresProbe(cluster.Host, cluster.Port, cluster.Database, user, password, query);
    }

    [Fact]
    public async Task Logs_in_with_SCRAM_from_env_vars_and_reads_a_granted_table()
    {
        var (user, password, table) = await RoleAsync();
        var spec = ProbeSpec.For("pg-scram").WithPostgres(await CheckAsync(CredentialSource.FromEnv("DB_USER"), CredentialSource.FromEnv("DB_PASSWORD"), $"SELECT * FROM public.{table}"));

        var result = await RunAsync(spec, new() { ["DB_USER"] = user, ["DB_PASSWORD"] = password.Reveal() });

        ProbeExpectation.Empty.PostgresLogsIn().Verify(result, _ledger.Fingerprint);
        result.Postgres!.UserFingerprint.Should().Be(_ledger.Fingerprint.Of(user));
    }

    [Fact]
    public async Task Logs_in_with_md5_from_an_export_file_and_a_plain_file()
    {
        var (user, password, _) = await RoleAsync(md5: true);
        var exports = Path.Combine(_dir, "db.env");
        await File.WriteAllTextAsync(exports, $"export PGUSER=\"{user}\"\n", Ct);
        var pwFile = Path.Combine(_dir, "password");
        await File.WriteAllTextAsync(pwFile, password.Reveal() + "\n", Ct);
        var spec = ProbeSpec.For("pg-md5").WithPostgres(await CheckAsync(CredentialSource.FromExport(exports, "PGUSER"), CredentialSource.FromFile(pwFile)));

        var result = await RunAsync(spec, new());

        ProbeExpectation.Empty.PostgresLogsIn().Verify(result, _ledger.Fingerprint);
    }

    [Fact]
    public async Task Reports_refused_logins_and_refused_queries_without_values()
    {
        var (user, password, table) = await RoleAsync();

        var wrong = await RunAsync(ProbeSpec.For("pg-wrong").WithPostgres(await CheckAsync(CredentialSource.FromEnv("U"), CredentialSource.FromEnv("P"))),
            new() { ["U"] = user, ["P"] = password.Reveal() + "-wrong" });
        ProbeExpectation.Empty.PostgresLoginRefused().Verify(wrong, _ledger.Fingerprint);
        wrong.Postgres!.SqlState.Should().Be("28P01");
        ProbeExpectation.Empty.PostgresLogsIn().Mismatches(wrong, _ledger.Fingerprint).Should().ContainSingle();

        var denied = await RunAsync(ProbeSpec.For("pg-denied").WithPostgres(await CheckAsync(CredentialSource.FromEnv("U"), CredentialSource.FromEnv("P"), $"SELECT * FROM public.{table}_no")),
            new() { ["U"] = user, ["P"] = password.Reveal() });
        ProbeExpectation.Empty.PostgresLogsIn(querySucceeds: false).Verify(denied, _ledger.Fingerprint);
        denied.Postgres!.QuerySqlState.Should().Be("42501");

        var missing = await RunAsync(ProbeSpec.For("pg-missing").WithPostgres(await CheckAsync(CredentialSource.FromEnv("U"), CredentialSource.FromEnv("NOPE"))),
            new() { ["U"] = user });
        missing.Postgres!.Attempted.Should().BeFalse();
        missing.Postgres.ErrorClass.Should().Be("credentials_missing");
    }

    [Fact]
    public async Task Reports_an_unreachable_server_as_a_network_error()
    {
        var cluster = await postgres.RequireAsync();
        var spec = ProbeSpec.For("pg-down").WithPostgres(new PostgresProbe("127.0.0.1", 1, cluster.Database,
            CredentialSource.FromEnv("U"), CredentialSource.FromEnv("P"), TimeoutSeconds: 2));

        var result = await RunAsync(spec, new() { ["U"] = "u", ["P"] = "p" });

        result.Postgres!.Connected.Should().BeFalse();
        result.Postgres.ErrorClass.Should().Be("connection_refused");
    }
}
