using Conformance.Twin.Vault.Http;

namespace Conformance.Twin.Vault.Leases;

/// <summary>
/// sdk/framework/lease.go CalculateTTL: the TTL for an issue or renewal, capped at issue time + the effective max TTL
/// (mount max, lowered by the backend's max and an explicit max) with Vault's capping warning (reference/vault.md §2.1).
/// </summary>
public static class TtlCalculator
{
    public sealed record Result(TimeSpan Ttl, IReadOnlyList<string> Warnings);

    public static Result Calculate(
        TimeSpan increment, TimeSpan backendTtl, TimeSpan backendMaxTtl, TimeSpan explicitMaxTtl,
        TimeSpan mountDefaultTtl, TimeSpan mountMaxTtl, DateTimeOffset issueTime, DateTimeOffset now, bool ignoreMaxTtl = false)
    {
        var maxTtl = mountMaxTtl;
        if (backendMaxTtl > TimeSpan.Zero && backendMaxTtl < maxTtl) maxTtl = backendMaxTtl;
        if (explicitMaxTtl > TimeSpan.Zero && explicitMaxTtl < maxTtl) maxTtl = explicitMaxTtl;

        var ttl = increment > TimeSpan.Zero ? increment : backendTtl > TimeSpan.Zero ? backendTtl : mountDefaultTtl;
        if (ignoreMaxTtl) return new Result(ttl, []);   // fault "vault-ignores-max-ttl"

        var maxValidTtl = issueTime + maxTtl - now;
        if (maxValidTtl <= TimeSpan.Zero) throw new VaultException(400, "past the max TTL, cannot renew");
        var warnings = new List<string>();
        if (maxValidTtl - ttl < TimeSpan.Zero)
        {
            // Vault: fmt.Sprintf("TTL of %q exceeded the effective max_ttl of %q; TTL value is capped accordingly", ...)
            warnings.Add($"TTL of \"{GoDuration.Format(ttl)}\" exceeded the effective max_ttl of \"{GoDuration.Format(maxValidTtl)}\"; TTL value is capped accordingly");
            ttl = maxValidTtl;
        }
        return new Result(TimeSpan.FromSeconds(Math.Floor(ttl.TotalSeconds)), warnings);
    }
}
