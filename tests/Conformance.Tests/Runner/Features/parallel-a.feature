Feature: Parallel A
  Scenario: A waits for B
    Given feature A signals and waits for feature B
