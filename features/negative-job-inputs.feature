# ADR-014 §Related ADRs [adr014-adr019-access-control]: the pod runs under its service account and its namespace's Pod Security level
# reference/operator.md §2.5 (failure scenarios and their messages), §2.6 (retries)
@negative
Feature: Bad input to a notebook job fails it clearly
  A job given something it cannot run with must end Failed, promptly, with a message that names the cause; it must
  not hang, and it must not be reported as a success. Each scenario runs on a Secret the job could otherwise use.

  Background:
    Given a fresh namespace
    And a Secret "aws-credentials" holding generated canaries under "access-key-id"

  # GUIDE §Permission Denied [guide-sa-assigned]: the pod runs as the service account the job names
  Scenario: A service account that does not exist fails the job at once, naming the account
    Given the notebook job takes env "AWS_ACCESS_KEY_ID" from Secret "aws-credentials" key "access-key-id"
    And the notebook job runs as service account "no-such-runner"
    When the notebook job runs
    Then the job fails
    And the job failed without retrying
    And the job's message contains "Failed to create validation pod"
    And the job's message contains 'serviceaccount "no-such-runner" not found'

  # reference/operator.md §2.2 (PSA): the pod violates restricted, so creation is forbidden and the job fails at once
  Scenario: A namespace enforcing Pod Security restricted refuses the validation pod and the job fails at once
    Given the namespace enforces Pod Security "restricted"
    And the notebook job takes env "AWS_ACCESS_KEY_ID" from Secret "aws-credentials" key "access-key-id"
    When the notebook job runs
    Then the job fails
    And the job failed without retrying
    And the job's message contains "Failed to create validation pod"
    And the job's message contains 'violates PodSecurity "restricted'

  # ADR-014 §Context [adr014-validation-verdict]: the job's verdict is the notebook's
  Scenario: A notebook whose cell fails fails the job within the retry budget, with no cell results
    Given the notebook job takes env "AWS_ACCESS_KEY_ID" from Secret "aws-credentials" key "access-key-id"
    And the notebook's last cell raises an error
    When the notebook job runs
    Then the job fails
    And the job's message contains "Validation failed after" or "Maximum retry attempts exceeded"
    And the job gave up within the retry budget of 3 retries
    And the job's status holds no cell results

  # GUIDE §Secret Not Found [guide-same-namespace]: the Secret must be in the job's namespace
  Scenario: A Secret in another namespace is not found: the job fails naming it
    Given a Secret "database-credentials" in another namespace holding generated canaries under "password"
    And the notebook job takes env "DB_PASSWORD" from Secret "database-credentials" key "password"
    When the notebook job runs
    Then the job fails
    And the job's message contains 'secret "database-credentials" not found'
    And the job gave up within the retry budget of 3 retries
