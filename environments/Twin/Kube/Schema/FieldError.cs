using System.Globalization;
using System.Text.Json.Nodes;

namespace Conformance.Twin.Kube.Schema;

/// <summary>The kinds of field error the API server reports (k8s.io/apimachinery/pkg/util/validation/field).</summary>
public enum FieldErrorType { Required, NotSupported, Invalid, TypeInvalid, TooLong, TooMany, Duplicate, Forbidden, NotFound }

/// <summary>
/// One field error, rendered as the API server renders it: <c>spec.foo: Required value</c>,
/// <c>spec.x: Unsupported value: "y": supported values: "a", "b"</c>, <c>spec.t: Invalid value: "integer": ...</c>.
/// </summary>
public sealed record FieldError(FieldErrorType Type, string Field, JsonNode? BadValue, string Detail, bool HasValue = true)
{
    public static FieldError Required(string field, string detail = "") => new(FieldErrorType.Required, field, null, detail, false);
    public static FieldError Invalid(string field, JsonNode? value, string detail) => new(FieldErrorType.Invalid, field, value?.DeepClone(), detail);
    public static FieldError TypeInvalid(string field, JsonNode? value, string detail) => new(FieldErrorType.TypeInvalid, field, value?.DeepClone(), detail);
    public static FieldError Forbidden(string field, string detail) => new(FieldErrorType.Forbidden, field, null, detail, false);
    public static FieldError Duplicate(string field, JsonNode? value) => new(FieldErrorType.Duplicate, field, value?.DeepClone(), "");
    public static FieldError NotSupported(string field, JsonNode? value, IEnumerable<string> supported) =>
        new(FieldErrorType.NotSupported, field, value?.DeepClone(), "supported values: " + string.Join(", ", supported.Select(Quote)));

    /// <summary>The type's text as in field.ErrorType.String().</summary>
    public string TypeText => Type switch
    {
        FieldErrorType.Required => "Required value",
        FieldErrorType.NotSupported => "Unsupported value",
        FieldErrorType.Invalid or FieldErrorType.TypeInvalid => "Invalid value",
        FieldErrorType.TooLong => "Too long",
        FieldErrorType.TooMany => "Too many",
        FieldErrorType.Duplicate => "Duplicate value",
        FieldErrorType.Forbidden => "Forbidden",
        FieldErrorType.NotFound => "Not found",
        _ => "Invalid value",
    };

    /// <summary>The cause reason in a Status's details (metav1.CauseType).</summary>
    public string CauseReason => Type switch
    {
        FieldErrorType.Required => "FieldValueRequired",
        FieldErrorType.NotSupported => "FieldValueNotSupported",
        FieldErrorType.TypeInvalid => "FieldValueTypeInvalid",
        FieldErrorType.TooLong => "FieldValueTooLong",
        FieldErrorType.TooMany => "FieldValueTooMany",
        FieldErrorType.Duplicate => "FieldValueDuplicate",
        FieldErrorType.Forbidden => "FieldValueForbidden",
        FieldErrorType.NotFound => "FieldValueNotFound",
        _ => "FieldValueInvalid",
    };

    /// <summary>The body after the field path (field.Error.ErrorBody()).</summary>
    public string Body
    {
        get
        {
            string s;
            if (!HasValue || Type is FieldErrorType.Required or FieldErrorType.Forbidden or FieldErrorType.TooLong) s = TypeText;
            else s = $"{TypeText}: {RenderValue(BadValue)}";
            return Detail.Length > 0 ? $"{s}: {Detail}" : s;
        }
    }

    public override string ToString() => $"{Field}: {Body}";

    /// <summary>Renders a value as Go's %v / %q would for the simple types the API server prints.</summary>
    public static string RenderValue(JsonNode? v) => v switch
    {
        null => "\"null\"",
        JsonValue jv when jv.GetValueKind() == System.Text.Json.JsonValueKind.String => Quote(jv.GetValue<string>()),
        JsonValue jv when jv.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False => jv.ToJsonString(),
        JsonValue jv when Json.JsonUtil.TryNumber(jv, out var d) => d.ToString(CultureInfo.InvariantCulture),
        _ => v.ToJsonString(),
    };

    /// <summary>Go's strconv.Quote for the printable ASCII-and-Unicode strings we meet.</summary>
    public static string Quote(string s)
    {
        var sb = new System.Text.StringBuilder("\"");
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20) sb.Append($"\\x{(int)c:x2}"); else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
