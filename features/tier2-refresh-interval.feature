# Note: ADR-016 §Issue: Secrets not refreshing: refreshInterval decides when a rotation arrives; status.refreshTime is cited by the scenarios that check it
# ADR-016 §Negative: Latency: secrets are synced on schedule, not in real time
# reference/eso.md §4 (shouldRefresh, force sync, refreshInterval 0), §6.4 (#4167)
@tier2 @eso @lifecycle
Feature: Tier 2 - forcing a sync, refreshInterval 0, and status.refreshTime
  Changing an annotation on the ExternalSecret forces a sync long before its refreshInterval; with refreshInterval 0
  ESO syncs once and never again, not even when an annotation changes. status.refreshTime, the field to look at when
  a Secret seems stale, moves forward with each refresh, forced or scheduled.

  Background:
    Given a fresh namespace

  # Note: ADR-016 §Issue: Secrets not refreshing: a sync can be forced without waiting for refreshInterval (no claim of the register)
  # reference/eso.md §4: any annotation change forces a sync (docs "Manual Refresh")
  Scenario Outline: Changing an annotation forces a sync long before refreshInterval (<provider>)
    Given remote secret "app/db" in <provider> holds generated canaries under "password"
    And a SecretStore "store" for <provider>
    And an ExternalSecret "db" from SecretStore "store" with refreshInterval "1h" maps:
      | secret key | remote | property |
      | password   | app/db | password |
    And the ExternalSecret "db" has synced
    When remote secret "app/db" is rotated
    Then for 3 seconds the Secret "db" key "password" keeps the previous value of remote "app/db" property "password"
    When the ExternalSecret "db" is annotated to force a sync
    Then within 10 seconds the Secret "db" key "password" holds remote "app/db" property "password"

    @aws @needs:aws
    Examples: AWS Secrets Manager
      | provider |
      | aws      |

    @vault
    Examples: Vault KV v2
      | provider |
      | vault    |

  # reference/eso.md §4: refreshInterval "0s" fetches once; §6.4 (#4167): later spec or annotation changes do not sync either
  # ADR-016 §Negative: Latency: secrets are synced on schedule, so without a schedule a rotation never arrives
  Scenario Outline: With refreshInterval 0 the Secret is synced once and never refreshed (<provider>)
    Given remote secret "app/db" in <provider> holds generated canaries under "password"
    And a SecretStore "store" for <provider>
    And an ExternalSecret "db" from SecretStore "store" with refreshInterval "0s" maps:
      | secret key | remote | property |
      | password   | app/db | password |
    And the ExternalSecret "db" has synced
    When remote secret "app/db" is rotated
    Then for 5 seconds the Secret "db" key "password" keeps the previous value of remote "app/db" property "password"
    When the ExternalSecret "db" is annotated to force a sync
    Then for 3 seconds the Secret "db" key "password" keeps the previous value of remote "app/db" property "password"

    @aws @needs:aws
    Examples: AWS Secrets Manager
      | provider |
      | aws      |

    @vault
    Examples: Vault KV v2
      | provider |
      | vault    |

  # ADR-016 §Issue: Secrets not refreshing [adr016-refresh-time]: status.refreshTime tells when the Secret was last refreshed (a forced sync)
  Scenario Outline: status.refreshTime moves forward when a forced sync refreshes the Secret (<provider>)
    Given remote secret "app/db" in <provider> holds generated canaries under "password"
    And a SecretStore "store" for <provider>
    And an ExternalSecret "db" from SecretStore "store" with refreshInterval "1h" maps:
      | secret key | remote | property |
      | password   | app/db | password |
    And the ExternalSecret "db" has synced
    And the ExternalSecret "db"'s status.refreshTime is noted
    When remote secret "app/db" is rotated
    Then for 2 seconds the Secret "db" key "password" keeps the previous value of remote "app/db" property "password"
    When the ExternalSecret "db" is annotated to force a sync
    Then within 10 seconds the ExternalSecret "db"'s status.refreshTime moves forward to a refresh after it was noted
    And the Secret "db" key "password" holds remote "app/db" property "password"

    @aws @needs:aws
    Examples: AWS Secrets Manager
      | provider |
      | aws      |

    @vault
    Examples: Vault KV v2
      | provider |
      | vault    |

  # ADR-016 §Issue: Secrets not refreshing [adr016-refresh-time]: status.refreshTime tells when the Secret was last refreshed (a scheduled refresh)
  Scenario Outline: status.refreshTime moves forward when refreshInterval refreshes the Secret (<provider>)
    Given remote secret "app/db" in <provider> holds generated canaries under "password"
    And a SecretStore "store" for <provider>
    And an ExternalSecret "db" from SecretStore "store" with refreshInterval "3s" maps:
      | secret key | remote | property |
      | password   | app/db | password |
    And the ExternalSecret "db" has synced
    And the ExternalSecret "db"'s status.refreshTime is noted
    When remote secret "app/db" is rotated
    Then within 10 seconds the ExternalSecret "db"'s status.refreshTime moves forward to a refresh after it was noted
    And the Secret "db" key "password" holds remote "app/db" property "password"

    @aws @needs:aws
    Examples: AWS Secrets Manager
      | provider |
      | aws      |

    @vault
    Examples: Vault KV v2
      | provider |
      | vault    |
