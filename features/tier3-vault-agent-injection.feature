# Note: ADR-017 §Decision: the Vault Agent sidecar authenticates with the pod's ServiceAccount and renders dynamic secrets into /vault/secrets (annotations on the pod, not the ServiceAccount)
# Note: ADR-017 §How Vault Agent Sidecar Works (renewal before expiry, fresh credentials, revocation when the pod terminates) is cited scenario by scenario below
# Note: ADR-014 §Tier 3: Vault Dynamic Secrets: dynamic, short-lived credentials through the Vault Agent sidecar (cited by the max_ttl scenario)
# reference/vault.md §1.1 (annotations are read from the pod only), §2.1 (renewal, re-fetch), §2.5 (revocation, the init lease)
# reference/operator.md §1.1: podConfig has no field for pod annotations and v1.0.8 copies none from the job
@tier3 @vault @needs:vault-database
Feature: Tier 3 - Vault Agent injects dynamic database credentials into a pod annotated as the injector needs
  The injector reads its annotations from the pod only (vault-k8s 1.7). A NotebookValidationJob cannot put
  annotations on its pod: podConfig has no field for them and the operator copies none from the job
  (reference/operator.md §1.1). So these scenarios create the validation pod themselves, with the same git-clone and
  validator containers the operator would make and the probe notebook, and ADR-017's annotations on the pod.
  Each scenario has its own Vault database role (TTLs of a few seconds) on the world's Postgres connection, a
  Kubernetes auth role bound to its own ServiceAccount, and a policy for that role's credentials only. The probe
  prints fingerprints; the harness compares them with the users Vault made in Postgres and watches the leases.

  Background:
    Given a fresh namespace
    And a Postgres schema for the scenario with a table its database roles may read and one they may not
    And a ServiceAccount "notebook-sa" in the scenario's namespace

  # ADR-017 §Pattern: Dynamic Database Credentials: the rendered /vault/secrets/db holds export lines the notebook uses to connect
  # ADR-014 §User Stories: US-11 "I need my notebook to query a database for feature engineering"
  # ADR-017 §How Vault Agent Sidecar Works [adr017-lifecycle]: the init container renders /vault/secrets/db before the notebook reads it
  # ADR-017 §Vault Agent Sidecar Pattern [adr017-agent-pattern]: the agent logs in as the pod's ServiceAccount and renders into a shared volume the notebook reads
  @us-11 @us-12
  Scenario: US-11: the notebook logs in to Postgres with the credentials Vault Agent rendered
    Given a Vault database role "readonly" with default_ttl 30s and max_ttl 60s
    And a Vault Kubernetes auth role "notebook" for ServiceAccount "notebook-sa" that may read the credentials of database role "readonly"
    And the probe pod runs as ServiceAccount "notebook-sa" with ADR-017's annotations for Vault role "notebook" and secret "db" from database role "readonly"
    And the probe reads the export file "/vault/secrets/db"
    And the probe logs in to Postgres with DB_USERNAME and DB_PASSWORD from "/vault/secrets/db" and reads the granted table
    When the probe pod runs its notebook within 60 seconds
    Then the injector added "vault-agent-init" and "vault-agent" to the probe pod
    And the notebook saw export "DB_USERNAME" in "/vault/secrets/db" equal to a username Vault issued for database role "readonly"
    And the notebook saw DB_HOST, DB_PORT and DB_NAME in "/vault/secrets/db" pointing at this world's Postgres
    And the notebook logged in to Postgres and read the granted table

  # ADR-014 §Positive [adr014-least-privilege]: least-privilege access (ADR-014 §Tier 3: "Best security posture")
  # ADR-014 §User Stories: US-13 "I need to enforce least-privilege access to secrets"
  @us-13 @security
  Scenario: US-13: the injected credentials read the granted table and nothing more
    Given a Vault database role "readonly" with default_ttl 30s and max_ttl 60s
    And a Vault Kubernetes auth role "notebook" for ServiceAccount "notebook-sa" that may read the credentials of database role "readonly"
    And the probe pod runs as ServiceAccount "notebook-sa" with ADR-017's annotations for Vault role "notebook" and secret "db" from database role "readonly"
    And the probe logs in to Postgres with DB_USERNAME and DB_PASSWORD from "/vault/secrets/db" and reads the restricted table
    When the probe pod runs its notebook within 60 seconds
    Then the notebook logged in to Postgres but was refused the restricted table

  # ADR-017 §How Vault Agent Sidecar Works [adr017-renew-at-80]: "Lease renewal: Vault Agent automatically renews leases before expiry"
  # ADR-017 §Architecture [adr017-renew-before-expiry]: the sidecar automatically renews leases
  @lifecycle
  Scenario: The sidecar renews the lease before it expires, and Postgres sees VALID UNTIL move
    Given a Vault database role "short" with default_ttl 4s and max_ttl 60s
    And a Vault Kubernetes auth role "notebook" for ServiceAccount "notebook-sa" that may read the credentials of database role "short"
    And the probe pod runs as ServiceAccount "notebook-sa" with ADR-017's annotations for Vault role "notebook" and secret "db" from database role "short"
    When the probe pod runs its notebook within 60 seconds
    Then within 15 seconds a lease of database role "short" is renewed, its expire_time moving later at least 2 times
    And within 10 seconds the VALID UNTIL of a Postgres user from database role "short" moves later

  # ADR-017 §Consequences [adr017-audit]: "Audit trail: Vault logs all credential generation and usage"
  # ADR-002 §Positive [adr002-central-audit]: Vault provides the audit trail
  # GUIDE §Security Best Practices [guide-audit-logging]: audit logging records secret access
  # reference/vault.md §3.7: expected agent traffic in the audit log: database/creds/<role> (read), sys/leases/renew (update)
  @lifecycle @needs:vault-audit
  Scenario: Vault's audit log records the pod's credential reads and lease renewals under its ServiceAccount
    Given a Vault database role "audited" with default_ttl 4s and max_ttl 60s
    And a Vault Kubernetes auth role "notebook" for ServiceAccount "notebook-sa" that may read the credentials of database role "audited"
    And the probe pod runs as ServiceAccount "notebook-sa" with ADR-017's annotations for Vault role "notebook" and secret "db" from database role "audited"
    When the probe pod runs its notebook within 60 seconds
    Then within 10 seconds the Vault audit log shows ServiceAccount "notebook-sa" reading the credentials of database role "audited" and renewing their lease

  # ADR-017 §How Vault Agent Sidecar Works: "If renewal fails, fetches new credentials"; "Notebook always has valid credentials"
  # ADR-014 §Tier 3: Vault Dynamic Secrets [adr014-tier3-short-lived]: short-lived credentials rotated automatically, the old user dropped
  # reference/vault.md §2.1: once renewals are capped at max_ttl the agent reads new credentials and re-renders
  # agent-pre-populate "false" keeps one agent (no init container) so the file changes only when the sidecar re-fetches
  @lifecycle
  Scenario: Near max_ttl the sidecar fetches a new username and re-renders the file the notebook reads
    Given a Vault database role "capped" with default_ttl 4s and max_ttl 10s
    And a Vault Kubernetes auth role "notebook" for ServiceAccount "notebook-sa" that may read the credentials of database role "capped"
    And the probe pod runs as ServiceAccount "notebook-sa" with ADR-017's annotations for Vault role "notebook" and secret "db" from database role "capped"
    And the probe pod has the annotation "vault.hashicorp.com/agent-pre-populate" set to "false"
    And the probe reads the export file "/vault/secrets/db"
    And the probe logs in to Postgres with DB_USERNAME and DB_PASSWORD from "/vault/secrets/db" and reads the granted table
    And the probe waits for "/vault/secrets/db" to appear and reports again when it changes, waiting up to 25 seconds each time
    When the probe pod runs its notebook within 60 seconds
    Then the notebook saw export "DB_USERNAME" in "/vault/secrets/db" equal to a username Vault issued for database role "capped"
    And the notebook saw "/vault/secrets/db" re-rendered with a new DB_USERNAME that Vault issued for database role "capped", and logged in with it
    And Vault issued the second username for database role "capped" before the first lease reached its max_ttl
    And within 10 seconds the first Postgres user from database role "capped" is dropped

  # ADR-017 §How Vault Agent Sidecar Works: "Pod terminates: Vault Agent revokes leases"
  # Note: ADR-017 §Positive: "Automatic revocation: Credentials revoked when pod terminates" (the same promise)
  # reference/vault.md §2.5: the sidecar's preStop revokes its token (agent-revoke-on-shutdown); the init container's lease is not revoked
  @lifecycle
  Scenario: With agent-revoke-on-shutdown, deleting the pod revokes the sidecar's lease, while the init container's lease outlives the pod
    Given a Vault database role "revocable" with default_ttl 30s and max_ttl 60s
    And a Vault Kubernetes auth role "notebook" for ServiceAccount "notebook-sa" that may read the credentials of database role "revocable"
    And the probe pod runs as ServiceAccount "notebook-sa" with ADR-017's annotations for Vault role "notebook" and secret "db" from database role "revocable"
    And the probe pod has the annotation "vault.hashicorp.com/agent-revoke-on-shutdown" set to "true"
    And the probe pod has the annotation "vault.hashicorp.com/agent-revoke-grace" set to "1"
    When the probe pod runs its notebook within 60 seconds
    And the sidecar has renewed its lease of database role "revocable" within 15 seconds
    And the probe pod is deleted and gone within 30 seconds
    Then within 10 seconds the renewed lease of database role "revocable" is gone and one of its Postgres users dropped
    And the lease the init container took for database role "revocable" is still there, never renewed, with its Postgres user

  # ADR-017 §How Vault Agent Sidecar Works [adr017-revoke-on-termination]: "Pod terminates: Vault Agent revokes leases" (does not hold with ADR-017's annotations, which do not ask for it)
  # reference/vault.md §1.2: agent-revoke-on-shutdown defaults to false, so without it the credentials outlive the pod
  @lifecycle
  Scenario: Without agent-revoke-on-shutdown, every lease and user outlives the pod until its TTL
    Given a Vault database role "kept" with default_ttl 30s and max_ttl 60s
    And a Vault Kubernetes auth role "notebook" for ServiceAccount "notebook-sa" that may read the credentials of database role "kept"
    And the probe pod runs as ServiceAccount "notebook-sa" with ADR-017's annotations for Vault role "notebook" and secret "db" from database role "kept"
    When the probe pod runs its notebook within 60 seconds
    And the sidecar has renewed its lease of database role "kept" within 15 seconds
    And the probe pod is deleted and gone within 30 seconds
    Then every lease of database role "kept" is still there once the pod is gone, with its Postgres user

  # ADR-017 §How Vault Agent Sidecar Works [adr017-renew-at-80]: "Lease renewal: Vault Agent automatically renews leases before expiry" (does not hold here)
  # ADR-017 §How Vault Agent Sidecar Works [adr017-revoke-on-termination]: "Pod terminates: Vault Agent revokes leases" (does not hold here)
  # reference/vault.md §1.2: agent-pre-populate-only (the injector's advice for Jobs) adds no sidecar, so nothing renews or revokes
  # The document's claims do NOT hold here: this scenario asserts what really happens to a job's credentials.
  @lifecycle
  Scenario: With agent-pre-populate-only, as jobs need, the lease is never renewed and is not revoked at pod end (ADR-017's claims do not hold)
    Given a Vault database role "jobonly" with default_ttl 6s and max_ttl 60s
    And a Vault Kubernetes auth role "notebook" for ServiceAccount "notebook-sa" that may read the credentials of database role "jobonly"
    And the probe pod runs as ServiceAccount "notebook-sa" with ADR-017's annotations for Vault role "notebook" and secret "db" from database role "jobonly"
    And the probe pod has the annotation "vault.hashicorp.com/agent-pre-populate-only" set to "true"
    And the probe pod has the annotation "vault.hashicorp.com/agent-revoke-on-shutdown" set to "true"
    And the probe logs in to Postgres with DB_USERNAME and DB_PASSWORD from "/vault/secrets/db" and reads the granted table
    When the probe pod runs its notebook within 60 seconds
    Then the injector added "vault-agent-init" to the probe pod
    And the probe pod has no container "vault-agent"
    And the probe pod succeeds within 20 seconds
    And the notebook logged in to Postgres and read the granted table
    And the lease of database role "jobonly" was never renewed and is gone within 30 seconds, at its default_ttl

  # ADR-017 §Troubleshooting: "Vault role not configured" is a cause of no injection
  # reference/vault.md §1.1: the injector denies the pod CREATE: "no Vault role found"
  @negative
  Scenario: A pod annotated for injection without a Vault role is refused at creation
    Given a Vault database role "readonly" with default_ttl 30s and max_ttl 60s
    And the probe pod runs as ServiceAccount "notebook-sa" with ADR-017's annotations for Vault role "notebook" and secret "db" from database role "readonly"
    When a pod annotated for injection without a Vault role is created
    Then the API server refused the pod with a message containing "no Vault role found"

  # ADR-017 §Decision: "Vault Agent authenticates to Vault using Kubernetes ServiceAccount" (the role binds which one)
  # reference/vault.md §3.5: a login from a ServiceAccount the role does not bind is denied
  # reference/vault.md §1.2: without agent-auto-auth-exit-on-err the init container retries the login forever (the pod stays in Init)
  @negative @security @us-13
  Scenario: A pod whose ServiceAccount the Vault role does not bind gets no credentials and fails clearly
    Given a ServiceAccount "other-sa" in the scenario's namespace
    And a Vault database role "readonly" with default_ttl 30s and max_ttl 60s
    And a Vault Kubernetes auth role "notebook" for ServiceAccount "notebook-sa" that may read the credentials of database role "readonly"
    And the probe pod runs as ServiceAccount "other-sa" with ADR-017's annotations for Vault role "notebook" and secret "db" from database role "readonly"
    And the probe pod has the annotation "vault.hashicorp.com/agent-auto-auth-exit-on-err" set to "true"
    When the probe pod is created
    Then the probe pod fails within 30 seconds because init container "vault-agent-init" exited with an error
    And the log of container "vault-agent-init" of the probe pod contains "service account name not authorized"
    And the validator container never started
    And no lease of database role "readonly" exists
