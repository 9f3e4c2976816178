using Conformance.Fixtures.Probe;
using Conformance.Runner;
using Conformance.Steps.Support;

namespace Conformance.Steps.Vault;

/// <summary>
/// What a Tier 3 scenario stands on: its Postgres schema, its Vault database roles (short TTLs), its ServiceAccounts
/// and the Kubernetes auth roles and policies that bind them to exactly one role's credentials.
/// </summary>
[Binding]
public sealed class VaultSetupSteps(ScenarioWorld world, VaultScenario vault)
{
    [Given("a Postgres schema for the scenario with a table its database roles may read and one they may not")]
    public Task GivenASchema() => vault.CreateSchemaAsync();

    [Given("a Vault database role {string} with default_ttl {int}s and max_ttl {int}s")]
    public Task GivenADatabaseRole(string alias, int defaultTtl, int maxTtl) =>
        vault.CreateDatabaseRoleAsync(alias, TimeSpan.FromSeconds(defaultTtl), TimeSpan.FromSeconds(maxTtl));

    [Given("a ServiceAccount {string} in the scenario's namespace")]
    public Task GivenAServiceAccount(string name) =>
        world.Kube.CreateServiceAccountAsync(world.Namespace, name, cancellationToken: world.Cancellation);

    [Given("a Vault Kubernetes auth role {string} for ServiceAccount {string} that may read the credentials of database role {string}")]
    public Task GivenAnAuthRole(string alias, string serviceAccount, string databaseRole) =>
        vault.CreateAuthRoleAsync(alias, serviceAccount, [vault.CredsPath(databaseRole)]);

    /// <summary>ADR-017 §Pattern step 2, verbatim in placement: the injector annotations on the ServiceAccount.</summary>
    [Given("a ServiceAccount {string} annotated as ADR-017 writes it for Vault role {string} and secret {string} from database role {string}")]
    public Task GivenAnAnnotatedServiceAccount(string name, string authRole, string secret, string databaseRole) =>
        world.Kube.CreateServiceAccountAsync(world.Namespace, name,
            InjectedProbePod.Adr017Annotations(vault.AuthRoleName(authRole), secret, vault.CredsPath(databaseRole), Postgres()),
            world.Cancellation);

    [Given("the notebook job runs as ServiceAccount {string}")]
    public void GivenTheJobRunsAs(string serviceAccount) => world.Job.Tweak(j => j.WithServiceAccount(serviceAccount));

    [Given("the notebook job reads the export file {string} and logs in to Postgres with DB_USERNAME and DB_PASSWORD from it")]
    public void GivenTheJobReadsExports(string path) => world.Job.TweakProbe(s => s
        .WithFile(path).WithExportFile(path)
        .WithPostgres(vault.PostgresCheck(CredentialSource.FromExport(path, "DB_USERNAME"), CredentialSource.FromExport(path, "DB_PASSWORD"), "granted")));

    [Given("the notebook job logs in to Postgres with env {string} and {string} and reads the granted table")]
    public void GivenTheJobLogsInWithEnv(string userEnv, string passwordEnv) => world.Job.TweakProbe(s => s
        .WithPostgres(vault.PostgresCheck(CredentialSource.FromEnv(userEnv), CredentialSource.FromEnv(passwordEnv), "granted")));

    private Fixtures.Worlds.PostgresEndpoint Postgres() =>
        world.World.Postgres ?? throw new StepFailedException("this world has no Postgres (tag the scenario @needs:vault-database)");
}
