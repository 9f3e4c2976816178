@evidence
Feature: Attachments
  Scenario: A step attaches evidence
    Given a step attaches a text and a binary file
    Then a defined step
