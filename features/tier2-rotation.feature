# ADR-016 §External Secrets Operator (ESO) [adr016-refresh-schedule]: ESO refreshes synced Secrets on a schedule (ADR-016 §Positive: Automatic Refresh)
# ADR-014 §Tier 2: External Secrets Operator (ESO) [adr014-tier2-refresh]: automatic refresh at a configurable interval
# Note: ADR-016 §Issue: Secrets not refreshing: refreshInterval decides when a rotation arrives (status.refreshTime is not checked here)
# ADR-002 §Positive: Automatic rotation: refreshInterval keeps secrets current
# GUIDE §Automated Rotation: with ESO, secrets are refreshed based on refreshInterval
# GUIDE §Rotating Admin Token: rotate in the external store; new pods (here: the next job) pick up the new value
# reference/eso.md §4 (shouldRefresh, requeue after refreshInterval)
@tier2 @eso @lifecycle
Feature: Tier 2 - a rotated remote value reaches the Secret and the next job
  A value rotated in AWS Secrets Manager (PutSecretValue) or Vault KV v2 (a new version) must reach the Kubernetes
  Secret within the ExternalSecret's refreshInterval, and the next notebook job must see it. Intervals are seconds
  here; the timeline attached to each scenario shows rotation, Secret update and job against the configured interval.

  Background:
    Given a fresh namespace

  # ADR-016 §Architecture [adr016-refresh-interval]: a rotation reaches the Secret within refreshInterval (ADR-016 §Positive: Automatic Refresh)
  # GUIDE §Rotating Admin Token: the next workload sees the rotated value
  Scenario Outline: A rotated value reaches the Secret within refreshInterval and the next job sees it (<provider>)
    Given remote secret "app/db" in <provider> holds generated canaries under "password"
    And a SecretStore "store" for <provider>
    And an ExternalSecret "db" from SecretStore "store" with refreshInterval "3s" maps:
      | secret key | remote | property |
      | password   | app/db | password |
    And the ExternalSecret "db" has synced
    And the notebook job takes env "DB_PASSWORD" from Secret "db" key "password"
    When remote secret "app/db" is rotated
    Then within 10 seconds the Secret "db" key "password" holds remote "app/db" property "password"
    When the notebook job runs
    Then the job succeeds
    And the notebook saw env "DB_PASSWORD" equal to remote "app/db" property "password"

    @aws @needs:aws
    Examples: AWS Secrets Manager
      | provider |
      | aws      |

    @vault
    Examples: Vault KV v2
      | provider |
      | vault    |
