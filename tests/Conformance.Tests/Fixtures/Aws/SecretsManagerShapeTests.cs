using System.Text.Json.Nodes;
using Conformance.Fixtures.Aws;
using Conformance.Tests.Fixtures.Support;
using FluentAssertions;
using Xunit;

namespace Conformance.Tests.Fixtures.Aws;

/// <summary>Every request the client can send conforms to the Secrets Manager service model (botocore's service-2.json).</summary>
public sealed class SecretsManagerShapeTests
{
    private static readonly JsonObject Model = JsonNode.Parse(File.ReadAllText(SharedFiles.Upstream("aws", "secretsmanager-service-2.json")))!.AsObject();

    [Fact]
    public async Task Every_operation_matches_the_service_model_and_is_signed()
    {
        var handler = new RecordingHandler(_ => RecordingHandler.Json(
            """{"ARN":"arn:x","Name":"n","VersionId":"v","VersionStages":["AWSCURRENT"],"SecretString":"s","CreatedDate":1.7e9}"""));
        using var client = new SecretsManagerClient(new Uri("http://127.0.0.1:4566/"), "eu-west-1", new AwsCredentials("AKID", "SECRETKEY", "TOKEN"), handler);
        var ct = TestContext.Current.CancellationToken;

        await client.CreateSecretAsync("n", "v", "d", new Dictionary<string, string> { ["k"] = "v" }, ct);
        await client.GetSecretValueAsync("n", VersionStages.Previous, cancellationToken: ct);
        await client.GetSecretValueAsync("n", versionId: "11111111-1111-1111-1111-111111111111", cancellationToken: ct);
        await client.PutSecretValueAsync("n", "v2", [VersionStages.Pending], ct);
        await client.UpdateSecretVersionStageAsync("n", VersionStages.Current, Guid.NewGuid().ToString(), Guid.NewGuid().ToString(), ct);
        await client.DeleteSecretAsync("n", recoveryWindowInDays: 7, cancellationToken: ct);
        await client.DeleteSecretAsync("n", forceDeleteWithoutRecovery: true, cancellationToken: ct);
        await client.RestoreSecretAsync("n", ct);
        await client.DescribeSecretAsync("n", ct);

        handler.Requests.Select(r => r.Headers["X-Amz-Target"]).Distinct().Should().HaveCount(7);
        foreach (var request in handler.Requests)
        {
            request.Method.Should().Be("POST");
            request.Uri.AbsolutePath.Should().Be("/");
            request.Headers["Content-Type"].Should().Be("application/x-amz-json-1.1");
            request.Headers["Authorization"].Should().StartWith("AWS4-HMAC-SHA256 Credential=AKID/").And
                .Contain("/eu-west-1/secretsmanager/aws4_request").And
                .Contain("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target");
            request.Headers["X-Amz-Security-Token"].Should().Be("TOKEN");
            var target = request.Headers["X-Amz-Target"];
            target.Should().StartWith((string)Model["metadata"]!["targetPrefix"]! + ".");
            CheckAgainstModel(target.Split('.')[1], JsonNode.Parse(request.Body)!.AsObject());
        }
    }

    [Fact]
    public async Task Errors_carry_the_AWS_error_code()
    {
        var handler = new RecordingHandler(_ => RecordingHandler.Json(
            """{"__type":"com.amazonaws.secretsmanager#ResourceNotFoundException","message":"Secrets Manager can't find the specified secret."}""",
            System.Net.HttpStatusCode.BadRequest));
        using var client = new SecretsManagerClient(new Uri("http://127.0.0.1:1/"), "us-east-1", new AwsCredentials("A", "B"), handler);

        var e = (await FluentActions.Awaiting(() => client.GetSecretValueAsync("missing", cancellationToken: TestContext.Current.CancellationToken))
            .Should().ThrowAsync<SecretsManagerException>()).Which;
        e.ErrorCode.Should().Be("ResourceNotFoundException");
        e.IsResourceNotFound.Should().BeTrue();
        e.Operation.Should().Be("GetSecretValue");
    }

    [Fact]
    public void Values_and_keys_never_print()
    {
        new AwsCredentials("AKID", "very-secret-key", "tok").ToString().Should().NotContain("very-secret-key").And.NotContain("tok)");
        new SecretValueResult("arn", "n", "v", "the-value", null, [], null).ToString().Should().NotContain("the-value");
    }

    private static void CheckAgainstModel(string operation, JsonObject body)
    {
        var op = Model["operations"]![operation] ?? throw new Xunit.Sdk.XunitException($"{operation} is not in the service model");
        CheckShape($"{operation} input", (string)op["input"]!["shape"]!, body);
    }

    private static void CheckShape(string where, string shapeName, JsonNode? value)
    {
        var shape = Model["shapes"]![shapeName]!;
        switch ((string)shape["type"]!)
        {
            case "structure":
                var obj = value.Should().BeOfType<JsonObject>($"{where} is a structure").Subject;
                var members = shape["members"]!.AsObject();
                foreach (var (name, member) in obj)
                {
                    members.ContainsKey(name).Should().BeTrue($"{where} has no member '{name}' in the model");
                    CheckShape($"{where}.{name}", (string)members[name]!["shape"]!, member);
                }
                foreach (var required in shape["required"]?.AsArray().Select(r => (string)r!) ?? [])
                    obj.ContainsKey(required).Should().BeTrue($"{where} requires '{required}'");
                break;
            case "list":
                foreach (var item in value.Should().BeOfType<JsonArray>($"{where} is a list").Subject)
                    CheckShape($"{where}[]", (string)shape["member"]!["shape"]!, item);
                break;
            case "string":
                value!.GetValueKind().Should().Be(System.Text.Json.JsonValueKind.String, where);
                var s = (string)value!;
                if (shape["min"] is { } min)
                    s.Length.Should().BeGreaterThanOrEqualTo((int)min, $"{where} has a minimum length");
                if (shape["max"] is { } max)
                    s.Length.Should().BeLessThanOrEqualTo((int)max, $"{where} has a maximum length");
                break;
            case "long" or "integer":
                value!.GetValueKind().Should().Be(System.Text.Json.JsonValueKind.Number, where);
                break;
            case "boolean":
                value!.GetValueKind().Should().BeOneOf(System.Text.Json.JsonValueKind.True, System.Text.Json.JsonValueKind.False);
                break;
            default:
                throw new Xunit.Sdk.XunitException($"{where}: shape type {(string)shape["type"]!} not checked by this test");
        }
    }
}
