@broken-feature
Feature: Broken feature hook
  Scenario: One
    Given a defined step

  Scenario: Two
    Given a defined step
