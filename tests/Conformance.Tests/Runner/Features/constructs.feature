# Every Gherkin construct the runner supports, in one file.
@feature-tag @owner:platform
Feature: Constructs
  A description line that the parser keeps.

  Background:
    Given a fresh counter

  Scenario: Plain scenario with And and But
    When I add 2
    And I add 3
    But I subtract 1
    Then the counter is 4
    And the counter is not 5

  @outline-tag
  Scenario Outline: Outline <a> plus <b>
    When I add <a>
    And I add <b>
    Then the counter is <sum>

    @small
    Examples: small numbers
      | a | b | sum |
      | 1 | 2 | 3   |
      | 0 | 0 | 0   |

    @large
    Examples: large numbers
      | a    | b    | sum  |
      | 1000 | 2000 | 3000 |

  Scenario: Data table and doc string with media type
    When I add each of:
      | value |
      | 5     |
      | 7     |
    Then the counter is 12
    And the note reads:
      ```json
      {"counter": 12}
      ```

  Scenario: A star step takes the previous keyword
    * I add 9
    Then the counter is 9
    * the counter is 9

  @rule-tag
  Rule: Rules have their own background
    Background:
      Given I add 100

    @rule-scenario
    Scenario: Rule background runs after the feature background
      When I add 1
      Then the counter is 101
