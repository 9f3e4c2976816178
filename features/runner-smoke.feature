# Runner smoke: proves the runner binds and runs steps; no environment needed
@runner @smoke
Feature: Runner smoke
  The Gherkin runner turns each scenario into an xunit test and its steps into binding calls.

  Background:
    Given an empty ledger

  Scenario: Amounts add up
    When 40 credits are booked
    And 2 credits are booked
    Then the balance is 42

  Scenario Outline: Words are counted
    When the text "<text>" is split into words
    Then there are <count> words

    Examples:
      | text                    | count |
      | one                     | 1     |
      | the quick brown fox     | 4     |

  Scenario: Tables and doc strings reach the bindings
    When these entries are booked:
      | account | amount |
      | alpha   | 10     |
      | beta    | -3     |
    Then the balance is 7
    And the ledger report reads:
      """
      alpha 10
      beta -3
      """
