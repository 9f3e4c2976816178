using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Json;

namespace Conformance.Twin.Kube.Schema;

/// <summary>What <see cref="StructuralSchema.Process"/> did to an object: the fields it pruned and the errors it found.</summary>
public sealed record SchemaOutcome(IReadOnlyList<string> PrunedFields, IReadOnlyList<FieldError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// A CRD version's structural schema, usable on its own: prunes unknown fields, applies defaults and validates
/// exactly in the order and with the error texts of the API server (apiextensions-apiserver: pruning, structural
/// defaulting, then kube-openapi validation mapped to field errors in validation.ValidateCustomResource).
/// CEL rules (x-kubernetes-validations) are not evaluated.
/// </summary>
public sealed class StructuralSchema
{
    public SchemaNode Root { get; }

    public StructuralSchema(SchemaNode root) => Root = root;

    /// <summary>Parses an openAPIV3Schema object (JSON or YAML text already parsed).</summary>
    public static StructuralSchema Parse(JsonNode openApiV3Schema) => new(SchemaNode.Parse(openApiV3Schema));

    /// <summary>The schema of one version of a CustomResourceDefinition (apiextensions.k8s.io/v1).</summary>
    public static StructuralSchema FromCrd(JsonNode crd, string version)
    {
        var name = crd.Str("metadata", "name") ?? "<unnamed CRD>";
        var versions = crd.Arr("spec", "versions") ?? throw new FormatException($"CRD {name}: spec.versions is missing");
        var v = versions.FirstOrDefault(x => x.Str("name") == version)
                ?? throw new KeyNotFoundException($"CRD {name} has no version {version} (has: {string.Join(", ", versions.Select(x => x.Str("name")))})");
        var schema = v.Get("schema", "openAPIV3Schema") ?? crd.Get("spec", "validation", "openAPIV3Schema")
                     ?? throw new FormatException($"CRD {name} version {version} has no schema.openAPIV3Schema");
        return new StructuralSchema(SchemaNode.Parse(schema, $"CRD {name} {version} openAPIV3Schema"));
    }

    /// <summary>Prunes, defaults, then validates <paramref name="obj"/> in place, as the API server does on create and update.</summary>
    public SchemaOutcome Process(JsonNode obj, bool isResourceRoot = true)
    {
        var pruned = Prune(obj, isResourceRoot);
        ApplyDefaults(obj);
        return new SchemaOutcome(pruned, Validate(obj));
    }

    // ---------------------------------------------------------------- pruning

    /// <summary>Removes fields the schema does not specify (apiextensions pruning); returns their paths (<c>spec.foo</c>).</summary>
    public IReadOnlyList<string> Prune(JsonNode obj, bool isResourceRoot = true)
    {
        var pruned = new List<string>();
        PruneNode(obj, Root, "", isResourceRoot, pruned);
        return pruned;
    }

    static readonly HashSet<string> ObjectMetaFields =
    [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
    ];

    static void PruneNode(JsonNode? value, SchemaNode? s, string path, bool isResource, List<string> pruned)
    {
        switch (value)
        {
            case JsonObject o:
                foreach (var key in o.Select(kv => kv.Key).ToList())
                {
                    var child = Join(path, key);
                    if (isResource && key is "apiVersion" or "kind") continue;
                    if (isResource && key == "metadata")
                    {
                        // Root and embedded metadata is ObjectMeta: unknown metadata fields are dropped (apiextensions pruning keeps metadata)
                        if (o[key] is JsonObject md)
                            foreach (var mk in md.Select(kv => kv.Key).ToList())
                                if (!ObjectMetaFields.Contains(mk)) { md.Remove(mk); pruned.Add(Join(child, mk)); }
                        continue;
                    }
                    SchemaNode? cs = null;
                    if (s?.Properties is not null && s.Properties.TryGetValue(key, out var ps)) cs = ps;
                    else if (s?.AdditionalProperties is not null) cs = s.AdditionalProperties;
                    else if (s is null || s.PreserveUnknownFields || s.AdditionalPropertiesAllowed == true)
                    {
                        // preserved: descend with no schema only to honour nested preserve markers (none), keep as is
                        continue;
                    }
                    else { o.Remove(key); pruned.Add(child); continue; }
                    PruneNode(o[key], cs, child, cs.EmbeddedResource, pruned);
                }
                break;
            case JsonArray a:
                if (s?.Items is null) break;
                for (var i = 0; i < a.Count; i++) PruneNode(a[i], s.Items, $"{path}[{i}]", s.Items.EmbeddedResource, pruned);
                break;
        }
    }

    // ---------------------------------------------------------------- defaulting

    /// <summary>Applies schema defaults where a field is absent, or null and not nullable (structural defaulting).</summary>
    public void ApplyDefaults(JsonNode obj) => DefaultNode(obj, Root);

    static void DefaultNode(JsonNode? value, SchemaNode s)
    {
        switch (value)
        {
            case JsonObject o:
                if (s.Properties is not null)
                {
                    foreach (var (key, ps) in s.Properties)
                    {
                        if (!ps.HasDefault) continue;
                        var present = o.TryGetPropertyValue(key, out var cur);
                        if (!present || (cur is null && !ps.Nullable)) o[key] = ps.Default?.DeepClone();
                    }
                    foreach (var (key, ps) in s.Properties)
                        if (o.TryGetPropertyValue(key, out var cv) && cv is not null) DefaultNode(cv, ps);
                }
                if (s.AdditionalProperties is { } ap)
                    foreach (var kv in o.ToList()) if (kv.Value is not null) DefaultNode(kv.Value, ap);
                break;
            case JsonArray a when s.Items is not null:
                foreach (var item in a) if (item is not null) DefaultNode(item, s.Items);
                break;
        }
    }

    // ---------------------------------------------------------------- validation

    /// <summary>Validates against the schema; errors are in the API server's order and wording.</summary>
    public IReadOnlyList<FieldError> Validate(JsonNode? obj)
    {
        var errors = new List<FieldError>();
        ValidateNode(obj, Root, "", errors);
        return errors;
    }

    internal static void ValidateNode(JsonNode? v, SchemaNode s, string path, List<FieldError> errors)
    {
        var kind = v.Kind();
        var name = path.Length == 0 ? "." : path;
        if (kind == JsonKind.Null)
        {
            if (s.Nullable || (s.Type is null && !s.IntOrString)) return;
            errors.Add(FieldError.TypeInvalid(path, JsonValue.Create("null"), $"{name} in body must be of type {TypeName(s)}: \"null\""));
            return;
        }
        var actual = JsonTypeName(v!);
        if (s.IntOrString)
        {
            if (actual is not ("integer" or "string"))
            {
                errors.Add(FieldError.TypeInvalid(path, JsonValue.Create(actual), $"{name} in body must be of type integer,string: \"{actual}\""));
                return;
            }
        }
        else if (s.Type is not null && !TypeMatches(s.Type, actual))
        {
            errors.Add(FieldError.TypeInvalid(path, JsonValue.Create(actual), $"{name} in body must be of type {s.Type}: \"{actual}\""));
            return;
        }

        if (s.Enum is not null && !s.Enum.Any(e => JsonNode.DeepEquals(e, v)))
        {
            errors.Add(FieldError.NotSupported(path, v, s.Enum.Select(e => e is JsonValue ev && ev.TryGetValue<string>(out var es) ? es : e?.ToJsonString() ?? "null")));
        }

        switch (v)
        {
            case JsonValue jv when kind == JsonKind.String:
                ValidateString(jv.GetValue<string>(), jv, s, path, name, errors);
                break;
            case JsonValue jv when kind == JsonKind.Number:
                ValidateNumber(jv, s, path, name, errors);
                break;
            case JsonArray a:
                ValidateArray(a, s, path, name, errors);
                break;
            case JsonObject o:
                ValidateObject(o, s, path, name, errors);
                break;
        }
        ValidateCombinators(v, s, path, name, errors);
    }

    static void ValidateString(string str, JsonValue jv, SchemaNode s, string path, string name, List<FieldError> errors)
    {
        var len = new System.Globalization.StringInfo(str).LengthInTextElements;
        if (s.MaxLength is { } max && len > max)
            errors.Add(new FieldError(FieldErrorType.TooLong, path, jv, $"may not be more than {max} bytes"));
        if (s.MinLength is { } min && len < min)
            errors.Add(FieldError.Invalid(path, jv, $"{name} in body should be at least {min} chars long"));
        if (s.PatternRegex is { } re && !re.IsMatch(str))
            errors.Add(FieldError.Invalid(path, jv, $"{name} in body should match '{s.Pattern}'"));
        if (s.Format is { } fmt && !Formats.IsValid(fmt, str))
            errors.Add(FieldError.Invalid(path, jv, $"{name} in body must be of type {fmt}: {FieldError.Quote(str)}"));
    }

    static void ValidateNumber(JsonValue jv, SchemaNode s, string path, string name, List<FieldError> errors)
    {
        JsonUtil.TryNumber(jv, out var d);
        if (s.Minimum is { } min && (s.ExclusiveMinimum ? d <= min : d < min))
            errors.Add(FieldError.Invalid(path, jv, $"{name} in body should be greater than {(s.ExclusiveMinimum ? "" : "or equal to ")}{SchemaNode.FormatNumber(min)}"));
        if (s.Maximum is { } max && (s.ExclusiveMaximum ? d >= max : d > max))
            errors.Add(FieldError.Invalid(path, jv, $"{name} in body should be less than {(s.ExclusiveMaximum ? "" : "or equal to ")}{SchemaNode.FormatNumber(max)}"));
        if (s.MultipleOf is { } m && m != 0 && Math.Abs(d / m - Math.Round(d / m)) > 1e-9)
            errors.Add(FieldError.Invalid(path, jv, $"{name} in body should be a multiple of {SchemaNode.FormatNumber(m)}"));
    }

    static void ValidateArray(JsonArray a, SchemaNode s, string path, string name, List<FieldError> errors)
    {
        if (s.MaxItems is { } max && a.Count > max)
            errors.Add(new FieldError(FieldErrorType.TooMany, path, JsonValue.Create(a.Count), $"must have at most {max} items"));
        if (s.MinItems is { } min && a.Count < min)
            errors.Add(FieldError.Invalid(path, a, $"{name} in body should have at least {min} items"));
        if (s.UniqueItems || s.ListType == "set")
        {
            for (var i = 0; i < a.Count; i++)
                for (var j = 0; j < i; j++)
                    if (JsonNode.DeepEquals(a[i], a[j])) { errors.Add(FieldError.Duplicate($"{path}[{i}]", a[i])); break; }
        }
        else if (s.ListType == "map" && s.ListMapKeys.Count > 0)
        {
            var seen = new HashSet<string>();
            for (var i = 0; i < a.Count; i++)
            {
                var key = string.Join("\u0000", s.ListMapKeys.Select(k => a[i].Get(k)?.ToJsonString() ?? ""));
                if (!seen.Add(key))
                {
                    var kv = new JsonObject();
                    foreach (var k in s.ListMapKeys) kv[k] = a[i].Get(k)?.DeepClone();
                    errors.Add(FieldError.Duplicate($"{path}[{i}]", kv));
                }
            }
        }
        if (s.Items is not null)
            for (var i = 0; i < a.Count; i++) ValidateNode(a[i], s.Items, $"{path}[{i}]", errors);
    }

    static void ValidateObject(JsonObject o, SchemaNode s, string path, string name, List<FieldError> errors)
    {
        if (s.MaxProperties is { } max && o.Count > max)
            errors.Add(new FieldError(FieldErrorType.TooMany, path, JsonValue.Create(o.Count), $"must have at most {max} items"));
        if (s.MinProperties is { } min && o.Count < min)
            errors.Add(FieldError.Invalid(path, o, $"{name} in body should have at least {min} properties"));
        foreach (var req in s.Required)
            if (!o.ContainsKey(req)) errors.Add(FieldError.Required(Join(path, req)));
        foreach (var kv in o)
        {
            if (s.Properties is not null && s.Properties.TryGetValue(kv.Key, out var ps))
            {
                if (path.Length == 0 && kv.Key == "metadata") continue; // ObjectMeta is validated by the server itself
                ValidateNode(kv.Value, ps, Join(path, kv.Key), errors);
            }
            else if (s.AdditionalProperties is { } ap) ValidateNode(kv.Value, ap, Join(path, kv.Key), errors);
        }
    }

    static void ValidateCombinators(JsonNode? v, SchemaNode s, string path, string name, List<FieldError> errors)
    {
        if (s.AllOf is not null)
            foreach (var sub in s.AllOf) ValidateNode(v, Merge(sub, s), path, errors);
        if (s.AnyOf is not null && !s.AnyOf.Any(sub => Passes(v, Merge(sub, s), path)))
            errors.Add(FieldError.Invalid(path, v, $"{name} in body must validate at least one schema (anyOf)"));
        if (s.OneOf is not null && s.OneOf.Count(sub => Passes(v, Merge(sub, s), path)) != 1)
            errors.Add(FieldError.Invalid(path, v, $"{name} in body must validate one and only one schema (oneOf)"));
        if (s.Not is not null && Passes(v, s.Not, path))
            errors.Add(FieldError.Invalid(path, v, $"{name} in body must not validate the schema (not)"));
    }

    // Value validations in allOf/anyOf/oneOf may omit the type, which the structural parent then supplies.
    static SchemaNode Merge(SchemaNode sub, SchemaNode parent) =>
        sub.Type is null && !sub.IntOrString && parent.Type is not null
            ? new SchemaNode
            {
                Type = parent.Type, Properties = sub.Properties, Items = sub.Items, AdditionalProperties = sub.AdditionalProperties,
                Required = sub.Required, Enum = sub.Enum, Pattern = sub.Pattern, Format = sub.Format, Minimum = sub.Minimum,
                Maximum = sub.Maximum, ExclusiveMinimum = sub.ExclusiveMinimum, ExclusiveMaximum = sub.ExclusiveMaximum,
                MultipleOf = sub.MultipleOf, MinLength = sub.MinLength, MaxLength = sub.MaxLength, MinItems = sub.MinItems,
                MaxItems = sub.MaxItems, MinProperties = sub.MinProperties, MaxProperties = sub.MaxProperties, UniqueItems = sub.UniqueItems,
                Nullable = true, AllOf = sub.AllOf, AnyOf = sub.AnyOf, OneOf = sub.OneOf, Not = sub.Not,
            }
            : sub;

    static bool Passes(JsonNode? v, SchemaNode s, string path)
    {
        var errs = new List<FieldError>();
        ValidateNode(v, s, path, errs);
        return errs.Count == 0;
    }

    static bool TypeMatches(string type, string actual) => type switch
    {
        "number" => actual is "number" or "integer",
        _ => type == actual,
    };

    static string TypeName(SchemaNode s) => s.IntOrString ? "integer,string" : s.Type ?? "object";

    /// <summary>The JSON type of a value as kube-openapi names it (integral numbers are "integer").</summary>
    public static string JsonTypeName(JsonNode v) => v.Kind() switch
    {
        JsonKind.Object => "object",
        JsonKind.Array => "array",
        JsonKind.String => "string",
        JsonKind.Boolean => "boolean",
        JsonKind.Number => JsonUtil.NumberIsIntegral((JsonValue)v) ? "integer" : "number",
        _ => "null",
    };

    static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";
}
