# ADR-002 §Phase 2: Production (Vault → ESO → K8s Secrets) [adr002-production-vault]: Vault is the store, ESO is the sync path
# ADR-017 §Alternatives Considered, Alternative 3: "ESO can sync from Vault, but secrets are static (not dynamic)"
# Note: ADR-014 §Tier 3: Vault Dynamic Secrets: dynamic credentials for the notebook (their expiry is not checked here)
# reference/eso.md: VaultDynamicSecret generator (generators.external-secrets.io/v1alpha1) through dataFrom[].sourceRef.generatorRef
@tier3 @vault @eso @needs:vault-database
Feature: Tier 3 through ESO - a VaultDynamicSecret generator feeds dynamic database credentials to the operator's job
  The operator cannot carry injector annotations to its pod, but it consumes Secrets. ESO's VaultDynamicSecret
  generator logs in to Vault with Kubernetes auth as a ServiceAccount of the namespace, reads database/creds/<role>
  and writes the new username and password into a Secret, which the job takes as env. This is the Tier 3 path that
  works through the operator today (ADR-017's "ESO ... static (not dynamic)" does not hold with generators). ESO
  neither renews nor revokes the lease: the credentials live for the role's TTL.

  # ADR-002 §Phase 2: Production (Vault → ESO → K8s Secrets): dynamic database credentials reach workloads through ESO
  # ADR-014 §Neutral [adr014-no-code-changes]: the unchanged operator takes dynamic credentials through spec.podConfig.env
  # ADR-002 §Why External Secrets Operator [adr002-per-pod-config]: ESO needs no per-pod configuration (the job has only env references)
  # ADR-014 §User Stories: US-12 "I need to integrate with our enterprise secret store (Vault)"
  @us-12 @us-11
  Scenario: US-12: dynamic database credentials from Vault reach the notebook through ESO and log in to Postgres
    Given a fresh namespace
    And a Postgres schema for the scenario with a table its database roles may read and one they may not
    And a Vault database role "readonly" with default_ttl 60s and max_ttl 120s
    And a ServiceAccount "eso-vault" in the scenario's namespace
    And a Vault Kubernetes auth role "eso" for ServiceAccount "eso-vault" that may read the credentials of database role "readonly"
    And a VaultDynamicSecret generator "db-creds" reading the credentials of database role "readonly" with Kubernetes auth role "eso" as ServiceAccount "eso-vault"
    And an ExternalSecret "db-creds" filling Secret "db-credentials" from generator "db-creds"
    And ESO has created Secret "db-credentials" with keys "username" and "password" within 20 seconds
    And the notebook job takes env "DB_USERNAME" from Secret "db-credentials" key "username"
    And the notebook job takes env "DB_PASSWORD" from Secret "db-credentials" key "password"
    And the notebook job logs in to Postgres with env "DB_USERNAME" and "DB_PASSWORD" and reads the granted table
    When the notebook job runs
    Then the job succeeds
    And the username in Secret "db-credentials" is a Postgres user Vault issued for database role "readonly"
    And the notebook saw env "DB_USERNAME" equal to the value ESO wrote to Secret "db-credentials" key "username"
    And the job's notebook logged in to Postgres and read the granted table
