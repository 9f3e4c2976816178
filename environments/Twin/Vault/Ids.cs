using System.Security.Cryptography;

namespace Conformance.Twin.Vault;

/// <summary>Random identifiers in the alphabets Vault uses (base62 for tokens, accessors and lease suffixes).</summary>
internal static class Ids
{
    private const string Base62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string Random(int length) => RandomNumberGenerator.GetString(Base62, length);

    public static string Uuid() => Guid.NewGuid().ToString();

    /// <summary>Service tokens since Vault 1.10 carry the "hvs." prefix.</summary>
    public static string ServiceToken() => "hvs." + Random(24);
}
