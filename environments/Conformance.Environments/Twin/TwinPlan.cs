using System.Text;

namespace Conformance.Environments.Twin;

/// <summary>What the twin would start, for `run-e2e.sh --env twin --plan`.</summary>
internal static class TwinPlan
{
    public static string Describe(TwinOptions options)
    {
        var plan = new StringBuilder();
        plan.AppendLine("# twin world (in-process; starts nothing outside this process except moto_server)");
        plan.AppendLine($"operatorProfile: {options.OperatorProfile}");
        plan.AppendLine($"faults: [{string.Join(", ", options.Faults)}]");
        plan.AppendLine("components:");
        plan.AppendLine("  - kubernetes API server: HTTPS on 127.0.0.1, random port, CA generated at start");
        plan.AppendLine("  - CRDs: operator NotebookValidationJob; ESO ExternalSecret, SecretStore, ClusterSecretStore, VaultDynamicSecret");
        plan.AppendLine("  - kubelet + scheduler: one node (twin-node), pod logs served to the API server");
        plan.AppendLine($"  - operator: NotebookValidationJob controller, profile {options.OperatorProfile}");
        plan.AppendLine("  - git server: smart HTTP for probe notebooks");
        plan.AppendLine($"  - vault: dev mode, KV v2 at secret/, database engine {(options.PostgresDsn is null ? "without Postgres" : "on CONFORMANCE_POSTGRES_DSN")}");
        plan.AppendLine("  - external-secrets: controller for the aws and vault providers");
        plan.AppendLine("  - vault injector: mutating webhook (failurePolicy Fail) and Vault Agent programs");
        plan.AppendLine("  - aws: moto_server child process (Secrets Manager, STS, IAM), when installed");
        return plan.ToString();
    }
}
