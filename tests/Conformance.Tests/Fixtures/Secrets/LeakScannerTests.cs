using System.Text;
using Conformance.Fixtures.Secrets;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Fixtures.Secrets;

public sealed class LeakScannerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("leakscan-").FullName;
    private readonly SecretLedger _ledger = SecretLedger.NewRun();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private SecretValue Canary(string label) => new CanaryGenerator(_ledger).Next(label);

    [Fact]
    public void Finds_a_plain_leak_with_file_line_and_column()
    {
        var canary = Canary("api-token");
        var file = Path.Combine(_dir, "pod.log");
        File.WriteAllText(file, $"line one\nline two\nAuthorization: Bearer {canary.Reveal()}\n");

        var hits = new LeakScanner(_ledger).ScanDirectory(_dir);

        hits.Should().ContainSingle();
        hits[0].Should().BeEquivalentTo(new { Source = file, Line = 3, Column = 23, Form = LeakForm.Plain, Label = "api-token" });
        hits[0].ToString().Should().NotContain(canary.Reveal()).And.Contain(canary.Fingerprint);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Finds_base64_at_every_alignment_inside_a_larger_blob(int prefixLength)
    {
        var secret = _ledger.Register("s3cr3t/with+odd?chars=" + Guid.NewGuid(), "db-password", SecretKind.DynamicCredential);
        var blob = new string('x', prefixLength) + "user=app;password=" + secret.Reveal() + ";sslmode=disable";
        var std = Convert.ToBase64String(Encoding.UTF8.GetBytes(blob));
        var url = std.Replace('+', '-').Replace('/', '_').TrimEnd('=');

        var scanner = new LeakScanner(_ledger);
        scanner.ScanText($"data:\n  dsn: {std}\n", "secret.yaml").Should().ContainSingle()
            .Which.Should().BeEquivalentTo(new { Line = 2, Label = "db-password" });
        var urlHits = scanner.ScanText($"token={url}", "url.txt");
        urlHits.Should().ContainSingle();
        urlHits[0].Form.Should().BeOneOf(LeakForm.Base64Url, LeakForm.Base64); // identical when no +,/ in the span
    }

    [Fact]
    public void Finds_url_encoded_and_standalone_base64_forms()
    {
        var secret = _ledger.Register("p@ss word/with&specials:" + Guid.NewGuid().ToString("N"), "git-token", SecretKind.Token);
        var scanner = new LeakScanner(_ledger);

        scanner.ScanText("GET /?q=" + Uri.EscapeDataString(secret.Reveal()), "access.log").Should().ContainSingle()
            .Which.Form.Should().Be(LeakForm.UrlEncoded);
        scanner.ScanText("GET /?q=" + Uri.EscapeDataString(secret.Reveal()).ToLowerInvariant().Replace("%", "%"), "lower.log")
            .Should().NotBeEmpty("lower-case percent escapes are the same URL encoding");
        scanner.ScanText("password: " + Convert.ToBase64String(Encoding.UTF8.GetBytes(secret.Reveal())), "s.yaml")
            .Should().ContainSingle().Which.Form.Should().Be(LeakForm.Base64);
    }

    [Fact]
    public void Reports_every_planted_leak_across_files_and_nothing_else()
    {
        var a = Canary("a");
        var b = Canary("b");
        File.WriteAllText(Path.Combine(_dir, "clean.log"), "nothing to see\ncnry-but-not-a-known-value\n");
        Directory.CreateDirectory(Path.Combine(_dir, "nested"));
        File.WriteAllText(Path.Combine(_dir, "nested", "events.json"),
            $"{{\"msg\":\"{a.Reveal()}\"}}\n{{\"b64\":\"{Convert.ToBase64String(Encoding.UTF8.GetBytes(b.Reveal()))}\"}}\n{a.Reveal()} and {b.Reveal()}\n");

        var hits = new LeakScanner(_ledger).ScanDirectory(_dir);

        hits.Select(h => (Path.GetFileName(h.Source), h.Line, h.Label, h.Form)).Should().BeEquivalentTo(new[]
        {
            ("events.json", 1, "a", LeakForm.Plain),
            ("events.json", 2, "b", LeakForm.Base64),
            ("events.json", 3, "a", LeakForm.Plain),
            ("events.json", 3, "b", LeakForm.Plain),
        });
    }

    [Fact]
    public void Short_values_are_reported_unscannable_instead_of_flagging_everything()
    {
        _ledger.Register("root", "vault-root-token", SecretKind.RootToken);
        new LeakScanner(_ledger).ScanText("root root root", "x").Should().BeEmpty();
        _ledger.Unscannable.Should().ContainSingle().Which.Label.Should().Be("vault-root-token");
    }

    [Fact]
    public void Redactor_replaces_every_form_with_the_fingerprint_and_the_rescan_is_clean()
    {
        var canary = Canary("aws-secret");
        var file = Path.Combine(_dir, "report.md");
        var b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes("k=" + canary.Reveal()));
        File.WriteAllText(file, $"plain {canary.Reveal()}\r\nb64 {b64}\nurl {Uri.EscapeDataString(canary.Reveal() + "/x")}\n");

        new Redactor(_ledger).RedactFile(file).Should().BeTrue();

        var text = File.ReadAllText(file);
        text.Should().Contain($"plain [REDACTED {canary.Fingerprint}]\r\n");
        new LeakScanner(_ledger).ScanFile(file).Should().BeEmpty();
        new Redactor(_ledger).RedactFile(file).Should().BeFalse();
    }
}
