using System.Text.Json.Nodes;
using Conformance.Twin.Vault.Mounts;
using Conformance.Twin.Vault.Tokens;

namespace Conformance.Twin.Vault.Http;

/// <summary>Vault logical.Operation.</summary>
public enum VaultOperation { Read, Create, Update, Delete, List }

/// <summary>One request after routing: the operation, the mount it reached and the authenticated token.</summary>
internal sealed class VaultRequest
{
    public required string Id { get; init; }
    public required string Path { get; set; }
    public required VaultOperation Operation { get; set; }
    public required JsonObject Data { get; init; }
    public required IReadOnlyDictionary<string, string> Query { get; init; }
    public string? ClientToken { get; set; }
    public TokenEntry? Token { get; set; }
    public MountEntry? Mount { get; set; }
    /// <summary>The path below the mount (e.g. "creds/readonly" for "database/creds/readonly").</summary>
    public string RelativePath { get; set; } = "";
    public string RemoteAddress { get; init; } = "127.0.0.1";
    public int RemotePort { get; init; }
    public string OperationName => Operation.ToString().ToLowerInvariant();
}
