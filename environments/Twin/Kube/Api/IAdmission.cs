using System.Text.Json.Nodes;
using Conformance.Twin.Kube.Storage;

namespace Conformance.Twin.Kube.Api;

/// <summary>One admission request: operation CREATE/UPDATE/DELETE on a resource (and subresource) with the old object.</summary>
public sealed record AdmissionAttributes(string Operation, ResourceType Type, string Version, string Subresource, string Namespace,
    string Name, JsonObject? Object, JsonObject? OldObject, RequestContext Context);

/// <summary>The admission chain: mutation then validation, as kube-apiserver runs its plugins.</summary>
public interface IAdmission
{
    Task<JsonObject?> MutateAsync(AdmissionAttributes a, CancellationToken ct);
    Task ValidateAsync(AdmissionAttributes a, CancellationToken ct);
}
