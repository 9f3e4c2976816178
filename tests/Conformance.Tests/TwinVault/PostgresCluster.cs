using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

using Xunit;

namespace Conformance.Tests.TwinVault;

/// <summary>
/// A throwaway Postgres for database-engine tests: CONFORMANCE_POSTGRES_DSN when set, else a cluster made with the
/// machine's Postgres 15 binaries (initdb + pg_ctl in a temp dir on a free port; as the postgres user when root).
/// Password authentication over TCP (scram) so that VALID UNTIL and passwords are really enforced.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    private const string BinDir = "/usr/lib/postgresql/15/bin";
    private string? _dir;

    /// <summary>Null with <see cref="SkipReason"/> when no Postgres could be had.</summary>
    public string? AdminDsn { get; private set; }
    public string? SkipReason { get; private set; }
    public int Port { get; private set; }
    public string Host { get; private set; } = "127.0.0.1";

    public async ValueTask InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable("CONFORMANCE_POSTGRES_DSN") is { Length: > 0 } dsn)
        {
            AdminDsn = dsn;
            var b = new NpgsqlConnectionStringBuilder(Twin.Vault.Database.PostgresConnection.ToNpgsql(dsn));
            Host = b.Host ?? "127.0.0.1";
            Port = b.Port;
            return;
        }
        if (!File.Exists(Path.Combine(BinDir, "initdb")))
        {
            SkipReason = $"no Postgres: set CONFORMANCE_POSTGRES_DSN or install Postgres 15 ({BinDir}/initdb missing)";
            return;
        }
        var asRoot = Environment.UserName == "root";
        if (asRoot && !File.Exists("/usr/sbin/runuser") && !File.Exists("/sbin/runuser"))
        {
            SkipReason = "running as root without runuser: cannot start Postgres as the postgres user";
            return;
        }
        _dir = Path.Combine(Path.GetTempPath(), "twinvault-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dir);
        var password = Guid.NewGuid().ToString("N");
        await File.WriteAllTextAsync(Path.Combine(_dir, "pw"), password);
        if (asRoot) await RunAsync("chown", ["-R", "postgres:postgres", _dir], false);
        Port = FreePort();
        await RunAsync(Path.Combine(BinDir, "initdb"), ["-D", Path.Combine(_dir, "data"), "-U", "postgres", "--pwfile=" + Path.Combine(_dir, "pw"),
            "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync"], asRoot);
        await RunAsync(Path.Combine(BinDir, "pg_ctl"), ["-D", Path.Combine(_dir, "data"), "-l", Path.Combine(_dir, "log"), "-w", "-t", "60",
            "-o", $"-p {Port} -k {_dir} -c listen_addresses=127.0.0.1 -c fsync=off", "start"], asRoot);
        AdminDsn = $"postgresql://postgres:{password}@127.0.0.1:{Port}/postgres?sslmode=disable";
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> args, bool asPostgres)
    {
        var psi = asPostgres ? new ProcessStartInfo("runuser", ["-u", "postgres", "--", file, .. args]) : new ProcessStartInfo(file, args);
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}: {await stderr}{await stdout}");
    }

    public NpgsqlConnection Admin() => new(Twin.Vault.Database.PostgresConnection.ToNpgsql(AdminDsn!));

    public string DsnFor(string user, string password) =>
        new NpgsqlConnectionStringBuilder(Twin.Vault.Database.PostgresConnection.ToNpgsql(AdminDsn!)) { Username = user, Password = password, Pooling = false }.ConnectionString;

    public async ValueTask DisposeAsync()
    {
        if (_dir is null) return;
        try
        {
            await RunAsync(Path.Combine(BinDir, "pg_ctl"), ["-D", Path.Combine(_dir, "data"), "-m", "immediate", "stop"], Environment.UserName == "root");
        }
        finally
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
