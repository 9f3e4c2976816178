# ADR-014 §Tier 1: Static Secrets in Environment Variables [adr014-tier1-no-dependencies]: works out-of-the-box, no ESO or Vault
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

  # ADR-014 §Current Architecture [adr014-env-secretkeyref]: env valueFrom.secretKeyRef reaches the notebook
  # GUIDE §Creating Secrets with kubectl [guide-manual-kubectl]: a Secret made by hand is what the workload reads
  Scenario: A Secret key reaches the notebook through env secretKeyRef
    Given the notebook job takes env "AWS_ACCESS_KEY_ID" from Secret "aws-credentials" key "access-key-id"
    When the notebook job runs
    Then the job succeeds
    And the notebook saw env "AWS_ACCESS_KEY_ID" equal to Secret "aws-credentials" key "access-key-id"

  # ADR-014 §Alternative 3: Custom Secret Injection Mechanism [adr014-envfrom]: Kubernetes already provides envFrom
  Scenario: Every key of a Secret reaches the notebook through envFrom
    Given a Secret "notebook-env" holding generated canaries under "AWS_ACCESS_KEY_ID" and "AWS_SECRET_ACCESS_KEY"
    And the notebook job takes envFrom Secret "notebook-env"
    When the notebook job runs
    Then the job succeeds
    And the notebook saw env "AWS_ACCESS_KEY_ID" equal to Secret "notebook-env" key "AWS_ACCESS_KEY_ID"
    And the notebook saw env "AWS_SECRET_ACCESS_KEY" equal to Secret "notebook-env" key "AWS_SECRET_ACCESS_KEY"

  # ADR-014 §Alternative 3: Custom Secret Injection Mechanism [adr014-envfrom]: credentials is the operator's envFrom shorthand
  Scenario: The credentials shorthand delivers a Secret like envFrom
    Given a Secret "notebook-env" holding generated canaries under "AWS_ACCESS_KEY_ID" and "AWS_SECRET_ACCESS_KEY"
    And the notebook job lists Secret "notebook-env" under credentials
    When the notebook job runs
    Then the job succeeds
    And the notebook saw env "AWS_SECRET_ACCESS_KEY" equal to Secret "notebook-env" key "AWS_SECRET_ACCESS_KEY"

  # ADR-014 §Tier 1: Static Secrets in Environment Variables [adr014-tier1-env]: secretKeyRef and plain values (AWS_REGION) side by side
  Scenario: A ConfigMap value arrives beside a Secret value
    Given a ConfigMap "notebook-settings" with "region" set to "us-east-1"
    And the notebook job takes env "AWS_ACCESS_KEY_ID" from Secret "aws-credentials" key "access-key-id"
    And the notebook job takes env "AWS_REGION" from ConfigMap "notebook-settings" key "region"
    When the notebook job runs
    Then the job succeeds
    And the notebook saw env "AWS_ACCESS_KEY_ID" equal to Secret "aws-credentials" key "access-key-id"
    And the notebook saw env "AWS_REGION" equal to "us-east-1"

  # GUIDE §Migrating from Inline Secrets [guide-verify-pod-access]: pods reach Secrets through volume mounts as well as env
  # GUIDE §Creating Secrets from Files [guide-manual-from-file]: the file holds the Secret's exact bytes
  Scenario: A Secret mounted as a volume reaches the notebook as files with the exact bytes
    Given a Secret "signing-key" holding a generated binary canary under "key.der"
    And the notebook job mounts Secret "aws-credentials" at "/etc/notebook-secrets"
    And the notebook job mounts Secret "signing-key" at "/etc/notebook-keys"
    When the notebook job runs
    Then the job succeeds
    And the notebook read file "/etc/notebook-secrets/access-key-id" equal to Secret "aws-credentials" key "access-key-id"
    And the notebook read file "/etc/notebook-secrets/secret-access-key" equal to Secret "aws-credentials" key "secret-access-key"
    And the notebook read file "/etc/notebook-keys/key.der" with exactly the bytes of Secret "signing-key" key "key.der"

  # GUIDE §Secret Not Found [guide-secret-not-found]: the error names the missing Secret
  @negative
  Scenario: A missing Secret fails the job with a message naming the Secret
    Given the notebook job takes env "DB_PASSWORD" from Secret "database-credentials" key "password"
    When the notebook job runs
    Then the job fails
    And the job's message contains "CreateContainerConfigError"
    And the job's message contains 'secret "database-credentials" not found'
    And the job gave up within the retry budget of 3 retries

  # GUIDE §Pod Cannot Read Secret [guide-key-name]: a key name that does not match leaves the workload without the value
  @negative
  Scenario: A missing key fails the job with a message naming the key
    Given the notebook job takes env "AWS_SESSION_TOKEN" from Secret "aws-credentials" key "session-token"
    When the notebook job runs
    Then the job fails
    And the job's message contains "couldn't find key session-token in Secret"

  # GUIDE §Security Best Practices [guide-never-commit]: secrets are never shared through plain channels (status, events, pod spec)
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

  # ADR-014 §Tier 1: Static Secrets in Environment Variables [adr014-tier1-env]: user env is added to what the notebook runs with
  # reference/operator.md §2.2: with user env, Containers[0].Env is replaced, so HOME and VALIDATION_* disappear.
  @known-defect:user-env-drops-builtin-env
  Scenario: Built-in env is kept when the job gives its own env
    Given the notebook job takes env "AWS_ACCESS_KEY_ID" from Secret "aws-credentials" key "access-key-id"
    When the notebook job runs
    Then the job succeeds
    And the notebook saw env "HOME" equal to "/workspace"
    And the notebook saw env "AWS_ACCESS_KEY_ID" equal to Secret "aws-credentials" key "access-key-id"
