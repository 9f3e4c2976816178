# Note: ADR-016 §External Secrets Operator (ESO), ADR-002 §ClusterSecretStore Resources and GUIDE §Example: HashiCorp Vault are cited scenario by scenario:
# Note: ADR-016 §Pattern: AWS Secrets Manager (a cluster admin creates the ClusterSecretStore, users create ExternalSecrets) is cited by the ClusterSecretStore scenario
# Note: a ClusterSecretStore serves many namespaces; ESO logs in to Vault with Kubernetes auth as a service account (path secret, KV v2)
# reference/eso.md §3a (static keys), §3b (Vault token and Kubernetes auth), §4 (store Ready, flood gate)
@tier2 @eso
Feature: Tier 2 - stores: one ClusterSecretStore for many namespaces, and how ESO logs in to Vault
  A ClusterSecretStore serves ExternalSecrets in every namespace. ESO logs in to Vault either with a token from a
  Secret or with Kubernetes auth (a service-account token reviewed by Vault through the API server), the method
  ADR-002 prescribes. Vault roles and policies are made per scenario, bound to its namespace and service account,
  and grant read on that scenario's part of KV only.

  Background:
    Given a fresh namespace

  # ADR-016 §Pattern: AWS Secrets Manager [adr016-aws-pattern]: one ClusterSecretStore, ExternalSecrets with property extraction in user namespaces
  # ADR-016 §External Secrets Operator (ESO) [adr016-store-scopes]: a ClusterSecretStore is cluster-scoped, usable from several namespaces
  Scenario Outline: One ClusterSecretStore serves ExternalSecrets in two namespaces (<provider>)
    Given remote secret "shared/api" in <provider> holds generated canaries under "token"
    And a ClusterSecretStore for <provider>
    And a second fresh namespace
    And an ExternalSecret "api" from the ClusterSecretStore with refreshInterval "5s" maps:
      | secret key | remote     | property |
      | token      | shared/api | token    |
    When the ExternalSecret "api" is created
    And the same ExternalSecret "api" is created in the second namespace
    Then within 15 seconds the ExternalSecret "api" is Ready with reason "SecretSynced"
    And within 15 seconds the ExternalSecret "api" in the second namespace is Ready with reason "SecretSynced"
    And the Secret "api" key "token" holds remote "shared/api" property "token"
    And within 5 seconds the Secret "api" key "token" in the second namespace holds remote "shared/api" property "token"

    @aws @needs:aws
    Examples: AWS Secrets Manager
      | provider |
      | aws      |

    @vault
    Examples: Vault KV v2
      | provider |
      | vault    |

  # ADR-002 §ClusterSecretStore Resources [adr002-vault-k8s-auth]: ESO authenticates to Vault with Kubernetes auth (mountPath kubernetes, a role, a service account)
  # GUIDE §Example: HashiCorp Vault [guide-vault-example]: auth.kubernetes with serviceAccountRef
  @vault @security
  Scenario: ESO logs in to Vault with Kubernetes auth as a service account bound to the role
    Given remote secret "app/db" in vault holds generated canaries under "password"
    And a SecretStore "store" for vault that logs in with Kubernetes auth as service account "eso-reader"
    And an ExternalSecret "db" from SecretStore "store" with refreshInterval "5s" maps:
      | secret key | remote | property |
      | password   | app/db | password |
    When the ExternalSecret "db" is created
    Then within 15 seconds the ExternalSecret "db" is Ready with reason "SecretSynced"
    And the Secret "db" key "password" holds remote "app/db" property "password"

  # ADR-016 §External Secrets Operator (ESO) [adr016-sync]: ESO syncs a Vault KV secret into a Kubernetes Secret
  # reference/eso.md §3b: auth.tokenSecretRef {name, key}, the token read from the key the store names (here a token scoped to this scenario's KV path, under a key other than "token")
  @vault
  Scenario: ESO reads Vault with a token from a Secret
    Given remote secret "app/db" in vault holds generated canaries under "password"
    And a SecretStore "store" for vault that authenticates with a token under key "vault-token"
    And an ExternalSecret "db" from SecretStore "store" with refreshInterval "5s" maps:
      | secret key | remote | property |
      | password   | app/db | password |
    When the ExternalSecret "db" is created
    Then within 15 seconds the ExternalSecret "db" is Ready with reason "SecretSynced"
    And the Secret "db" key "password" holds remote "app/db" property "password"

  # ADR-002 §ClusterSecretStore Resources [adr002-vault-k8s-auth]: (ADR-002 §Decision) Vault's Kubernetes auth binds a role to named service accounts; another account is refused
  @vault @security @negative
  Scenario: A service account the Vault role does not bind cannot log in, so the store is not Ready
    Given a SecretStore "store" for vault that logs in with Kubernetes auth as service account "intruder", which the role does not bind
    Then within 15 seconds the SecretStore "store" is not Ready with reason "InvalidProviderConfig"
