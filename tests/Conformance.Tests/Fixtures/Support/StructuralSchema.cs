using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Conformance.Tests.Fixtures.Support;

/// <summary>
/// A small checker for a CRD's structural openAPIV3Schema (types, required, enum, pattern, unknown fields), enough
/// to tell whether an object we build would be accepted (and not pruned) by the API server.
/// </summary>
internal static class StructuralSchema
{
    public static IReadOnlyList<string> Validate(JsonNode? value, JsonObject schema, string path = "")
    {
        var errors = new List<string>();
        Check(value, schema, path, errors);
        return errors;
    }

    private static void Check(JsonNode? value, JsonObject schema, string path, List<string> errors)
    {
        if (value is null)
        {
            if (!((bool?)schema["nullable"] ?? false))
                errors.Add($"{path}: null is not allowed");
            return;
        }
        var type = (string?)schema["type"];
        switch (type)
        {
            case "object":
                if (value is not JsonObject obj)
                {
                    errors.Add($"{path}: expected an object");
                    return;
                }
                var properties = schema["properties"] as JsonObject;
                foreach (var (key, child) in obj)
                {
                    if (properties?[key] is JsonObject childSchema)
                        Check(child, childSchema, $"{path}.{key}", errors);
                    else if (schema["additionalProperties"] is JsonObject extra)
                        Check(child, extra, $"{path}.{key}", errors);
                    else if (!((bool?)schema["x-kubernetes-preserve-unknown-fields"] ?? false))
                        errors.Add($"{path}.{key}: unknown field (would be pruned or rejected)");
                }
                foreach (var required in schema["required"] as JsonArray ?? [])
                    if (!obj.ContainsKey((string)required!))
                        errors.Add($"{path}.{(string)required!}: required");
                break;
            case "array":
                if (value is not JsonArray array)
                {
                    errors.Add($"{path}: expected an array");
                    return;
                }
                for (var i = 0; i < array.Count; i++)
                    if (schema["items"] is JsonObject itemSchema)
                        Check(array[i], itemSchema, $"{path}[{i}]", errors);
                break;
            case "string":
                if (value.GetValueKind() != JsonValueKind.String)
                {
                    errors.Add($"{path}: expected a string");
                    return;
                }
                var s = (string)value!;
                if (schema["enum"] is JsonArray e && !e.Any(x => (string?)x == s))
                    errors.Add($"{path}: '{s}' is not one of [{string.Join(", ", e)}]");
                if (schema["pattern"] is JsonValue p && !Regex.IsMatch(s, (string)p!))
                    errors.Add($"{path}: '{s}' does not match {(string)p!}");
                break;
            case "integer" or "number":
                if (value.GetValueKind() != JsonValueKind.Number)
                    errors.Add($"{path}: expected a number");
                break;
            case "boolean":
                if (value.GetValueKind() is not (JsonValueKind.True or JsonValueKind.False))
                    errors.Add($"{path}: expected a boolean");
                break;
        }
    }
}
