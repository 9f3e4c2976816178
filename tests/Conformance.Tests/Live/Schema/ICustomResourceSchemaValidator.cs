using System.Text.Json.Nodes;

namespace Conformance.Tests.Live.Schema;

/// <summary>
/// Validates a custom resource against one version's <c>openAPIV3Schema</c> of its CRD. The twin's structural-schema
/// validator (branch twin-kube, Conformance.Twin.Kube) is meant to sit behind this interface once it is in main;
/// until then <see cref="StrictSchemaValidator"/> stands in.
/// </summary>
public interface ICustomResourceSchemaValidator
{
    IReadOnlyList<string> Validate(JsonNode schema, JsonNode resource);
}
