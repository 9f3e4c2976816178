using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Conformance.Twin.Vault.Database;

/// <summary>
/// What postgresql-database-plugin runs against Postgres (plugins/database/postgresql/postgresql.go): creation
/// statements in one transaction, renew statements (default ALTER ROLE … VALID UNTIL), custom or default revocation.
/// </summary>
internal static partial class PostgresPlugin
{
    // postgresql.go defaultExpirationStatement / expirationFormat "2006-01-02 15:04:05-0700"
    public const string DefaultRenewStatement = "ALTER ROLE \"{{name}}\" VALID UNTIL '{{expiration}}';";

    public static string Expiration(DateTimeOffset t) =>
        t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "+0000";

    public static async Task VerifyAsync(string connectionString, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("SELECT 1", conn);
        await cmd.ExecuteScalarAsync(ct);
    }

    public static async Task ExecuteInTransactionAsync(string connectionString, IEnumerable<string> statements, IReadOnlyDictionary<string, string> values, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        foreach (var stmt in statements)
        {
            // postgresql.go: a statement containing END (a DO block) runs as-is; others are split on ";".
            var queries = ContainsMultiline(stmt) ? [stmt] : stmt.Split(';');
            foreach (var q in queries.Select(q => q.Trim()).Where(q => q.Length > 0))
            {
                await using var cmd = new NpgsqlCommand(Substitute(q, values), conn, tx);
                await cmd.ExecuteNonQueryAsync(ct);
            }
        }
        await tx.CommitAsync(ct);
    }

    /// <summary>postgresql.go defaultDeleteUser: revoke what the role holds, revoke CONNECT, then DROP ROLE IF EXISTS.</summary>
    public static async Task DefaultRevokeAsync(string connectionString, string username, CancellationToken ct)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync(ct);
        await using (var exists = new NpgsqlCommand("SELECT exists (SELECT rolname FROM pg_roles WHERE rolname=$1);", conn))
        {
            exists.Parameters.AddWithValue(username);
            if (await exists.ExecuteScalarAsync(ct) is not true) return;
        }
        var user = Quote(username);
        var stmts = new List<string>();
        await using (var schemas = new NpgsqlCommand("SELECT DISTINCT table_schema FROM information_schema.role_column_grants WHERE grantee=$1;", conn))
        {
            schemas.Parameters.AddWithValue(username);
            await using var reader = await schemas.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var schema = Quote(reader.GetString(0));
                stmts.Add($"REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA {schema} FROM {user};");
                stmts.Add($"REVOKE USAGE ON SCHEMA {schema} FROM {user};");
            }
        }
        stmts.Add($"REVOKE ALL PRIVILEGES ON ALL TABLES IN SCHEMA public FROM {user};");
        stmts.Add($"REVOKE ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA public FROM {user};");
        stmts.Add($"REVOKE USAGE ON SCHEMA public FROM {user};");
        await using (var db = new NpgsqlCommand("SELECT current_database();", conn))
            if (await db.ExecuteScalarAsync(ct) is string name) stmts.Add($"REVOKE CONNECT ON DATABASE {Quote(name)} FROM {user};");
        Exception? last = null;
        foreach (var s in stmts)
        {
            try
            {
                await using var cmd = new NpgsqlCommand(s, conn);
                await cmd.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException e)
            {
                last = e;   // keep going: remove as much access as possible (postgresql.go)
            }
        }
        if (last is not null) throw new InvalidOperationException($"could not perform all revocation statements: {last.Message}", last);
        await using var drop = new NpgsqlCommand($"DROP ROLE IF EXISTS {user};", conn);
        await drop.ExecuteNonQueryAsync(ct);
    }

    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";

    private static string Substitute(string query, IReadOnlyDictionary<string, string> values)
    {
        foreach (var (k, v) in values) query = query.Replace("{{" + k + "}}", v, StringComparison.Ordinal);
        return query;
    }

    [GeneratedRegex(@"\bEND\b")]
    private static partial Regex End();

    [GeneratedRegex("""(".*?")|('.*?')""")]
    private static partial Regex Quoted();

    private static bool ContainsMultiline(string stmt) => End().IsMatch(Quoted().Replace(stmt, ""));
}
