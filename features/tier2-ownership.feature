# ADR-016 §Pattern: AWS Secrets Manager: the ExternalSecret's target uses creationPolicy Owner
# ADR-002 §ExternalSecret Example: target creationPolicy Owner
# reference/eso.md §4 (creationPolicy Owner: ownerReference, garbage-collected with the ExternalSecret; Orphan survives it)
@tier2 @eso @lifecycle
Feature: Tier 2 - who owns the synced Secret
  With creationPolicy Owner (the documents' choice) the Secret carries a controller ownerReference to its
  ExternalSecret and is garbage-collected with it; with Orphan it has no owner and outlives the ExternalSecret.

  Background:
    Given a fresh namespace

  # ADR-016 §Pattern: AWS Secrets Manager: creationPolicy Owner ties the Secret's life to the ExternalSecret
  Scenario Outline: Under creationPolicy Owner the Secret is garbage-collected with its ExternalSecret (<provider>)
    Given remote secret "app/db" in <provider> holds generated canaries under "password"
    And a SecretStore "store" for <provider>
    And an ExternalSecret "db" from SecretStore "store" with refreshInterval "5s" maps:
      | secret key | remote | property |
      | password   | app/db | password |
    And the ExternalSecret "db" has creationPolicy "Owner"
    And the ExternalSecret "db" has synced
    Then the Secret "db" is controlled by the ExternalSecret "db"
    When the ExternalSecret "db" is deleted
    Then within 10 seconds the Secret "db" is gone

    @aws @needs:aws
    Examples: AWS Secrets Manager
      | provider |
      | aws      |

    @vault
    Examples: Vault KV v2
      | provider |
      | vault    |

  # reference/eso.md §4: creationPolicy Orphan creates the Secret without an ownerReference; it survives the ExternalSecret
  Scenario Outline: Under creationPolicy Orphan the Secret outlives its ExternalSecret (<provider>)
    Given remote secret "app/db" in <provider> holds generated canaries under "password"
    And a SecretStore "store" for <provider>
    And an ExternalSecret "db" from SecretStore "store" with refreshInterval "5s" maps:
      | secret key | remote | property |
      | password   | app/db | password |
    And the ExternalSecret "db" has creationPolicy "Orphan"
    And the ExternalSecret "db" has synced
    Then the Secret "db" has no owner
    When the ExternalSecret "db" is deleted
    Then for 3 seconds the Secret "db" key "password" keeps remote "app/db" property "password"

    @aws @needs:aws
    Examples: AWS Secrets Manager
      | provider |
      | aws      |

    @vault
    Examples: Vault KV v2
      | provider |
      | vault    |
