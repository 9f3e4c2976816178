using System.Text;
using Conformance.Fixtures.Aws;
using Conformance.Tests.Fixtures.Support;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Fixtures.Aws;

/// <summary>Runs our signer over every case of AWS's SigV4 test suite (botocore's copy, upstream/aws/sigv4-testsuite).</summary>
public sealed class SigV4TestSuiteTests
{
    // Suite parameters, from upstream/aws/sigv4-testsuite/SUITE-PARAMETERS.md.
    private const string AccessKey = "AKIDEXAMPLE";
    private const string SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static readonly DateTimeOffset Time = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);

    private static string SuiteDir => SharedFiles.Upstream("aws", "sigv4-testsuite");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var req in Directory.EnumerateFiles(SuiteDir, "*.req", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(SuiteDir, Path.GetDirectoryName(req)!));
        return data;
    }

    [Fact]
    public void The_suite_is_complete()
    {
        Cases().Count.Should().Be(34, "PROVENANCE.md records 34 cases");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Canonical_request_string_to_sign_and_authorization_match_the_vector(string caseDir)
    {
        var dir = Path.Combine(SuiteDir, caseDir);
        var name = Path.GetFileName(dir);
        string Read(string ext) => File.ReadAllText(Path.Combine(dir, name + ext), Encoding.UTF8);

        var request = ParseRequest(File.ReadAllBytes(Path.Combine(dir, name + ".req")));
        var expectedCreq = Read(".creq");
        // Cases whose canonical request carries a session token the raw request lacks sign with temporary credentials.
        string? token = null;
        if (expectedCreq.Contains("x-amz-security-token:", StringComparison.Ordinal)
            && !request.Headers.Any(h => h.Key.Equals(SigV4Signer.SecurityTokenHeader, StringComparison.OrdinalIgnoreCase)))
            token = expectedCreq.Split('\n').First(l => l.StartsWith("x-amz-security-token:", StringComparison.Ordinal))["x-amz-security-token:".Length..];

        var signer = new SigV4Signer(new AwsCredentials(AccessKey, SecretKey, token), "us-east-1", "service");
        var signature = signer.Sign(request, Time);

        signature.CanonicalRequest.Should().Be(expectedCreq);
        signature.StringToSign.Should().Be(Read(".sts"));
        signature.Authorization.Should().Be(Read(".authz"));
    }

    [Fact]
    public void Signing_changes_when_the_key_or_the_body_changes()
    {
        var request = new SigV4Request("POST", "/", "", [new("Host", "h"), new("X-Amz-Date", "20150830T123600Z")], "{}"u8.ToArray());
        var a = new SigV4Signer(new AwsCredentials(AccessKey, SecretKey), "us-east-1", "service").Sign(request, Time);
        var b = new SigV4Signer(new AwsCredentials(AccessKey, SecretKey + "x"), "us-east-1", "service").Sign(request, Time);
        var c = new SigV4Signer(new AwsCredentials(AccessKey, SecretKey), "us-east-1", "service").Sign(request with { Body = "{ }"u8.ToArray() }, Time);
        a.Signature.Should().NotBe(b.Signature).And.NotBe(c.Signature);
    }

    /// <summary>Parses a raw .req: request line, headers (indented lines continue the previous one), blank line, body.</summary>
    private static SigV4Request ParseRequest(byte[] raw)
    {
        var text = Encoding.UTF8.GetString(raw);
        var bodyAt = text.IndexOf("\n\n", StringComparison.Ordinal);
        var head = bodyAt < 0 ? text : text[..bodyAt];
        var body = bodyAt < 0 ? "" : text[(bodyAt + 2)..];
        var lines = head.Split('\n');
        var requestLine = lines[0];
        var method = requestLine[..requestLine.IndexOf(' ')];
        var target = requestLine[(method.Length + 1)..requestLine.LastIndexOf(" HTTP/", StringComparison.Ordinal)];
        var q = target.IndexOf('?');
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1).Where(l => l.Length > 0))
        {
            if (line.Length > 0 && char.IsWhiteSpace(line[0]))
            {
                var last = headers[^1];
                headers[^1] = new(last.Key, last.Value + " " + line.Trim());
                continue;
            }
            var colon = line.IndexOf(':');
            headers.Add(new(line[..colon], line[(colon + 1)..]));
        }
        return new SigV4Request(method, q < 0 ? target : target[..q], q < 0 ? "" : target[(q + 1)..], headers, Encoding.UTF8.GetBytes(body));
    }
}
