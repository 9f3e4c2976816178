@hooked
Feature: Hooks
  Scenario: First
    Given a step that records itself

  @tagged
  Scenario: Second with a tag
    Given a step that records itself
    And a step that records itself
