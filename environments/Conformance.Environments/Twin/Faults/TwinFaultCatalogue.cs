using System.Text;
using Conformance.Environments.Twin.Aws;
using Conformance.Twin.Eso;
using Conformance.Twin.Injector;
using Conformance.Twin.Kube;
using Conformance.Twin.Vault;
using Conformance.Twin.Workloads.Kubelet;
using Conformance.Twin.Workloads.Operator;

namespace Conformance.Environments.Twin.Faults;

/// <summary>
/// Every named fault of the twin, in one place: the CLI validates and lists names from here, `docs/faults.md` is
/// generated from it, and the sensitivity run iterates it. The names are the components' own constants, so a fault
/// cannot be listed here without a component that implements it (a test checks the reverse).
/// </summary>
public static class TwinFaultCatalogue
{
    public static IReadOnlyList<TwinFault> All { get; } =
    [
        new(OperatorFaults.DropsEnv, "operator",
            "podConfig.env does not reach the validator container",
            "reference/operator.md §2.2: v1.0.8's env handling already replaces Containers[0].Env with the user list; this drops the user list too",
            "a scenario that checks an env secretKeyRef value in the notebook"),
        new(OperatorFaults.DropsEnvFrom, "operator",
            "podConfig.envFrom does not reach the validator container",
            "reference/operator.md §2.2 (envFrom: explicit entries, in order); no upstream issue",
            "a scenario that checks an envFrom value in the notebook"),
        new(OperatorFaults.IgnoresCredentials, "operator",
            "podConfig.credentials is ignored (no secretRef is added for it)",
            "reference/operator.md §2.7: docs/WEBHOOK_CONFIGURATION.md says credentials need the webhook, and OperatorHub builds ship ENABLE_WEBHOOKS=false (§5, community-operators#7151)",
            "a scenario that checks a credentials value in the notebook"),
        new(OperatorFaults.SucceedsFailingNotebook, "operator",
            "a notebook whose cell fails (validator exit 1) ends the job Succeeded",
            "reference/operator.md §2.4 and §2.7: v1.0.8 marks a job Succeeded when it cannot read or parse the results, and golden comparisons end Succeeded with \"failed to parse results\"",
            "a scenario with a failing notebook cell that expects the job to fail"),
        new(OperatorFaults.RetriesForever, "operator",
            "the retry budget (MaxRetries = 3) is never reached: a failing pod is recreated forever and the job never ends",
            "reference/operator.md §2.5-2.6: a missing Secret volume already leaves a job in ValidationRunning forever, and spec.timeout is not enforced",
            "a missing Secret or key scenario that expects Failed within the retry budget"),
        new(OperatorFaults.CopiesSecretIntoMessage, "operator",
            "the terminal status.message quotes a value of a Secret the job references",
            "reference/operator.md §2.5 (MSG(n) copies validator log lines into status.message and the Event) and §2.3 (the operator reads Secrets itself)",
            "a @security scenario that scans the job's status and events"),
        new(OperatorFaults.LogsSecretValue, "operator",
            "the controller logs a value of a Secret the job references when it creates the pod",
            "reference/operator.md §2.3: the operator reads the git credentials Secret through its own client and puts the token into the pod spec; this puts a value into its log",
            "a @security scenario that scans the controller logs (and the run's leak scan)"),
        new(OperatorFaults.EmbedsGitToken, "operator",
            "HTTPS git credentials are spliced into the clone URL in the init container's command, so the token is in the pod spec",
            "reference/operator.md §2.3: v1.0.8's git_helper.go builds https://username:token@host/... into the git-clone command (the upstream profile's known defect git-token-in-init-command); this fault takes that code path under the contract profile",
            "a @security scenario that scans the validation pod's spec for the git token"),
        new(KubeletFaults.IgnoresMissingSecret, "kubelet",
            "a missing Secret named by env secretKeyRef or envFrom does not block the container: it starts with the variables empty",
            "reference/operator.md §2.5: CreateContainerConfigError (secret \"X\" not found) is what fails the job; this is `optional: true` applied to a required reference",
            "a missing Secret scenario that expects the job to fail naming the Secret"),
        new(KubeletFaults.WritesSecretVolumeAsText, "kubelet",
            "a secret volume's files are written from the value decoded as UTF-8 text, so bytes that are not UTF-8 are replaced",
            "no upstream issue in the reference notes; models a volume writer that handles Secret data as a string (the reason ConfigMaps split data from binaryData: data must be UTF-8), as with binary keystores or DER keys mounted from a Secret",
            "a scenario that mounts a Secret holding non-UTF-8 bytes and compares the file's exact bytes"),
        new(KubeFaults.AdmitsMissingServiceAccount, "apiserver",
            "the ServiceAccount admission plugin admits a pod naming a ServiceAccount that does not exist (the token volume is still added, so the kubelet cannot fill it and the pod waits in ContainerCreating)",
            "reference/operator.md §2.5: a missing serviceAccountName fails the job at once only because the API server refuses the pod (plugin/pkg/admission/serviceaccount); a volume that cannot be mounted leaves the job ValidationRunning forever. Models a cluster with the ServiceAccount plugin off (--disable-admission-plugins) or an account deleted between admission and start",
            "a @negative scenario with a service account that does not exist, expecting the job to fail at once"),
        new(KubeFaults.SkipsPodSecurity, "apiserver",
            "Pod Security Admission does not enforce the namespace's pod-security.kubernetes.io/enforce level",
            "reference/operator.md §2.2 (PSA: the validation pod violates restricted) and §2.5 (a restricted namespace fails the job at once); models a cluster with the PodSecurity plugin off or the namespace exempted in its AdmissionConfiguration (exemptions.namespaces), as on clusters that dropped PodSecurityPolicy without enabling PSA",
            "a @negative scenario in a namespace enforcing restricted, expecting the pod to be refused"),
        new(KubeFaults.SkipsCrdValidation, "apiserver",
            "a custom resource's structural schema is not enforced: enum, type, required and format errors are admitted",
            "reference/eso.md §1 (the v1 CRD schema; target.creationPolicy is an enum) and §4 (creationPolicy); no upstream issue; models a CRD served without validation (x-kubernetes-preserve-unknown-fields at the root, or a schema-less v1beta1 CRD left from an old install)",
            "a @negative scenario that submits a malformed ExternalSecret and expects the API server to name the field"),
        new(KubeFaults.RoleBindingGrantsClusterWide, "rbac",
            "a RoleBinding's rules apply in every namespace, not only in its own",
            "reference/operator.md §2.7 (ADR-019's RBAC claim; the job's account needs no Secret access); no upstream issue in the reference notes; models an authorizer that loses the namespace scope of a grant, the class of CVE-2019-11247 (namespaced RBAC reaching cluster-scoped custom resources)",
            "a @security scenario in which an account allowed to read Secrets in its own namespace tries another namespace's"),
        new(KubeFaults.GcIgnoresOwnerReferences, "gc",
            "the garbage collector never deletes a dependent whose owners are gone (background deletion; the foreground and orphan finalizers still work)",
            "reference/eso.md §4 (creationPolicy Owner: the Secret carries an ownerReference and is garbage-collected with its ExternalSecret) and reference/operator.md §2.2 (the validation pod is garbage-collected with its job); no upstream issue; models a stalled kube-controller-manager garbage collector",
            "a @lifecycle scenario that deletes an owner and waits for its dependent to go"),
        new(EsoFaults.NeverRefreshes, "eso",
            "the periodic refresh never fires after the first sync",
            "reference/eso.md §6.3-4: external-secrets#5259, #4978, #4900 (refreshInterval does not take effect)",
            "a @lifecycle scenario that rotates the remote secret and waits for refreshInterval"),
        new(EsoFaults.IgnoresForceSync, "eso",
            "an annotation change (force-sync) does not trigger a sync",
            "reference/eso.md §4 (the force-sync annotation, external-secrets#5156) and §6.3 (editing the ES re-triggers at once)",
            "a @lifecycle scenario that forces a sync by annotation"),
        new(EsoFaults.WritesPreviousVersion, "eso",
            "the provider is asked for the previous version (AWSPREVIOUS, KV version n-1) instead of the current one",
            "reference/eso.md §3-4 (remoteRef.version); no upstream issue found",
            "a @lifecycle scenario that rotates the remote secret and checks the new value"),
        new(EsoFaults.DeletesUnderRetain, "eso",
            "a remote secret gone under deletionPolicy Retain deletes the Kubernetes Secret",
            "reference/eso.md §4 deletionPolicy and §6.2 external-secrets#4560 (deletion behaviour on a deleted remote key)",
            "a scenario that deletes the remote secret under Retain"),
        new(EsoFaults.ReadyWhileFailing, "eso",
            "a failing sync is reported Ready=True SecretSynced, the Secret silently stale",
            "reference/eso.md §4 (SecretSyncedError, target kept unchanged) and §6.2 external-secrets#4560",
            "a @negative scenario with wrong store credentials or an unreachable endpoint"),
        new(EsoFaults.LogsSecretValue, "eso",
            "the controller writes the synced values into its log",
            "reference/eso.md §5: ESO's own e2e prints the controller log on failure (printESDebugLogs), so a value there reaches CI output",
            "a @security scenario that scans the controller logs (and the run's leak scan)"),
        new(EsoFaults.IntervalZeroSyncsOnChange, "eso",
            "with refreshInterval 0 a metadata change (annotation bump, spec edit) still re-syncs the Secret",
            "reference/eso.md §4 (Periodic: interval <= 0 and synced => never) and §6.4 external-secrets#4167 (the pre-v0.11 behaviour, changed on purpose)",
            "a @lifecycle scenario with refreshInterval 0 that rotates the remote secret and bumps an annotation"),
        new(EsoFaults.OwnsSecretUnderOrphan, "eso",
            "creationPolicy Orphan still sets the controller ownerReference, so the Secret is garbage-collected with its ExternalSecret",
            "reference/eso.md §4 (creationPolicy Orphan: no ownerRef, survives ES deletion); no upstream issue, models applyOwnership ignoring the policy",
            "a @lifecycle scenario under creationPolicy Orphan that checks the owner and deletes the ExternalSecret"),
        new(EsoFaults.ClusterStoreIgnoresRefNamespace, "eso",
            "a ClusterSecretStore's auth refs are resolved in the ExternalSecret's namespace instead of the namespace they name",
            "reference/eso.md §3a (ClusterSecretStore refs need namespace, else referent auth); external-secrets#5618 (tokenSecretRef namespace not honoured, open), #509",
            "a ClusterSecretStore scenario with an ExternalSecret in a namespace other than the credentials'"),
        new(EsoFaults.VaultTokenIgnoresKey, "eso",
            "Vault tokenSecretRef.key is ignored: the token is read from key \"token\"",
            "reference/eso.md §3b (tokenSecretRef {name, key}; \"token\" is the default key of auth.kubernetes.secretRef only); no upstream issue",
            "a Vault token-auth scenario whose token Secret names another key"),
        new(EsoFaults.VaultLogsInAsController, "eso",
            "Vault Kubernetes auth ignores serviceAccountRef and logs in with the controller's own service account",
            "reference/eso.md §3b (getJwtString: serviceAccountRef, else secretRef, else the pod's own token); no upstream issue, models the last fallback taken first",
            "a @security scenario that logs in to Vault as a service account the role binds (the controller's is not bound)"),
        new(EsoFaults.TemplateKeepsProviderKeys, "eso",
            "a target.template with data under mergePolicy Replace (the default) also writes the provider's raw keys into the Secret",
            "reference/eso.md §4 (target.template; the twin's Templates/ follow engine v2); external-secrets#1429 and #3869 (template data merged instead of replacing), fixed by PR #2115 (mergePolicy)",
            "a template scenario that checks the Secret holds exactly the rendered keys"),
        new(TwinFaults.InjectorIgnoresPodAnnotations, "injector",
            "the webhook ignores the pod's agent-inject annotations: no agent is injected",
            "reference/vault.md §6: vault-helm#335, vault-k8s#348, #525 (annotations present, no injection)",
            "a Tier 3 scenario that expects the rendered secret file"),
        new(TwinFaults.InjectorInjectsWithoutRole, "injector",
            "a pod without vault.hashicorp.com/role is injected instead of rejected",
            "reference/vault.md §1.1-1.2: \"no Vault role found\" is the injector's answer; `role` is required for Kubernetes auth",
            "a @negative Tier 3 scenario without a role"),
        new(TwinFaults.AgentNeverRenews, "agent",
            "the agent never renews its leases (RenewBehaviorRenewDisabled)",
            "reference/vault.md §2.1 and §6: vault-k8s#125, #162, vault#14634 (the app keeps expiring credentials)",
            "a @lifecycle scenario that watches the lease expiry move"),
        new(TwinFaults.AgentNeverRefetchesAtMaxTtl, "agent",
            "the agent renews but never reads new credentials when the lease reaches max_ttl",
            "reference/vault.md §2.1: consul-template#1342, vault#12267 (capped renewals, then a re-fetch)",
            "a @lifecycle scenario that expects a new username near max_ttl"),
        new(TwinFaults.AgentSkipsRevokeOnShutdown, "agent",
            "the preStop hook does not revoke the agent's token, so its leases outlive the pod",
            "reference/vault.md §2.5 and §6: vault-k8s#210, #593, vault#6492",
            "a @lifecycle scenario that expects the lease gone and the role dropped after the pod ends"),
        new(TwinFaults.AgentRendersStaleTemplate, "agent",
            "the agent does not re-render the template after the secret changed",
            "reference/vault.md §6: vault#19684 (the lease cache interferes with template refresh), vault#8287",
            "a @lifecycle scenario that expects the rendered file to change"),
        new(TwinVaultFaults.NoRevokeOnTokenRevoke, "vault",
            "revoking a token leaves the leases created with it alive",
            "reference/vault.md §2.5: token revocation cascades to leases (docs/concepts/lease, PR vault#6489)",
            "a @lifecycle scenario that revokes a token and waits for its leases to go"),
        new(TwinVaultFaults.IgnoresMaxTtl, "vault",
            "leases and renewals are not capped at max_ttl",
            "reference/vault.md §2.1 and §3.3 (capping and the \"TTL value is capped\" warning)",
            "a @lifecycle scenario that checks the lease never outlives max_ttl"),
        new(TwinVaultFaults.AcceptsUnboundServiceAccount, "vault",
            "Kubernetes auth logs in a service account or namespace the role does not bind",
            "reference/vault.md §3.5 (bound_service_account_names / _namespaces, path_login.go) and §6 (403 permission denied reports)",
            "a @negative scenario with a role not bound to the job's service account"),
        new(TwinVaultFaults.AwsDropsSecurityToken, "vault",
            "the AWS engine's STS credentials carry the session token as session_token only, not as the security_token ADR-017's template reads",
            "reference/vault.md §3.4 (STS credentials include a session token); vault#23690 (1.16 renamed security_token to session_token), terraform-provider-vault#2732 (security_token is to disappear)",
            "a Tier 3 AWS scenario that renders ADR-017's template and signs with the rendered session token"),
        new(TwinVaultFaults.AuditOmitsReads, "vault",
            "the audit devices write no request or response entry for a read, so reads of secrets leave no trail (writes, logins and renewals are still logged)",
            "reference/vault.md §3.7 (every request and response is an entry; reads of database/creds/<role> are expected traffic); no upstream issue, models an audit filter or exclusion that drops read operations",
            "a @security scenario that looks for a read of its own path under the reader's display_name in the audit log"),
        new(TwinVaultFaults.AclReadsWholeMount, "vault",
            "a read is allowed on any path of a mount where one of the token's rules grants read, instead of on the rule's path only (writes and other mounts are still checked per path)",
            "reference/vault.md §3.1 (ACL policies grant capabilities per path); no upstream issue, models the mount-level check of vault/logical_system.go hasMountAccess (what sys/internal/ui/mounts uses to show a mount) taken for the per-path check of acl.go",
            "a @security scenario whose token reads its own path and is refused a sibling path in the same mount (another role's creds, the engine's config)"),
        new(TwinVaultFaults.ReviewsWithClientJwt, "vault",
            "Kubernetes auth sends the TokenReview with the logging-in service account's own JWT instead of the configured token_reviewer_jwt, so a bound account without system:auth-delegator is refused (permission denied)",
            "reference/vault.md §3.5 (an empty token_reviewer_jwt makes the client's JWT the TokenReview bearer, each app account then needs system:auth-delegator) and §6 (403 permission denied / tokenreviews forbidden: vault-helm#376, #388, #906; vault-k8s#143). Unlike vault-accepts-unbound-sa (which lets in accounts the role does not bind, caught by @negative scenarios), this refuses the accounts the role does bind, caught by positive logins",
            "a @security scenario in which a service account the role binds logs in with Kubernetes auth and reads"),
        new(TwinVaultFaults.AuditLosesIdentity, "vault",
            "audit entries do not say who made the request: the auth section keeps the HMAC'd token and accessor but no display_name, policies, metadata or entity_id (every request is still logged)",
            "reference/vault.md §3.7 (auth.display_name is in clear in every entry); no upstream issue, models entries written with the token's HMACs only, as for requests refused before the token is resolved, so the log says what was read but not by whom",
            "a @security scenario that looks for a read of its own path under the reader's display_name in the audit log"),
        new(AwsFaults.ReturnsPreviousForCurrent, "aws",
            "GetSecretValue for AWSCURRENT answers with the AWSPREVIOUS version (moto behind a fault-injecting proxy)",
            "no upstream issue in the reference notes; AWS documents that staging labels move at rotation and a reader between the moves sees the previous version",
            "a @lifecycle AWS scenario that rotates the secret and checks the new value"),
    ];

