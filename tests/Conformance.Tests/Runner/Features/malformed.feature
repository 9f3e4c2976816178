Feature: Malformed
  Scenario: Broken
    Given a defined step
    This is not a step
