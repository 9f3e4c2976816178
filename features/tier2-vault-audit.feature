# reference/vault.md §3.7 (audit devices: request.path, request.operation and auth.display_name in clear)
@tier2 @eso @vault @security @needs:vault-audit
Feature: Tier 2 - Vault's audit log records ESO's reads
  With Vault as the external store, every read ESO makes of a KV v2 secret appears in Vault's audit log under the
  identity ESO's SecretStore logs in with: the service account of its Kubernetes auth login, or its token. The check
  reads the audit device's file and looks for a read of the scenario's own KV path by that identity.

  Background:
    Given a fresh namespace

  # ADR-014 §Tier 2: External Secrets Operator (ESO) [adr014-tier2-audit]: audit trail from the external store: Vault logs ESO's read under its Kubernetes auth identity
  Scenario: The audit log shows ESO's service account reading the synced KV path
    Given remote secret "app/db" in vault holds generated canaries under "password"
    And a SecretStore "store" for vault that logs in with Kubernetes auth as service account "eso-reader"
    And an ExternalSecret "db" from SecretStore "store" with refreshInterval "5s" maps:
      | secret key | remote | property |
      | password   | app/db | password |
    When the ExternalSecret "db" is created
    Then within 15 seconds the ExternalSecret "db" is Ready with reason "SecretSynced"
    And within 10 seconds the Vault audit log shows ServiceAccount "eso-reader" reading remote "app/db"

  # ADR-014 §Tier 2: External Secrets Operator (ESO) [adr014-tier2-audit]: audit trail from the external store: Vault logs ESO's read under its token's identity
  Scenario: The audit log shows ESO's token reading the synced KV path
    Given remote secret "app/db" in vault holds generated canaries under "password"
    And a SecretStore "store" for vault that authenticates with a token
    And an ExternalSecret "db" from SecretStore "store" with refreshInterval "5s" maps:
      | secret key | remote | property |
      | password   | app/db | password |
    When the ExternalSecret "db" is created
    Then within 15 seconds the ExternalSecret "db" is Ready with reason "SecretSynced"
    And within 10 seconds the Vault audit log shows ESO's token reading remote "app/db"
