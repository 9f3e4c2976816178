using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Schema;

namespace Conformance.Tests.Live.Schema;

/// <summary>
/// The twin API server's structural schema (prune, default, validate with the API server's error texts) behind
/// <see cref="ICustomResourceSchemaValidator"/>. A pruned field is reported as an error: the real API server would
/// drop it silently, which for a plan means a setting that never takes effect.
/// </summary>
public sealed class TwinStructuralSchemaValidator : ICustomResourceSchemaValidator
{
    public IReadOnlyList<string> Validate(JsonNode schema, JsonNode resource)
    {
        var outcome = StructuralSchema.Parse(schema).Process(resource.DeepClone());
        return outcome.PrunedFields.Select(f => $"{f}: unknown field (pruned by the API server)")
            .Concat(outcome.Errors.Select(e => e.ToString()))
            .ToList();
    }
}
