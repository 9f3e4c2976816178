# Note: ADR-016 §Issue: ExternalSecret not syncing (a secret missing in the external store shows as an error) is cited by the Retain and soft-delete scenarios
# Note: ADR-002 §Risks and Mitigations (the synced Secret remains in Kubernetes when nothing can be synced) is cited by the Retain scenario only
# reference/eso.md §4 (deletionPolicy Retain, Delete, Merge; the AWS soft-delete gotcha), §6.2 (#4560)
@tier2 @eso @lifecycle
Feature: Tier 2 - what happens to the Secret when the remote secret is deleted
  deletionPolicy says what ESO does when the remote secret disappears: Retain keeps the last synced Secret and reports
  SecretSyncedError, Delete removes the Secret (Ready, SecretDeleted), Merge removes only the keys whose remote data is
  gone. Remote secrets are deleted without recovery (AWS ForceDeleteWithoutRecovery, Vault KV metadata delete), as
  ESO's own e2e suite does; one AWS scenario shows what a soft delete does instead.

  Background:
    Given a fresh namespace

  # ADR-002 §Risks and Mitigations [adr002-eso-unavailable]: the synced Secret remains in Kubernetes when ESO cannot sync it (here the backend lost it, deletionPolicy Retain)
  # ADR-016 §Issue: ExternalSecret not syncing [adr016-not-syncing]: the ExternalSecret shows the error
  Scenario Outline: Under deletionPolicy Retain the Secret keeps its last value and the ExternalSecret reports the error (<provider>)
    Given remote secret "app/db" in <provider> holds generated canaries under "password"
    And a SecretStore "store" for <provider>
    And an ExternalSecret "db" from SecretStore "store" with refreshInterval "2s" maps:
      | secret key | remote | property |
      | password   | app/db | password |
    And the ExternalSecret "db" has deletionPolicy "Retain"
    And the ExternalSecret "db" has synced
    When remote secret "app/db" is deleted
    Then within 10 seconds the ExternalSecret "db" is not Ready with reason "SecretSyncedError"
    And for 3 seconds the Secret "db" key "password" keeps remote "app/db" property "password"

    @aws @needs:aws
    Examples: AWS Secrets Manager
      | provider |
      | aws      |

    @vault
    Examples: Vault KV v2
      | provider |
      | vault    |

  # reference/eso.md §4: deletionPolicy Delete removes the Secret once all its remote data is gone (Ready=True, SecretDeleted)
  Scenario Outline: Under deletionPolicy Delete the Secret is removed with its remote secret (<provider>)
    Given remote secret "app/db" in <provider> holds generated canaries under "password"
    And a SecretStore "store" for <provider>
    And an ExternalSecret "db" from SecretStore "store" with refreshInterval "2s" maps:
      | secret key | remote | property |
      | password   | app/db | password |
    And the ExternalSecret "db" has deletionPolicy "Delete"
    And the ExternalSecret "db" has synced
    When remote secret "app/db" is deleted
    Then within 10 seconds the Secret "db" is gone
    And within 5 seconds the ExternalSecret "db" is Ready with reason "SecretDeleted"

    @aws @needs:aws
    Examples: AWS Secrets Manager
      | provider |
      | aws      |

    @vault
    Examples: Vault KV v2
      | provider |
      | vault    |

  # reference/eso.md §4: deletionPolicy Merge removes the keys whose remote data is gone and keeps the Secret
  Scenario Outline: Under deletionPolicy Merge only the keys of the deleted remote secret go (<provider>)
    Given remote secret "app/db" in <provider> holds generated canaries under "password"
    And remote secret "app/api" in <provider> holds generated canaries under "token"
    And a SecretStore "store" for <provider>
    And an ExternalSecret "app" from SecretStore "store" with refreshInterval "2s" maps:
      | secret key | remote  | property |
      | password   | app/db  | password |
      | api-token  | app/api | token    |
    And the ExternalSecret "app" has deletionPolicy "Merge"
    And the ExternalSecret "app" has synced
    When remote secret "app/api" is deleted
    Then within 10 seconds the Secret "app" holds exactly the keys "password"
    And the Secret "app" key "password" holds remote "app/db" property "password"
    And within 5 seconds the ExternalSecret "app" is Ready with reason "SecretSynced"

    @aws @needs:aws
    Examples: AWS Secrets Manager
      | provider |
      | aws      |

    @vault
    Examples: Vault KV v2
      | provider |
      | vault    |

  # ADR-016 §Issue: ExternalSecret not syncing [adr016-not-syncing]: the ExternalSecret shows the error
  # reference/eso.md §4 gotcha, §6.2 (#4560): a secret pending deletion answers InvalidRequestException, which ESO
  # >= 0.18 does not treat as "missing": the Secret stays and the ExternalSecret reports SecretSyncedError, even under Delete
  @aws @needs:aws @negative
  Scenario: A soft-deleted AWS secret is reported as a sync error, not as deleted
    Given remote secret "app/db" in aws holds generated canaries under "password"
    And a SecretStore "store" for aws
    And an ExternalSecret "db" from SecretStore "store" with refreshInterval "2s" maps:
      | secret key | remote | property |
      | password   | app/db | password |
    And the ExternalSecret "db" has deletionPolicy "Delete"
    And the ExternalSecret "db" has synced
    When remote secret "app/db" is scheduled for deletion with a recovery window
    Then within 10 seconds the ExternalSecret "db" is not Ready with reason "SecretSyncedError"
    And for 3 seconds the Secret "db" key "password" keeps remote "app/db" property "password"
