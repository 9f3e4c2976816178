Feature: Parallel B
  Scenario: B waits for A
    Given feature B signals and waits for feature A
