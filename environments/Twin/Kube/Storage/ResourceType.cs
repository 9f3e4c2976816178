using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Schema;

namespace Conformance.Twin.Kube.Storage;

/// <summary>One REST resource the server serves (a row of the built-in table, or a CRD's names).</summary>
public sealed class ResourceType
{
    public required string Group { get; init; }
    /// <summary>Versions served, preferred (storage) first.</summary>
    public required IReadOnlyList<string> Versions { get; init; }
    public required string Plural { get; init; }
    public required string Singular { get; init; }
    public required string Kind { get; init; }
    public required bool Namespaced { get; init; }
    public IReadOnlyList<string> ShortNames { get; init; } = [];
    public IReadOnlyList<string> Categories { get; init; } = [];
    /// <summary>Subresources: status, log, binding, token, finalize, scale.</summary>
    public IReadOnlySet<string> Subresources { get; init; } = new HashSet<string>();
    /// <summary>Create-only reviews (TokenReview, SubjectAccessReview...): answered, never stored.</summary>
    public bool Virtual { get; init; }
    public bool IsCustom { get; init; }
    /// <summary>Schemas per version for custom resources.</summary>
    public IReadOnlyDictionary<string, StructuralSchema> Schemas { get; init; } = new Dictionary<string, StructuralSchema>();
    /// <summary>The CRD's additionalPrinterColumns per version.</summary>
    public IReadOnlyDictionary<string, JsonArray> PrinterColumns { get; init; } = new Dictionary<string, JsonArray>();
    /// <summary>Extra field selector labels beyond metadata.name/namespace.</summary>
    public IReadOnlyList<string> FieldLabels { get; init; } = [];

    public string ListKind => Kind + "List";
    public string StorageVersion => Versions[0];
    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
    public string ApiVersion(string version) => Group.Length == 0 ? version : $"{Group}/{version}";
    public bool HasStatus => Subresources.Contains("status");

    public IReadOnlyList<string> Verbs => Virtual
        ? ["create"]
        : ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public override string ToString() => GroupResource;
}
