Feature: Known defects
  @known-defect:OP-1
  Scenario: Documented defect still fails
    Given the operator behaves "badly"

  @known-defect:OP-2
  Scenario: Documented defect no longer reproduces
    Given the operator behaves "well"

  Scenario: Ordinary failure
    Given the operator behaves "badly"