    public static IReadOnlyList<string> Names { get; } = All.Select(f => f.Name).ToList();

    public static TwinFault? Find(string name) => All.FirstOrDefault(f => f.Name == name);

    /// <summary>The names, trimmed, each known; throws <see cref="UnknownTwinFaultException"/> naming the unknown ones.</summary>
    public static IReadOnlyList<string> Validate(IEnumerable<string> names)
    {
        var list = names.Select(n => n.Trim()).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var unknown = list.Where(n => Find(n) is null).ToList();
        return unknown.Count > 0 ? throw new UnknownTwinFaultException(unknown) : list;
    }

    /// <summary>Parses a comma list (CONFORMANCE_TWIN_FAULTS) and validates it.</summary>
    public static IReadOnlyList<string> Parse(string? commaList) => Validate((commaList ?? "").Split(','));

    /// <summary>docs/faults.md: the catalogue as a table, generated (`dotnet cli/... faults --markdown`).</summary>
    public static string Markdown()
    {
        var md = new StringBuilder();
        md.AppendLine("# Twin faults");
        md.AppendLine();
        md.AppendLine("<!-- Generated from environments/Conformance.Environments/Twin/Faults/TwinFaultCatalogue.cs by");
        md.AppendLine("     `./run-e2e.sh --list-faults` (the CLI's `faults` command); a test checks that this file is current. -->");
        md.AppendLine();
        md.AppendLine("Each fault breaks exactly one behaviour of one twin component. Switch faults on with");
        md.AppendLine("`CONFORMANCE_TWIN_FAULTS=a,b` or `./run-e2e.sh --env twin --fault a --fault b`; an unknown name is refused with this");
        md.AppendLine("list. `./run-e2e.sh --sensitivity` runs the catalogue once per fault and records which scenarios catch which fault.");
        md.AppendLine();
        md.AppendLine("| fault | component | breaks | models | meant to be caught by |");
        md.AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var f in All)
        {
            md.AppendLine($"| `{f.Name}` | {f.Component} | {Cell(f.Models)} | {Cell(f.Citation)} | {Cell(f.Target)} |");
        }

        return md.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
