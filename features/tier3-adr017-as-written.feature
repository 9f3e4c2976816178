# ADR-017 §Pattern: Dynamic Database Credentials, step 2: "Create ServiceAccount with Vault annotations"; step 3: the job names that ServiceAccount
# ADR-014 §Tier 3: Vault Dynamic Secrets: "serviceAccountName: vault-notebook-sa  # Annotated with Vault role"
# reference/vault.md §1.1: the injector reads pod annotations only, ServiceAccount annotations are never read
# reference/operator.md §1.1, §2.7: the operator copies no annotations to the validation pod
@tier3 @vault @needs:vault-database
Feature: Tier 3 - ADR-017 exactly as written: Vault annotations on the ServiceAccount
  ADR-017 and ADR-014 put the injector's annotations on the ServiceAccount the NotebookValidationJob names and expect
  the Vault Agent sidecar to render /vault/secrets/db into the validation pod. The injector reads annotations from
  the pod only, and the operator puts none there, so nothing is injected: the scenario states the documents' claim
  and is a known defect of the documents, under either operator profile (@document-defect: left out of the contract
  profile's all-green bar and of the sensitivity run's clean run).

  # ADR-017 §Pattern: Dynamic Database Credentials: the ServiceAccount's annotations make the sidecar inject /vault/secrets/db
  # ADR-017 §How Vault Agent Sidecar Works [adr017-lifecycle]: the agent renders /vault/secrets/db before the notebook reads it
  # ADR-014 §Neutral [adr014-no-code-changes]: the unchanged operator supports the Vault Agent pattern (it does not: nothing puts annotations on the pod)
  @us-12 @known-defect:adr017-serviceaccount-annotations @document-defect
  Scenario: US-12: a job whose ServiceAccount carries ADR-017's annotations gets Vault credentials in /vault/secrets/db
    Given a fresh namespace
    And a Postgres schema for the scenario with a table its database roles may read and one they may not
    And a Vault database role "readonly" with default_ttl 30s and max_ttl 60s
    And a Vault Kubernetes auth role "notebook-validator" for ServiceAccount "vault-notebook-sa" that may read the credentials of database role "readonly"
    And a ServiceAccount "vault-notebook-sa" annotated as ADR-017 writes it for Vault role "notebook-validator" and secret "db" from database role "readonly"
    And the notebook job runs as ServiceAccount "vault-notebook-sa"
    And the notebook job reads the export file "/vault/secrets/db" and logs in to Postgres with DB_USERNAME and DB_PASSWORD from it
    When the notebook job runs
    Then the validation pod has the containers "vault-agent-init" and "vault-agent"
    And the job's notebook saw export "DB_USERNAME" in "/vault/secrets/db" equal to a username Vault issued for database role "readonly"
    And the job's notebook logged in to Postgres and read the granted table
