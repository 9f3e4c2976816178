@tier1 @area:secrets
Feature: Rows
  Scenario: Plain
    Given a defined step

  @ignore
  Scenario: Ignored
    Given a defined step

  @wip
  Scenario: Work in progress
    Given a defined step

  @serial @slow
  Scenario: Serial
    Given a defined step

  Scenario Outline: Outline
    Given a defined step

    Examples:
      | name  | n |
      | first | 1 |
