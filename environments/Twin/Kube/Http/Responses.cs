using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Conformance.Twin.Kube.Http;

/// <summary>Writes JSON bodies the way the API server does (application/json, no indentation).</summary>
public static class Responses
{
    public static async Task WriteJsonAsync(HttpContext ctx, int code, JsonNode body)
    {
        ctx.Response.StatusCode = code;
        ctx.Response.ContentType = "application/json";
        await using var w = new Utf8JsonWriter(ctx.Response.BodyWriter.AsStream());
        body.WriteTo(w);
        await w.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
    }

    public static Task WriteStatusAsync(HttpContext ctx, ApiException e) => WriteJsonAsync(ctx, e.Code, e.ToStatus());

    public static JsonObject Success(string? name, string group, string kind, string? uid) => new()
    {
        ["kind"] = "Status",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject(),
        ["status"] = "Success",
        ["details"] = new JsonObject
        {
            ["name"] = name, ["group"] = group, ["kind"] = kind, ["uid"] = uid,
        },
    };
}
