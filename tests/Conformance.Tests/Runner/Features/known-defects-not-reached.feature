Feature: Known defects that the scenario never reached
  @known-defect:OP-3
  Scenario: The harness could not run the scenario
    Given the harness cannot start its world

  @known-defect:OP-4
  Scenario: An undefined step is not the defect
    Given a step nobody has written

  @known-defect:OP-5
  Scenario: A check that fails after the harness gave up is still not the defect
    Given the world failed to start and a check trips over it
