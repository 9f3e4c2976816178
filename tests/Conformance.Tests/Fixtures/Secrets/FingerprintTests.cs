using Conformance.Fixtures.Secrets;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Fixtures.Secrets;

public sealed class FingerprintTests
{
    private static readonly byte[] KeyA = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] KeyB = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void Same_key_and_value_give_the_same_short_hex()
    {
        var fp = new Fingerprint(KeyA);
        var first = fp.Of("hunter2-but-longer");
        first.Should().MatchRegex("^fp:[0-9a-f]{12}$");
        new Fingerprint(KeyA).Of("hunter2-but-longer").Should().Be(first);
    }

    [Fact]
    public void Different_keys_or_values_give_different_fingerprints()
    {
        new Fingerprint(KeyA).Of("value-one").Should().NotBe(new Fingerprint(KeyB).Of("value-one"));
        new Fingerprint(KeyA).Of("value-one").Should().NotBe(new Fingerprint(KeyA).Of("value-two"));
    }

    [Fact]
    public void Matches_an_independent_HMAC_SHA256()
    {
        // RFC 4231 test case 2: key "Jefe" is too short for us, so check against .NET's HMAC directly instead.
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(KeyA, "abc"u8))[..12];
        new Fingerprint(KeyA).Of("abc").Should().Be("fp:" + expected);
        new Fingerprint(KeyA).KeyHex.Should().Be(Convert.ToHexStringLower(KeyA));
    }

    [Fact]
    public void Secret_values_print_label_and_fingerprint_never_the_value()
    {
        var ledger = SecretLedger.NewRun();
        var canary = new CanaryGenerator(ledger).Next("db-password");
        canary.ToString().Should().NotContain(canary.Reveal()).And.Contain("db-password").And.Contain(canary.Fingerprint);
        ledger.ToString().Should().NotContain(canary.Reveal());
    }

    [Fact]
    public void Canaries_are_recognisable_random_and_registered()
    {
        var ledger = SecretLedger.NewRun();
        var gen = new CanaryGenerator(ledger, "run42");
        var values = Enumerable.Range(0, 200).Select(i => gen.Next($"c{i}").Reveal()).ToList();
        values.Should().OnlyHaveUniqueItems();
        values.Should().AllSatisfy(v => v.Should().MatchRegex("^cnry-run42-[a-z2-7]{26}$"));
        values.Should().AllSatisfy(v => ledger.Knows(v).Should().BeTrue());
        ledger.All.Should().HaveCount(200);
    }
}
