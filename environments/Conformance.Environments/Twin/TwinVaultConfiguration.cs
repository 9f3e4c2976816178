using System.Text;
using Conformance.Environments.Plan;
using Npgsql;

namespace Conformance.Environments.Twin;

/// <summary>
/// Gives the twin's Vault the same configuration a live world gets (<see cref="VaultConfiguration"/>): the audit
/// device, KV, the database engine against the world's Postgres, Kubernetes auth against the twin's API server with
/// the reviewer service account, and the policies. Scenarios then bind their own roles, on either world alike.
/// </summary>
internal static class TwinVaultConfiguration
{
    public static async Task ApplyAsync(
        string kubeconfig, string caPem, Uri apiServer, Uri vault, string rootToken, string? postgresDsn, string auditLogPath,
        Action<string> log, CancellationToken cancellationToken)
    {
        using var kube = KubeApi.FromKubeconfig(kubeconfig, null);
        var postgres = postgresDsn is null ? null : new NpgsqlConnectionStringBuilder(postgresDsn);
        var inputs = new PlanInputs(
            new Dictionary<string, string>(),
            new Sensitive("vault root token", rootToken),
            new Sensitive("postgres password", postgres?.Password ?? ""),
            Sensitive.Placeholder("reviewer JWT: read after the infra manifests"),
            Sensitive.Placeholder("AWS keys are not part of Vault's configuration"),
            Sensitive.Placeholder("AWS keys are not part of Vault's configuration"),
            caPem,
            "twin")
        {
            KubernetesHost = apiServer.ToString().TrimEnd('/'),
            PostgresHostPort = postgres is null ? "" : $"{postgres.Host}:{postgres.Port}",
            PostgresDatabase = postgres?.Database ?? "postgres",
            PostgresUser = postgres?.Username ?? "",
            AuditLogPath = auditLogPath,
            VaultInCluster = vault,
        };

        // The reviewer identity Vault uses for TokenReview, exactly as the live world creates it.
        foreach (var manifest in WorldPlanner.InfraManifests(inputs, includeBridges: false))
        {
            await kube.ApplyAsync(manifest, cancellationToken);
        }

        await new KubeWaiter(kube, TimeProvider.System).WaitAsync(
            new SecretHasKey(Infra.Namespace, Infra.ReviewerSecret, "token"), TimeSpan.FromSeconds(20), cancellationToken);
        var secret = await kube.GetAsync(ResourceKinds.PathFor("v1", "Secret", Infra.Namespace, Infra.ReviewerSecret), cancellationToken);
        var jwt = Encoding.UTF8.GetString(Convert.FromBase64String((string)secret!["data"]!["token"]!));

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var executor = new HttpVaultCallExecutor(http, vault, new Sensitive("vault root token", rootToken));
        var calls = VaultConfiguration.Calls(inputs with { ReviewerJwt = new Sensitive("reviewer JWT", jwt) })
            .Where(call => postgres is not null || !VaultConfiguration.IsDatabaseCall(call));
        foreach (var call in calls)
        {
            log($"{call.Method} /v1/{call.Path}: {call.Purpose}");
            await executor.ExecuteAsync(call, cancellationToken);
        }
    }
}
