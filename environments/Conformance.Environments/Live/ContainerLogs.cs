using System.Text.RegularExpressions;

namespace Conformance.Environments.Live;

/// <summary>
/// The window as Docker's log API takes it (Testcontainers' <c>GetLogsAsync(since, until)</c>): whole Unix seconds,
/// <c>default</c> meaning unbounded. The seconds are widened outwards; <see cref="TimestampedLines"/> cuts exactly.
/// </summary>
public static partial class ContainerLogs
{
    public static DateTime Since(DateTimeOffset from) =>
        from <= DateTimeOffset.UnixEpoch ? default : new DateTime(from.UtcTicks - from.UtcTicks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    public static DateTime Until(DateTimeOffset to) =>
        to >= DateTimeOffset.MaxValue.AddDays(-1) ? default
            : new DateTime(to.UtcTicks - to.UtcTicks % TimeSpan.TicksPerSecond, DateTimeKind.Utc).AddSeconds(1);

    /// <summary>
    /// Vault's dev server prints its root token and unseal key in its start banner (reference/vault.md §4); the run's
    /// token is not a canary, so no redactor would catch it. Both are masked before any line leaves the world.
    /// </summary>
    public static string MaskVaultSecrets(string text, string rootToken)
    {
        if (rootToken.Length > 0) text = text.Replace(rootToken, "<vault root token>", StringComparison.Ordinal);
        return Banner().Replace(text, m => m.Groups[1].Value + "<masked>");
    }

    [GeneratedRegex(@"((?:Root Token|Unseal Key)(?: \d+)?:\s*)\S+")]
    private static partial Regex Banner();
}
