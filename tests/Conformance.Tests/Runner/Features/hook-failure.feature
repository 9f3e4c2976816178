Feature: Hook failure
  @fail-before
  Scenario: A failing before-scenario hook
    Given a step that records itself

  @fail-after
  Scenario: A failing after-scenario hook
    Given a step that records itself
