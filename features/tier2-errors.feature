# Note: ADR-016 §Issue: ExternalSecret not syncing and GUIDE §External Secrets Not Syncing (a misconfigured store or an unreachable backend shows SecretSyncedError) are cited by the store scenarios
# Note: GUIDE §Secret Not Found (a job whose Secret was never synced fails with the Secret's name) is cited by the wrong-credentials scenario
# reference/eso.md §1 (v1 CRD schema), §4 (markAsFailed, flood gate)
@tier2 @eso @negative
Feature: Tier 2 - bad input and broken stores fail clearly
  A malformed ExternalSecret is refused by the API server with the field named. A store with wrong credentials or an
  unreachable backend leaves the ExternalSecret at SecretSyncedError and writes no Secret, so a job that consumes the
  Secret fails with the Secret's name instead of running with empty or stale values.

  Background:
    Given a fresh namespace

  # reference/eso.md §1: external-secrets.io/v1 CRD schema; target.creationPolicy is an enum
  Scenario: A malformed ExternalSecret is rejected by the CRD schema with the field named
    When an ExternalSecret "db" with "spec.target.creationPolicy" set to "Owned" is submitted
    Then the API server rejects it with a message naming "spec.target.creationPolicy"

  # ADR-016 §Issue: ExternalSecret not syncing [adr016-not-syncing]: wrong credentials give an error on the ExternalSecret
  # GUIDE §External Secrets Not Syncing [guide-eso-synced-error]: status shows SecretSyncedError
  # GUIDE §Secret Not Found [guide-secret-not-found]: the consuming job fails naming the Secret
  Scenario Outline: A store with wrong credentials gives SecretSyncedError and the job fails instead of running without values (<provider>)
    Given remote secret "app/db" in <provider> holds generated canaries under "password"
    And a SecretStore "store" for <provider> with wrong credentials
    And an ExternalSecret "db" from SecretStore "store" with refreshInterval "2s" maps:
      | secret key | remote | property |
      | password   | app/db | password |
    And the notebook job takes env "DB_PASSWORD" from Secret "db" key "password"
    When the ExternalSecret "db" is created
    Then within 15 seconds the ExternalSecret "db" is not Ready with reason "SecretSyncedError"
    And the Secret "db" does not exist
    When the notebook job runs
    Then the job fails
    And the job's message contains 'secret "db" not found'

    @aws @needs:aws
    Examples: AWS Secrets Manager
      | provider |
      | aws      |

    @vault
    Examples: Vault KV v2
      | provider |
      | vault    |

  # ADR-016 §Issue: ExternalSecret not syncing [adr016-not-syncing]: network connectivity issues
  # GUIDE §External Secrets Not Syncing [guide-eso-synced-error]: status shows SecretSyncedError
  @vault
  Scenario: An unreachable Vault leaves the store not Ready and the ExternalSecret at SecretSyncedError
    Given a SecretStore "store" for vault at an address where nothing listens
    And an ExternalSecret "db" from SecretStore "store" with refreshInterval "2s" maps:
      | secret key | remote | property |
      | password   | app/db | password |
    When the ExternalSecret "db" is created
    Then within 15 seconds the SecretStore "store" is not Ready with reason "InvalidProviderConfig"
    And within 15 seconds the ExternalSecret "db" is not Ready with reason "SecretSyncedError"
    And the Secret "db" does not exist
