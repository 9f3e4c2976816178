using System.Text;
using System.Text.Json.Nodes;
using Conformance.Environments.Twin.Aws;
using Conformance.Fixtures.Aws;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Faults;

/// <summary>aws-returns-previous-for-current: the proxy in front of moto_server changes GetSecretValue for the current version only.</summary>
public sealed class AwsFaultProxyTests
{
    [Theory]
    [InlineData("""{"SecretId":"s"}""", true)]
    [InlineData("""{"SecretId":"s","VersionStage":"AWSCURRENT"}""", true)]
    [InlineData("""{"SecretId":"s","VersionStage":"AWSPREVIOUS"}""", false)]
    [InlineData("""{"SecretId":"s","VersionId":"v-1"}""", false)]
    public void Only_a_read_of_the_current_version_is_rewritten(string body, bool rewritten)
    {
        var result = SecretsManagerFaultProxy.AskForPrevious("secretsmanager.GetSecretValue", body);
        if (rewritten)
        {
            ((string?)JsonNode.Parse(result!)!["VersionStage"]).Should().Be("AWSPREVIOUS");
        }
        else
        {
            result.Should().BeNull();
        }
    }

    [Fact]
    public void Other_operations_pass_unchanged() =>
        SecretsManagerFaultProxy.AskForPrevious("secretsmanager.PutSecretValue", """{"SecretId":"s","SecretString":"x"}""").Should().BeNull();

    [Fact]
    public void The_previous_version_is_labelled_current() =>
        JsonNode.Parse(SecretsManagerFaultProxy.LabelAsCurrent("""{"SecretString":"old","VersionStages":["AWSPREVIOUS"]}"""))!["VersionStages"]!
            .AsArray().Select(n => (string?)n).Should().Equal("AWSCURRENT");

    [Fact]
    public async Task Against_moto_a_rotated_secret_reads_as_its_previous_value_and_a_new_one_as_itself()
    {
        if (MotoServer.Locate() is null) Assert.Skip(MotoServer.WhyUnavailable);
        var ct = TestContext.Current.CancellationToken;
        await using var moto = await MotoServer.StartAsync(cancellationToken: ct);
        await using var proxy = await SecretsManagerFaultProxy.StartAsync(moto.Endpoint, ct);
        using var http = new HttpClient();

        await CallAsync(http, moto.Endpoint, "CreateSecret", """{"Name":"rotated","SecretString":"v1"}""", ct);
        await CallAsync(http, moto.Endpoint, "PutSecretValue", """{"SecretId":"rotated","SecretString":"v2"}""", ct);
        await CallAsync(http, moto.Endpoint, "CreateSecret", """{"Name":"fresh","SecretString":"only"}""", ct);

        (await ValueAsync(http, moto.Endpoint, "rotated", ct)).Should().Be("v2", "moto itself is faithful");
        (await ValueAsync(http, proxy.Endpoint, "rotated", ct)).Should().Be("v1", "through the fault, AWSCURRENT answers AWSPREVIOUS");
        (await ValueAsync(http, proxy.Endpoint, "fresh", ct)).Should().Be("only", "with no previous version the current one is served");
    }

    private static async Task<string?> ValueAsync(HttpClient http, Uri endpoint, string id, CancellationToken ct) =>
        (string?)JsonNode.Parse(await CallAsync(http, endpoint, "GetSecretValue", $$"""{"SecretId":"{{id}}"}""", ct))!["SecretString"];

    // moto does not check signatures: an unsigned request with a plausible Authorization header is enough here.
    private static async Task<string> CallAsync(HttpClient http, Uri endpoint, string operation, string body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/x-amz-json-1.1"),
        };
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "secretsmanager." + operation);
        request.Headers.TryAddWithoutValidation("Authorization",
            "AWS4-HMAC-SHA256 Credential=AKIDMOTOTESTKEY00001/20260101/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        response.IsSuccessStatusCode.Should().BeTrue($"{operation} should succeed: {(int)response.StatusCode} {text}");
        return text;
    }
}
