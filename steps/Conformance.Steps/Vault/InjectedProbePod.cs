using System.Text.Json.Nodes;
using Conformance.Fixtures.Worlds;

namespace Conformance.Steps.Vault;

/// <summary>
/// The validation pod the operator would build for a probe notebook (reference/operator.md §2.2: a bare pod, a
/// <c>git-clone</c> init container cloning into /workspace/repo, a <c>validator</c> container running papermill), made by
/// the harness because only then can it carry pod annotations: podConfig has no field for them and v1.0.8 copies none
/// from the NotebookValidationJob (operator.md §1.1), while the injector reads the pod's annotations only
/// (reference/vault.md §1.1).
/// </summary>
public static class InjectedProbePod
{
    public const string GitInitImage = "quay.io/takinosh/git-init-rhel9:latest";
    public const string NotebookPath = "probe.ipynb";

    /// <summary>The pod object; the service account token is mounted as usual (the injector needs that mount, vault.md §1.1).</summary>
    public static JsonObject Build(
        string name, string serviceAccount, NotebookRepository repository, string image, IReadOnlyDictionary<string, string> annotations)
    {
        var clone = $"set -e\ngit clone --depth 1 --branch {repository.Ref} {repository.CloneUrl} /workspace/repo\n"
            + $"test -f /workspace/repo/{NotebookPath}\n";
        var papermill = "set -e\n"
            + $"python -m papermill /workspace/repo/{NotebookPath} /workspace/output.ipynb --log-output --progress-bar --report-mode\n";
        var workspace = new JsonObject { ["name"] = "workspace", ["mountPath"] = "/workspace" };
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["labels"] = new JsonObject { ["app.kubernetes.io/component"] = "tier3-probe" },
                ["annotations"] = new JsonObject(annotations.Select(a => KeyValuePair.Create(a.Key, (JsonNode?)a.Value))),
            },
            ["spec"] = new JsonObject
            {
                ["serviceAccountName"] = serviceAccount,
                ["restartPolicy"] = "Never",
                // Long enough for the agent's preStop (agent-revoke-grace, then the revoke; vault.md §2.5).
                ["terminationGracePeriodSeconds"] = 30,
                ["volumes"] = new JsonArray(new JsonObject { ["name"] = "workspace", ["emptyDir"] = new JsonObject() }),
                ["initContainers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "git-clone",
                    ["image"] = GitInitImage,
                    ["command"] = new JsonArray("/bin/bash", "-c", clone),
                    ["env"] = new JsonArray(new JsonObject { ["name"] = "HOME", ["value"] = "/tmp" }),
                    ["volumeMounts"] = new JsonArray(workspace.DeepClone()),
                }),
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "validator",
                    ["image"] = image,
                    ["command"] = new JsonArray("/bin/bash", "-c", papermill),
                    ["env"] = new JsonArray(new JsonObject { ["name"] = "HOME", ["value"] = "/workspace" }),
                    ["volumeMounts"] = new JsonArray(workspace.DeepClone()),
                }),
            },
        };
    }

    /// <summary>
    /// ADR-017's annotations (§Pattern: Dynamic Database Credentials, step 2) for one secret, with its export template;
    /// the host, port and database lines point at this world's Postgres instead of postgres.example.com.
    /// </summary>
    public static Dictionary<string, string> Adr017Annotations(
        string vaultRole, string secretName, string credsPath, PostgresEndpoint postgres) => new(StringComparer.Ordinal)
    {
        ["vault.hashicorp.com/agent-inject"] = "true",
        ["vault.hashicorp.com/role"] = vaultRole,
        [$"vault.hashicorp.com/agent-inject-secret-{secretName}"] = credsPath,
        [$"vault.hashicorp.com/agent-inject-template-{secretName}"] = ExportTemplate(credsPath, postgres),
    };

    /// <summary>ADR-017's template: <c>export</c> lines a shell (or the notebook) sources.</summary>
    public static string ExportTemplate(string credsPath, PostgresEndpoint postgres) =>
        $"{{{{- with secret \"{credsPath}\" -}}}}\n"
        + "export DB_USERNAME=\"{{ .Data.username }}\"\n"
        + "export DB_PASSWORD=\"{{ .Data.password }}\"\n"
        + $"export DB_HOST=\"{postgres.InClusterHost}\"\n"
        + $"export DB_PORT=\"{postgres.InClusterPort}\"\n"
        + $"export DB_NAME=\"{postgres.Database}\"\n"
        + "{{- end }}\n";

    /// <summary>
    /// ADR-017's annotations for §Pattern: Dynamic AWS Credentials, step 2, with its template verbatim (including
    /// <c>.Data.security_token</c>, the field name ADR-017 uses), on the pod instead of the ServiceAccount.
    /// </summary>
    public static Dictionary<string, string> Adr017AwsAnnotations(string vaultRole, string secretName, string credsPath, string region) =>
        new(StringComparer.Ordinal)
        {
            ["vault.hashicorp.com/agent-inject"] = "true",
            ["vault.hashicorp.com/role"] = vaultRole,
            [$"vault.hashicorp.com/agent-inject-secret-{secretName}"] = credsPath,
            [$"vault.hashicorp.com/agent-inject-template-{secretName}"] =
                $"{{{{- with secret \"{credsPath}\" -}}}}\n"
                + "export AWS_ACCESS_KEY_ID=\"{{ .Data.access_key }}\"\n"
                + "export AWS_SECRET_ACCESS_KEY=\"{{ .Data.secret_key }}\"\n"
                + "export AWS_SESSION_TOKEN=\"{{ .Data.security_token }}\"\n"
                + $"export AWS_REGION=\"{region}\"\n"
                + "{{- end }}\n",
        };
}
