@injected
Feature: Injection
  Scenario: Shared per scenario
    Given the shared object is touched by the first binding class
    When the second binding class touches it too
    Then both saw the same instance
    And the scenario context knows the title "Shared per scenario" and tag "@injected"

  Scenario: A new scenario gets a new object
    Given the shared object is touched by the first binding class
    Then it was touched once
    And the feature context counts 2 scenarios
