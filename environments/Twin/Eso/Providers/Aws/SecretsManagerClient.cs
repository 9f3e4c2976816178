using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Conformance.Twin.Eso.Model;

namespace Conformance.Twin.Eso.Providers.Aws;

/// <summary>An AWS error response (JSON 1.1 protocol: "__type" and "message").</summary>
public sealed class AwsApiException(string operation, int statusCode, string code, string awsMessage, string requestId)
    : Exception(Describe(operation, statusCode, code, awsMessage, requestId))
{
    // Error shapes the Secrets Manager model declares; aws-sdk-go-v2 prints these as "Code: msg", others as "api error Code: msg".
    private static readonly HashSet<string> Modeled =
    [
        "ResourceNotFoundException", "InvalidParameterException", "InvalidRequestException", "DecryptionFailure",
        "InternalServiceError", "LimitExceededException", "ResourceExistsException", "MalformedPolicyDocumentException",
        "EncryptionFailure", "PreconditionNotMetException", "PublicPolicyException",
    ];

    public string Code { get; } = code;
    public string AwsMessage { get; } = awsMessage;
    public int StatusCode { get; } = statusCode;

    // aws-sdk-go-v2 (smithy-go) OperationError / ResponseError text, as ESO surfaces it (reference/eso.md §3a).
    private static string Describe(string operation, int status, string code, string message, string requestId) =>
        $"operation error Secrets Manager: {operation}, https response error StatusCode: {status}, RequestID: {requestId}, " +
        (Modeled.Contains(code) ? $"{code}: {message}" : $"api error {code}: {message}");
}

/// <summary>The result of GetSecretValue.</summary>
public sealed record SecretValue(string Name, string? Arn, string? VersionId, IReadOnlyList<string> VersionStages, string? SecretString, byte[]? SecretBinary);

/// <summary>
/// A small Secrets Manager client speaking the JSON 1.1 protocol with SigV4 (service model upstream/aws/secretsmanager-service-2.json:
/// targetPrefix "secretsmanager", signingName "secretsmanager"). The twin's own; it does not depend on the harness.
/// </summary>
public sealed class SecretsManagerClient(HttpClient http, Uri endpoint, string region, AwsCredentials credentials, TimeProvider time)
{
    public Uri Endpoint => endpoint;

    public async Task<SecretValue> GetSecretValueAsync(string secretId, string? versionId, string? versionStage, CancellationToken ct)
    {
        var body = new JsonObject { ["SecretId"] = secretId };
        if (!string.IsNullOrEmpty(versionId)) body["VersionId"] = versionId;
        if (!string.IsNullOrEmpty(versionStage)) body["VersionStage"] = versionStage;
        var r = await CallAsync("GetSecretValue", body, ct);
        return new SecretValue(
            r.Str("Name") ?? secretId, r.Str("ARN"), r.Str("VersionId"),
            r.StrList("VersionStages"), r.Str("SecretString"),
            r.Str("SecretBinary") is { } b ? Convert.FromBase64String(b) : null);
    }

    public Task<JsonObject> DescribeSecretAsync(string secretId, CancellationToken ct) =>
        CallAsync("DescribeSecret", new JsonObject { ["SecretId"] = secretId }, ct);

    /// <summary>Any operation of the service: POST / with X-Amz-Target secretsmanager.{operation}.</summary>
    public async Task<JsonObject> CallAsync(string operation, JsonObject input, CancellationToken ct)
    {
        var payload = Encoding.UTF8.GetBytes(input.ToJsonString());
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", $"secretsmanager.{operation}");
        request.Content = new ByteArrayContent(payload);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.1");
        SigV4.Sign(request, payload, credentials, region, "secretsmanager", time.GetUtcNow());
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            // smithy-go's text for a request that never got a response (StatusCode 0).
            throw new ProviderException($"operation error Secrets Manager: {operation}, https response error StatusCode: 0, RequestID: , request send failed, Post \"{endpoint}\": {e.Message}", e);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            var requestId = response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.FirstOrDefault() ?? "" : "";
            JsonObject? json = null;
            try { json = string.IsNullOrWhiteSpace(text) ? new JsonObject() : JsonNode.Parse(text) as JsonObject; }
            catch (JsonException) { }
            if (response.IsSuccessStatusCode && json is not null) return json;
            var code = json.Str("__type") ?? (response.Headers.TryGetValues("x-amzn-ErrorType", out var t) ? t.First() : $"HTTP{(int)response.StatusCode}");
            code = code.Contains('#') ? code[(code.LastIndexOf('#') + 1)..] : code;
            code = code.Contains(':') ? code[..code.IndexOf(':')] : code;
            var message = json.Str("message") ?? json.Str("Message") ?? "";
            throw new AwsApiException(operation, (int)response.StatusCode, code, message, requestId);
        }
    }
}
