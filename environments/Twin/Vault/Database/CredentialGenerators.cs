using System.Security.Cryptography;

namespace Conformance.Twin.Vault.Database;

/// <summary>Usernames and passwords as the postgresql-database-plugin makes them (reference/vault.md §3.3).</summary>
internal static class CredentialGenerators
{
    private const string Alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>
    /// Default template {{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 8) (.RoleName | truncate 8) (random 20) (unix_time) | truncate 63 }}
    /// (plugins/database/postgresql/postgresql.go NewUser: DisplayName 8, RoleName 8, separator "-", MaxLength 63).
    /// </summary>
    public static string Username(string displayName, string roleName, DateTimeOffset now) =>
        Truncate($"v-{Truncate(displayName, 8)}-{Truncate(roleName, 8)}-{RandomNumberGenerator.GetString(Alnum, 20)}-{now.ToUnixTimeSeconds()}", 63);

    private static string Truncate(string s, int n) => s.Length <= n ? s : s[..n];

    /// <summary>
    /// The database engine's default password policy: 20 characters from [a-zA-Z0-9-] with at least one lower-case
    /// letter, upper-case letter, digit and dash (builtin/logical/database: defaultPasswordGenerator rules).
    /// </summary>
    public static string Password()
    {
        const string lower = "abcdefghijklmnopqrstuvwxyz", upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", digits = "0123456789", dash = "-";
        const string all = lower + upper + digits + dash;
        var chars = new List<char>
        {
            lower[RandomNumberGenerator.GetInt32(lower.Length)],
            upper[RandomNumberGenerator.GetInt32(upper.Length)],
            digits[RandomNumberGenerator.GetInt32(digits.Length)],
            dash[0],
        };
        while (chars.Count < 20) chars.Add(all[RandomNumberGenerator.GetInt32(all.Length)]);
        var array = chars.ToArray();
        RandomNumberGenerator.Shuffle(array.AsSpan());
        return new string(array);
    }
}
