using System.Text;
using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Json;
using Microsoft.AspNetCore.Http;

namespace Conformance.Twin.Kube.Http;

/// <summary>Request bodies: JSON, or YAML where the API server accepts it; protobuf is refused with 415.</summary>
public static class Bodies
{
    public static async Task<JsonNode?> ReadAsync(HttpRequest req, bool allowEmpty = false)
    {
        var ct = req.ContentType ?? "application/json";
        if (ct.Contains("cbor", StringComparison.OrdinalIgnoreCase))
            throw ApiException.UnsupportedMediaType(ct, "application/json", "application/yaml", "application/vnd.kubernetes.protobuf");
        using var ms = new MemoryStream();
        await req.Body.CopyToAsync(ms, req.HttpContext.RequestAborted).ConfigureAwait(false);
        if (ct.Contains("protobuf", StringComparison.OrdinalIgnoreCase))
        {
            try { return Protobuf.KubeProtobuf.Decode(ms.ToArray()); }
            catch (NotSupportedException e) { throw ApiException.UnsupportedMediaType(ct, "application/json", "application/yaml") is var x ? new ApiException(415, x.Reason, $"{x.Message} (the twin decodes protobuf only for simple kinds, not {e.Message})") : x; }
            catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException or IndexOutOfRangeException) { throw ApiException.BadRequest($"error decoding protobuf request body: {e.Message}"); }
        }
        if (ms.Length == 0)
        {
            if (allowEmpty) return null;
            throw ApiException.BadRequest("the body of the request was empty");
        }
        var bytes = ms.ToArray();
        try
        {
            if (ct.Contains("yaml", StringComparison.OrdinalIgnoreCase) && !LooksLikeJson(bytes))
                return YamlJson.Parse(Encoding.UTF8.GetString(bytes));
            return JsonUtil.ParseBytes(bytes);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
        {
            throw ApiException.BadRequest($"error decoding request body: {e.Message}");
        }
    }

    static bool LooksLikeJson(byte[] b)
    {
        foreach (var c in b) { if (c is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') continue; return c is (byte)'{' or (byte)'['; }
        return false;
    }

    public static JsonObject RequireObject(JsonNode? n) =>
        n as JsonObject ?? throw ApiException.BadRequest("the body of the request must be a JSON object");
}
