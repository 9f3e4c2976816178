# ADR-014 §User Stories: US-13 "As a security engineer, I need to enforce least-privilege access to secrets"
# Note: ADR-017 §Pattern: Dynamic Database Credentials (a policy with read on database/creds/readonly only, a Kubernetes role bound to one ServiceAccount) is cited scenario by scenario
# reference/vault.md §3.3 (creation statements), §3.5 (Kubernetes auth: bound names and namespaces)
@tier3 @vault @security @us-13 @needs:vault-database
Feature: Tier 3 - a job's Vault identity reads its own database credentials and nothing else
  ADR-017 binds one ServiceAccount to a Vault role whose policy reads database/creds/readonly only. These
  scenarios log in to Vault exactly as the job's ServiceAccount would (a TokenRequest JWT through Kubernetes auth,
  without any pod), then check what that token may read in Vault and what the credentials it obtains may do in
  Postgres. The scenario's database role grants SELECT on one table of its own schema and nothing else.

  Background:
    Given a fresh namespace
    And a Postgres schema for the scenario with a table its database roles may read and one they may not
    And a ServiceAccount "notebook-sa" in the scenario's namespace
    And a Vault database role "readonly" with default_ttl 30s and max_ttl 60s
    And a Vault Kubernetes auth role "notebook" for ServiceAccount "notebook-sa" that may read the credentials of database role "readonly"

  # ADR-017 §Pattern: Dynamic Database Credentials [adr017-policy-scope]: policy notebook-validator = read on database/creds/readonly
  # ADR-017 §Pattern: Dynamic Database Credentials [adr017-db-roles]: the issued Postgres role logs in and may SELECT what the role grants only
  # ADR-014 §Positive [adr014-least-privilege]: least-privilege access (ADR-014 §Tier 3: "Best security posture")
  Scenario: US-13: a token for the job's ServiceAccount reads database/creds/readonly and nothing else
    When ServiceAccount "notebook-sa" logs in to Vault with Kubernetes auth role "notebook"
    Then with that token Vault answers these reads:
      | path                                          | answer            |
      | <creds:readonly>                              | allowed           |
      | database/creds/conformance-readonly           | permission denied |
      | database/config/conformance-postgres          | permission denied |
      | database/roles/conformance-readonly           | permission denied |
      | secret/data/conformance/smoke                 | permission denied |
      | sys/policies/acl/conformance-db-creds         | permission denied |
    And the credentials it read log in to Postgres and are answered:
      | statement                        | answer  |
      | SELECT from the granted table    | allowed |
      | SELECT from the restricted table | refused |
      | INSERT into the granted table    | refused |
      | CREATE TABLE in the schema       | refused |
      | CREATE ROLE                      | refused |

  # ADR-017 §Decision [adr017-k8s-role-binding]: "Vault Agent authenticates to Vault using Kubernetes ServiceAccount" bound by the Vault role
  # reference/vault.md §3.5: bound_service_account_names decides which ServiceAccount may log in
  @negative
  Scenario: A ServiceAccount the Vault role does not bind is refused a token and gets no credentials
    Given a ServiceAccount "other-sa" in the scenario's namespace
    When ServiceAccount "other-sa" logs in to Vault with Kubernetes auth role "notebook"
    Then the login is refused with "service account name not authorized"
    And no lease of database role "readonly" exists
