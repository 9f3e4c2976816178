using System.Text.Json.Nodes;

namespace Conformance.Twin.Kube.Storage;

/// <summary>A change to one object: ADDED, MODIFIED or DELETED, with the previous state for selector transitions.</summary>
public sealed record StoreEvent(string Type, JsonObject Object, JsonObject? Old, long ResourceVersion);
