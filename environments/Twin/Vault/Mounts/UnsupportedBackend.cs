using Conformance.Twin.Vault.Http;

namespace Conformance.Twin.Vault.Mounts;

/// <summary>Dev-mode mounts the twin keeps for the mount table's sake (cubbyhole/, identity/) but does not implement.</summary>
internal sealed class UnsupportedBackend(string type) : IBackend
{
    public Task<VaultResponse> HandleAsync(VaultRequest request, CancellationToken ct) =>
        throw new VaultException(501, $"the twin Vault does not implement the {type} backend (path {request.Path})");
}
