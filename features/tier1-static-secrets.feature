# ADR-014 §Decision, Tier 1: "Use Kubernetes Secrets with spec.podConfig.env"
# ADR-014 §Current Architecture: env valueFrom.secretKeyRef reaches the notebook
# reference/operator.md §2.2 (how env, envFrom and credentials reach the validator container), §2.5 (failures)
@tier1
Feature: Tier 1 - static Kubernetes Secrets reach the notebook
  A NotebookValidationJob's notebook receives the values of Kubernetes Secrets through podConfig.env
  (valueFrom.secretKeyRef), podConfig.envFrom and the podConfig.credentials shorthand. The harness writes
  generated canaries into the Secrets; the probe notebook prints only fingerprints of what it saw, which the
  harness compares with the canaries. A missing Secret or key must fail the job clearly, within the retry budget,
  and no secret value may appear in the job's status, its events, or the pod's spec.

  Background:
    Given a fresh namespace
    And a Secret "aws-credentials" holding generated canaries under "access-key-id" and "secret-access-key"

  Scenario: A Secret key reaches the notebook through env secretKeyRef
    Given the notebook job takes env "AWS_ACCESS_KEY_ID" from Secret "aws-credentials" key "access-key-id"
    When the notebook job runs
    Then the job succeeds
    And the notebook saw env "AWS_ACCESS_KEY_ID" equal to Secret "aws-credentials" key "access-key-id"

  Scenario: Every key of a Secret reaches the notebook through envFrom
    Given a Secret "notebook-env" holding generated canaries under "AWS_ACCESS_KEY_ID" and "AWS_SECRET_ACCESS_KEY"
    And the notebook job takes envFrom Secret "notebook-env"
    When the notebook job runs
    Then the job succeeds
    And the notebook saw env "AWS_ACCESS_KEY_ID" equal to Secret "notebook-env" key "AWS_ACCESS_KEY_ID"
    And the notebook saw env "AWS_SECRET_ACCESS_KEY" equal to Secret "notebook-env" key "AWS_SECRET_ACCESS_KEY"

  Scenario: The credentials shorthand delivers a Secret like envFrom
    Given a Secret "notebook-env" holding generated canaries under "AWS_ACCESS_KEY_ID" and "AWS_SECRET_ACCESS_KEY"
    And the notebook job lists Secret "notebook-env" under credentials
    When the notebook job runs
    Then the job succeeds
    And the notebook saw env "AWS_SECRET_ACCESS_KEY" equal to Secret "notebook-env" key "AWS_SECRET_ACCESS_KEY"

  Scenario: A ConfigMap value arrives beside a Secret value
    Given a ConfigMap "notebook-settings" with "region" set to "us-east-1"
    And the notebook job takes env "AWS_ACCESS_KEY_ID" from Secret "aws-credentials" key "access-key-id"
    And the notebook job takes env "AWS_REGION" from ConfigMap "notebook-settings" key "region"
    When the notebook job runs
    Then the job succeeds
    And the notebook saw env "AWS_ACCESS_KEY_ID" equal to Secret "aws-credentials" key "access-key-id"
    And the notebook saw env "AWS_REGION" equal to "us-east-1"

  @negative
  Scenario: A missing Secret fails the job with a message naming the Secret
    Given the notebook job takes env "DB_PASSWORD" from Secret "database-credentials" key "password"
    When the notebook job runs
    Then the job fails
    And the job's message contains "CreateContainerConfigError"
    And the job's message contains 'secret "database-credentials" not found'

  @negative
  Scenario: A missing key fails the job with a message naming the key
    Given the notebook job takes env "AWS_SESSION_TOKEN" from Secret "aws-credentials" key "session-token"
    When the notebook job runs
    Then the job fails
    And the job's message contains "couldn't find key session-token in Secret"

  @security
  Scenario: No secret value appears in the job's status, its events or the pod's spec
    Given the notebook job takes env "AWS_ACCESS_KEY_ID" from Secret "aws-credentials" key "access-key-id"
    And a Secret "notebook-env" holding generated canaries under "AWS_ACCESS_KEY_ID" and "AWS_SECRET_ACCESS_KEY"
    And the notebook job takes envFrom Secret "notebook-env"
    When the notebook job runs
    Then the job succeeds
    And no canary appears in the job's status
    And no canary appears in the namespace's events
    And no canary appears in the validation pod's spec
    And no canary appears in the controller logs

  # reference/operator.md §2.2: with user env, Containers[0].Env is replaced, so HOME and VALIDATION_* disappear.
  @known-defect:user-env-drops-builtin-env
  Scenario: Built-in env is kept when the job gives its own env
    Given the notebook job takes env "AWS_ACCESS_KEY_ID" from Secret "aws-credentials" key "access-key-id"
    When the notebook job runs
    Then the job succeeds
    And the notebook saw env "HOME" equal to "/workspace"
    And the notebook saw env "AWS_ACCESS_KEY_ID" equal to Secret "aws-credentials" key "access-key-id"
