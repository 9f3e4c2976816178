using Npgsql;

namespace Conformance.Twin.Vault.Database;

/// <summary>
/// Turns a postgresql-database-plugin connection_url (a libpq URL "postgresql://{{username}}:{{password}}@h:5432/db?sslmode=disable"
/// or a key=value DSN) into an Npgsql connection string, with {{username}}/{{password}} templated (reference/vault.md §3.3).
/// </summary>
internal static class PostgresConnection
{
    public static string Render(string connectionUrl, string? username, string? password)
    {
        var url = connectionUrl
            .Replace("{{username}}", Uri.EscapeDataString(username ?? ""), StringComparison.Ordinal)
            .Replace("{{password}}", Uri.EscapeDataString(password ?? ""), StringComparison.Ordinal);
        return ToNpgsql(url);
    }

    public static string ToNpgsql(string url)
    {
        var b = new NpgsqlConnectionStringBuilder { Pooling = false, Timeout = 5, CommandTimeout = 30 };
        if (url.StartsWith("postgres://", StringComparison.Ordinal) || url.StartsWith("postgresql://", StringComparison.Ordinal))
        {
            var uri = new Uri(url);
            b.Host = uri.Host;
            b.Port = uri.Port > 0 ? uri.Port : 5432;
            b.Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
            if (uri.UserInfo.Length > 0)
            {
                var parts = uri.UserInfo.Split(':', 2);
                b.Username = Uri.UnescapeDataString(parts[0]);
                if (parts.Length > 1) b.Password = Uri.UnescapeDataString(parts[1]);
            }
            foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var kv = pair.Split('=', 2);
                Apply(b, Uri.UnescapeDataString(kv[0]), kv.Length > 1 ? Uri.UnescapeDataString(kv[1]) : "");
            }
            return b.ConnectionString;
        }
        foreach (var pair in url.Split([' ', ';'], StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            if (kv.Length == 2) Apply(b, kv[0].Trim(), kv[1].Trim().Trim('\''));
        }
        return b.ConnectionString;
    }

    private static void Apply(NpgsqlConnectionStringBuilder b, string key, string value)
    {
        switch (key.ToLowerInvariant())
        {
            case "host": b.Host = value; break;
            case "port": b.Port = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            case "user" or "username" or "user id": b.Username = value; break;
            case "password": b.Password = value; break;
            case "dbname" or "database": b.Database = value; break;
            case "sslmode": b.SslMode = value switch { "disable" => SslMode.Disable, "require" => SslMode.Require, "verify-ca" => SslMode.VerifyCA, "verify-full" => SslMode.VerifyFull, _ => SslMode.Prefer }; break;
            case "connect_timeout" or "timeout": b.Timeout = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
            default: break;   // libpq options Npgsql has no use for are ignored
        }
    }
}
