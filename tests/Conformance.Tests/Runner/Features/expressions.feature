Feature: Expressions
  Scenario: Cucumber expressions with every built-in type
    Given an int -42, a long 9000000000, a float 2.5 and a decimal 0.1
    And the word hello-world and the string "double quoted \"x\"" and 'single quoted'
    And anything goes here: a b c!
    And the colour is Green
    And I have 1 cucumber
    And I have 3 cucumbers
    And the belly is full
    And the tummy is full
    And a literal (parenthesis) and {brace}
    And a delay of 5 seconds
    And a point at 3,4
    And the id 3f2504e0-4f89-11d3-9a0c-0305e82c3301

  Scenario: Anchored regular expressions
    When the regex step says 12 apples
    Then it was matched with 12 and "apples"

  Scenario: Regex is anchored on both ends
    When the regex step says 12 apples and more

  Scenario: A bad conversion names step, argument and parameter
    Given a number that is not one: abc

  Scenario: Step transformation by return type
    Given a span of 00:01:30
