using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Schema;
using Conformance.Twin.Kube.Storage;

namespace Conformance.Twin.Kube.Http;

/// <summary>An error that becomes a metav1.Status response (k8s.io/apimachinery/pkg/api/errors).</summary>
public sealed class ApiException(int code, string reason, string message, JsonObject? details = null) : Exception(message)
{
    public int Code { get; } = code;
    public string Reason { get; } = reason;
    public JsonObject? Details { get; } = details;

    public JsonObject ToStatus()
    {
        var s = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (Details is not null) s["details"] = Details.DeepClone();
        s["code"] = Code;
        return s;
    }

    static JsonObject D(string? name, string group, string kind)
    {
        var d = new JsonObject();
        if (!string.IsNullOrEmpty(name)) d["name"] = name;
        if (group.Length > 0) d["group"] = group;
        d["kind"] = kind;
        return d;
    }

    public static ApiException NotFound(ResourceType t, string name) =>
        new(404, "NotFound", $"{t.GroupResource} \"{name}\" not found", D(name, t.Group, t.Plural));

    public static ApiException NotFound(string group, string plural, string name) =>
        new(404, "NotFound", $"{(group.Length == 0 ? plural : plural + "." + group)} \"{name}\" not found", D(name, group, plural));

    public static ApiException AlreadyExists(ResourceType t, string name) =>
        new(409, "AlreadyExists", $"{t.GroupResource} \"{name}\" already exists", D(name, t.Group, t.Plural));

    public static ApiException Conflict(ResourceType t, string name, string why) =>
        new(409, "Conflict", $"Operation cannot be fulfilled on {t.GroupResource} \"{name}\": {why}", D(name, t.Group, t.Plural));

    public const string StaleObject = "the object has been modified; please apply your changes to the latest version and try again";

    public static ApiException Invalid(ResourceType t, string name, IReadOnlyList<FieldError> errors)
    {
        var qualifiedKind = t.Group.Length == 0 ? t.Kind : $"{t.Kind}.{t.Group}";
        var list = errors.Count == 1 ? errors[0].ToString() : "[" + string.Join(", ", errors.Select(e => e.ToString())) + "]";
        var d = D(name, t.Group, t.Kind);
        d["causes"] = new JsonArray(errors.Select(e => (JsonNode)new JsonObject
        {
            ["reason"] = e.CauseReason, ["message"] = e.Body, ["field"] = e.Field,
        }).ToArray());
        return new(422, "Invalid", $"{qualifiedKind} \"{name}\" is invalid: {list}", d);
    }

    public static ApiException Forbidden(ResourceType t, string? name, string why) =>
        new(403, "Forbidden", string.IsNullOrEmpty(name) ? $"{t.GroupResource} is forbidden: {why}" : $"{t.GroupResource} \"{name}\" is forbidden: {why}", D(name, t.Group, t.Plural));

    public static ApiException Forbidden(string groupResource, string group, string plural, string? name, string why) =>
        new(403, "Forbidden", string.IsNullOrEmpty(name) ? $"{groupResource} is forbidden: {why}" : $"{groupResource} \"{name}\" is forbidden: {why}", D(name, group, plural));

    public static ApiException Unauthorized() => new(401, "Unauthorized", "Unauthorized");
    public static ApiException BadRequest(string message) => new(400, "BadRequest", message);
    public static ApiException MethodNotSupported(ResourceType t, string verb) =>
        new(405, "MethodNotAllowed", $"{verb} is not supported on resources of kind \"{t.GroupResource}\"", D(null, t.Group, t.Plural));
    public static ApiException Gone(string message) => new(410, "Expired", message);
    public static ApiException Internal(string message) => new(500, "InternalError", $"Internal error occurred: {message}",
        new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = message }) });
    public static ApiException UnsupportedMediaType(string contentType, params string[] accepted) =>
        new(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: {string.Join(", ", accepted)}");
    public static ApiException NotFoundPath() => new(404, "NotFound", "the server could not find the requested resource", new JsonObject());
}
