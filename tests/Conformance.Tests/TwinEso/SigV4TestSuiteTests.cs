using System.Security.Cryptography;
using System.Text;
using Conformance.Twin.Eso.Providers.Aws;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.TwinEso;

/// <summary>The twin's SigV4 signer against AWS's published test suite (upstream/aws/sigv4-testsuite, SUITE-PARAMETERS.md).</summary>
public sealed class SigV4TestSuiteTests
{
    private const string Secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    public static string? SuiteDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            foreach (var candidate in new[] { Path.Combine(dir.FullName, "shared", "upstream"), Path.Combine(dir.FullName, "..", "shared", "upstream") })
                if (Directory.Exists(Path.Combine(candidate, "aws", "sigv4-testsuite"))) return Path.GetFullPath(Path.Combine(candidate, "aws", "sigv4-testsuite"));
        }
        return null;
    }

    [Theory]
    [InlineData("get-vanilla")]
    [InlineData("post-vanilla")]
    [InlineData("get-vanilla-query-order-key-case")]
    [InlineData("get-vanilla-query-unreserved")]
    [InlineData("get-header-value-trim")]
    [InlineData("get-header-key-duplicate")]
    [InlineData("post-header-key-sort")]
    [InlineData("post-x-www-form-urlencoded")]
    [InlineData("post-vanilla-query")]
    public void Signs_like_the_AWS_test_suite(string name)
    {
        var suite = SuiteDirectory();
        Assert.SkipWhen(suite is null, "upstream/aws/sigv4-testsuite not found next to the repository (expected ../shared/upstream)");
        var dir = Path.Combine(suite!, name);
        var (method, path, query, headers, body) = ParseRequest(File.ReadAllText(Path.Combine(dir, name + ".req")));
        var creq = SigV4.CanonicalRequest(method, path, query, headers, SigV4.Hex(SHA256.HashData(body)), out var signed);
        creq.Should().Be(File.ReadAllText(Path.Combine(dir, name + ".creq")));
        var amzDate = headers.First(h => h.Key.Equals("X-Amz-Date", StringComparison.OrdinalIgnoreCase)).Value;
        var scope = SigV4.Scope(amzDate[..8], "us-east-1", "service");
        var sts = SigV4.StringToSign(amzDate, scope, creq);
        sts.Should().Be(File.ReadAllText(Path.Combine(dir, name + ".sts")));
        var authz = SigV4.AuthorizationHeader("AKIDEXAMPLE", scope, signed, SigV4.Signature(Secret, amzDate[..8], "us-east-1", "service", sts));
        authz.Should().Be(File.ReadAllText(Path.Combine(dir, name + ".authz")));
    }

    private static (string Method, string Path, List<KeyValuePair<string, string>> Query, List<KeyValuePair<string, string>> Headers, byte[] Body) ParseRequest(string text)
    {
        var lines = text.Replace("\r\n", "\n").Split('\n');
        var requestLine = lines[0];
        var method = requestLine[..requestLine.IndexOf(' ')];
        var target = requestLine[(method.Length + 1)..requestLine.LastIndexOf(" HTTP/", StringComparison.Ordinal)];
        var q = target.IndexOf('?');
        var path = q < 0 ? target : target[..q];
        var query = q < 0 ? [] : SigV4.ParseQuery(target[q..]);
        var headers = new List<KeyValuePair<string, string>>();
        var i = 1;
        for (; i < lines.Length && lines[i].Length > 0; i++)
        {
            var colon = lines[i].IndexOf(':');
            headers.Add(new(lines[i][..colon], lines[i][(colon + 1)..]));
        }
        var body = i + 1 < lines.Length ? Encoding.UTF8.GetBytes(string.Join('\n', lines[(i + 1)..])) : [];
        return (method, path, query, headers, body);
    }
}
