using Conformance.Environments.Plan;
using Conformance.Fixtures.Postgres;
using Conformance.Fixtures.Vault;
using Conformance.Runner;
using Conformance.Steps.Support;

namespace Conformance.Steps.Vault;

/// <summary>
/// US-13 from outside any pod: the harness logs in to Vault exactly as the job's ServiceAccount would (a TokenRequest
/// JWT through Kubernetes auth), then checks what that token may read in Vault and what the credentials it gets may do
/// in Postgres.
/// </summary>
[Binding]
public sealed class LeastPrivilegeSteps(ScenarioWorld world, VaultScenario vault)
{
    private VaultClient? _token;
    private VaultException? _refusal;
    private LeasedCredential? _credential;

    [When("ServiceAccount {string} logs in to Vault with Kubernetes auth role {string}")]
    public async Task WhenTheServiceAccountLogsIn(string serviceAccount, string authRole)
    {
        var jwt = await world.Kube.RequestServiceAccountTokenAsync(world.Namespace, serviceAccount, cancellationToken: world.Cancellation);
        try
        {
            var auth = await vault.Vault.KubernetesLoginAsync(vault.AuthRoleName(authRole), jwt, VaultConfiguration.KubernetesMount, world.Cancellation);
            _token = vault.Vault.WithToken(auth.ClientToken);
        }
        catch (VaultException e)
        {
            _refusal = e;
        }
    }

    [Then("the login is refused with {string}")]
    public void ThenTheLoginIsRefused(string expected)
    {
        if (_refusal is null)
        {
            throw new StepFailedException("expected Vault to refuse the login, but it issued a token");
        }

        if (!_refusal.IsPermissionDenied || !_refusal.Errors.Any(e => e.Contains(expected, StringComparison.Ordinal)))
        {
            throw new StepFailedException($"expected HTTP 403 with an error containing \"{expected}\", got {_refusal.Message}");
        }
    }

    /// <summary>
    /// Each row: a Vault path (<c>&lt;creds:alias&gt;</c> stands for the scenario role's creds path) and the answer
    /// expected for a read with the login's token: <c>allowed</c> or <c>permission denied</c>.
    /// </summary>
    [Then("with that token Vault answers these reads:")]
    public async Task ThenTheTokenReads(DataTable table)
    {
        var token = _token ?? throw new StepFailedException("no Vault token: the login failed" + (_refusal is null ? "" : $" ({_refusal.Message})"));
        var wrong = new List<string>();
        foreach (var row in table.Rows)
        {
            var path = Resolve(row["path"]);
            var expected = row["answer"];
            string actual;
            try
            {
                var response = await token.ReadAsync(path, world.Cancellation);
                actual = "allowed";
                if (response.LeaseId.Length > 0)
                {
                    _credential ??= new LeasedCredential(response.LeaseId, response.LeaseDuration, response.Renewable, Register(response, path));
                }
            }
            catch (VaultException e) when (e.IsPermissionDenied)
            {
                actual = "permission denied";
            }
            catch (VaultException e)
            {
                actual = $"HTTP {(int)e.Status}";
            }

            if (actual != expected)
            {
                wrong.Add($"{path}: expected {expected}, got {actual}");
            }
        }

        if (wrong.Count > 0)
        {
            throw new StepFailedException("the token's policy is not what the scenario expects:\n  " + string.Join("\n  ", wrong));
        }
    }

    /// <summary>
    /// Each row: what the dynamic credentials try in Postgres (a fixed set of statements against the scenario's schema)
    /// and <c>allowed</c> or <c>refused</c>.
    /// </summary>
    [Then("the credentials it read log in to Postgres and are answered:")]
    public async Task ThenTheCredentialsCan(DataTable table)
    {
        var credential = _credential ?? throw new StepFailedException("the token read no dynamic credentials (no row of the previous table was allowed creds)");
        var user = credential["username"];
        var password = credential["password"];
        var postgres = vault.Postgres;
        var login = await postgres.CanLoginAsync(user, password, world.Cancellation);
        if (!login.Succeeded)
        {
            throw new StepFailedException($"the dynamic credentials could not log in: {login}");
        }

        var wrong = new List<string>();
        foreach (var row in table.Rows)
        {
            var attempt = await postgres.CanExecuteAsync(user, password, Statement(row["statement"]), world.Cancellation);
            var actual = attempt.Succeeded ? "allowed" : attempt.SqlState == "42501" ? "refused" : attempt.ToString();
            if (actual != row["answer"])
            {
                wrong.Add($"{row["statement"]}: expected {row["answer"]}, got {actual}");
            }
        }

        if (wrong.Count > 0)
        {
            throw new StepFailedException("the database role grants more or less than the scenario expects:\n  " + string.Join("\n  ", wrong));
        }
    }

    private string Statement(string what)
    {
        var granted = $"\"{vault.Schema}\".\"{VaultScenario.GrantedTable}\"";
        var restricted = $"\"{vault.Schema}\".\"{VaultScenario.RestrictedTable}\"";
        return what switch
        {
            "SELECT from the granted table" => $"SELECT * FROM {granted} LIMIT 1",
            "SELECT from the restricted table" => $"SELECT * FROM {restricted} LIMIT 1",
            "INSERT into the granted table" => $"INSERT INTO {granted} VALUES (2, 'written')",
            "CREATE TABLE in the schema" => $"CREATE TABLE \"{vault.Schema}\".\"made_by_credentials\" (id int)",
            "CREATE ROLE" => "CREATE ROLE \"conformance_escalation_attempt\"",
            _ => throw new ArgumentException($"unknown statement \"{what}\"; known: SELECT from the granted table, SELECT from the restricted table, "
                + "INSERT into the granted table, CREATE TABLE in the schema, CREATE ROLE"),
        };
    }

    private string Resolve(string path) =>
        path.StartsWith("<creds:", StringComparison.Ordinal) && path.EndsWith('>')
            ? vault.CredsPath(path["<creds:".Length..^1])
            : path;

    private static Dictionary<string, string> Register(VaultResponse response, string path)
    {
        var data = response.Data?.Where(p => p.Value is System.Text.Json.Nodes.JsonValue).ToDictionary(p => p.Key, p => p.Value!.ToString()) ?? [];
        foreach (var (key, value) in data.Where(d => d.Value.Length > 0))
        {
            TestRun.Ledger.Register(value, $"vault {path} {key}", Fixtures.Secrets.SecretKind.DynamicCredential);
        }

        return data;
    }
}
