using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Conformance.Tests.Live.Schema;

/// <summary>
/// A strict reading of a structural schema: types, required, enum, pattern, min/max length, int-or-string, nullable,
/// items, additionalProperties, preserve-unknown-fields. Unlike the API server, which prunes unknown fields silently,
/// an unknown field is an error here: a typo in a plan must fail its test.
/// </summary>
public sealed class StrictSchemaValidator : ICustomResourceSchemaValidator
{
    public IReadOnlyList<string> Validate(JsonNode schema, JsonNode resource)
    {
        var errors = new List<string>();
        Check(schema, resource, "", errors, root: true);
        return errors;
    }

    private static void Check(JsonNode schema, JsonNode? value, string path, List<string> errors, bool root = false)
    {
        var at = path.Length == 0 ? "<root>" : path;
        if (value is null)
        {
            if ((bool?)schema["nullable"] != true) errors.Add($"{at}: null is not allowed");
            return;
        }

        if ((bool?)schema["x-kubernetes-int-or-string"] == true)
        {
            if (!IsInteger(value) && Kind(value) != JsonValueKind.String) errors.Add($"{at}: must be an integer or a string");
            return;
        }

        var type = (string?)schema["type"];
        switch (type)
        {
            case "object":
                if (value is not JsonObject obj)
                {
                    errors.Add($"{at}: must be an object");
                    return;
                }

                var properties = schema["properties"]?.AsObject();
                foreach (var required in schema["required"]?.AsArray().Select(r => (string)r!) ?? [])
                {
                    if (!obj.ContainsKey(required)) errors.Add($"{at}: required field '{required}' is missing");
                }

                foreach (var (key, child) in obj)
                {
                    var childPath = path.Length == 0 ? key : $"{path}.{key}";
                    // The API server validates apiVersion, kind and metadata itself (ObjectMeta), not with the CRD schema.
                    if (root && key is "apiVersion" or "kind" or "metadata") continue;
                    if (properties?[key] is { } childSchema) Check(childSchema, child, childPath, errors);
                    else if (schema["additionalProperties"] is JsonObject additional) Check(additional, child, childPath, errors);
                    else if ((bool?)schema["x-kubernetes-preserve-unknown-fields"] == true) { }
                    else errors.Add($"{childPath}: unknown field (the schema at {at} does not declare it)");
                }

                return;
            case "array":
                if (value is not JsonArray array)
                {
                    errors.Add($"{at}: must be an array");
                    return;
                }

                if (schema["items"] is { } items)
                {
                    for (var i = 0; i < array.Count; i++) Check(items, array[i], $"{path}[{i}]", errors);
                }

                return;
            case "string":
                if (Kind(value) != JsonValueKind.String)
                {
                    errors.Add($"{at}: must be a string");
                    return;
                }

                var text = (string)value!;
                if (schema["enum"] is JsonArray allowed && allowed.All(a => (string?)a != text))
                    errors.Add($"{at}: '{text}' is not one of [{string.Join(", ", allowed)}]");
                if ((string?)schema["pattern"] is { } pattern && !Regex.IsMatch(text, pattern))
                    errors.Add($"{at}: '{text}' does not match {pattern}");
                if ((int?)schema["maxLength"] is { } max && text.Length > max) errors.Add($"{at}: longer than {max}");
                if ((int?)schema["minLength"] is { } min && text.Length < min) errors.Add($"{at}: shorter than {min}");
                return;
            case "integer":
                if (!IsInteger(value)) errors.Add($"{at}: must be an integer");
                return;
            case "number":
                if (Kind(value) != JsonValueKind.Number) errors.Add($"{at}: must be a number");
                return;
            case "boolean":
                if (Kind(value) is not (JsonValueKind.True or JsonValueKind.False)) errors.Add($"{at}: must be a boolean");
                return;
            case null:
                return; // untyped (preserve-unknown-fields or anyOf): accept
        }
    }

    private static JsonValueKind Kind(JsonNode node) => node.GetValueKind();

    private static bool IsInteger(JsonNode node) =>
        Kind(node) == JsonValueKind.Number && decimal.TryParse(node.ToJsonString(), out var d) && decimal.Truncate(d) == d;
}
