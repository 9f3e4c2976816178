Feature: Errors
  Scenario: Undefined step
    Given a defined step
    When I do something with 3 "quoted" things and 2.5 more
    Then a defined step

  Scenario: Ambiguous step
    Given an ambiguous step

  Scenario: Binding throws
    Given a defined step
    When the binding throws
    Then a defined step

  Scenario: Pending step
    Given a pending step

  Scenario: Runtime skip
    Given the world lacks "docker"
    Then a defined step

  Scenario: Wrong parameter count
    Given a table with no table parameter:
      | a |
      | 1 |

  Scenario: Cancellation reaches the step
    Given a step that takes a cancellation token
