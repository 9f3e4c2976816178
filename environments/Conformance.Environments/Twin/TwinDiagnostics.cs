using System.Text.Json.Nodes;
using Conformance.Fixtures.Evidence;
using Conformance.Twin.Vault;

namespace Conformance.Environments.Twin;

/// <summary>
/// The twin's answer to <see cref="IWorldDiagnostics"/>: controller logs from the <see cref="TwinLogBook"/> and the audit
/// entries of the twin's Vault (its devices write the JSON shape of Vault's entry formatter, with a <c>time</c>).
/// </summary>
public sealed class TwinDiagnostics(TwinLogBook logs, TwinVault? vault) : IWorldDiagnostics
{
    public IReadOnlyList<string> Components { get; } = ["operator", "external-secrets", "vault-injector", "kubelet", "apiserver"];

    public Task<IReadOnlyList<DiagnosticLine>> LogsAsync(string component, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<DiagnosticLine>>(logs.Lines(component, from)
            .Where(l => l.Time <= to)
            .Select(l => new DiagnosticLine(l.Time, l.Text)).ToList());

    public Task<IReadOnlyList<string>> VaultAuditAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        if (vault is null)
            return Task.FromResult<IReadOnlyList<string>>([]);
        var lines = vault.AuditLines.Where(line =>
        {
            try
            {
                return JsonNode.Parse(line)?["time"] is { } t && DateTimeOffset.TryParse((string?)t, System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AssumeUniversal, out var time) && time >= from && time <= to;
            }
            catch (System.Text.Json.JsonException)
            {
                return false;
            }
        }).ToList();
        return Task.FromResult<IReadOnlyList<string>>(lines);
    }
}
