# GUIDE §Security Best Practices [guide-never-commit]: never share secrets via unencrypted channels: logs and pod specs are such channels
# ADR-014 §Positive [adr014-least-privilege]: security best practices built in
# reference/operator.md §2.3 (git credentials), reference/operator.md §3 (controllers' logs)
@security
Feature: Secret values stay out of controller logs and pod specs
  The values a job receives must appear only inside the notebook. The controllers that handle them (operator, kubelet,
  API server, and on the twin every other component) log names and references, never values; the validation pod's
  spec holds references (secretKeyRef, secretRef), never values, and that includes the git credentials the operator
  uses to clone a private notebook repository.

  Background:
    Given a fresh namespace
    And a Secret "aws-credentials" holding generated canaries under "access-key-id" and "secret-access-key"

  Scenario: No secret value appears in the controllers' logs while a job uses Secrets
    Given the notebook job takes env "AWS_ACCESS_KEY_ID" from Secret "aws-credentials" key "access-key-id"
    And a Secret "notebook-env" holding generated canaries under "MLFLOW_TRACKING_PASSWORD"
    And the notebook job takes envFrom Secret "notebook-env"
    When the notebook job runs
    Then the job succeeds
    And no canary appears in the controller logs

  Scenario: No secret value appears in the controllers' logs when a job fails on a missing key
    Given the notebook job takes env "AWS_SESSION_TOKEN" from Secret "aws-credentials" key "session-token"
    When the notebook job runs
    Then the job fails
    And no canary appears in the controller logs

  # reference/operator.md §2.3: v1.0.8 splices username:token into the https URL inside the git-clone command
  @known-defect:git-token-in-init-command
  Scenario: The git credential token stays out of the validation pod's spec
    Given a git credentials Secret "git-credentials" with a generated username and token
    And the notebook job clones over https with git credentials "git-credentials"
    When the notebook job starts
    Then the validation pod exists within 30 seconds
    And no canary appears in the validation pod's spec
