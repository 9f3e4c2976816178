@broken-end
Feature: Broken feature end
  Scenario: Fine
    Given a defined step
