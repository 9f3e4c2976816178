# GUIDE §Rotating Admin Token [guide-rotation-restart]: update the Secret, then restart: running pods keep the old value
# GUIDE §Rotating Admin Token [guide-rotation-verify]: the workload started after the update uses the new value
# ADR-014 §Tier 1: Static Secrets in Environment Variables [adr014-tier1-static]: no automatic rotation, secrets are static
# ADR-002 §Context [adr002-context-rotation]: "rotation without application restarts" does not hold for env injection
# reference/operator.md §2.1 (terminal phases are final: a new job is a new CR), §2.2 (env is fixed in the pod spec)
@tier1 @lifecycle
Feature: Tier 1 - rotating a static Secret, as the secret management guide describes it
  The guide rotates a Secret by updating it and restarting the pods that use it. For notebook jobs the restart is the
  next job: a job that is running when the Secret changes keeps the value it started with (env is resolved when the
  container starts), and the next job sees the new one. The probe notebook holds until the harness says go, so the
  rotation provably happens while the job runs.

  Background:
    Given a fresh namespace
    And a Secret "admin-token" holding generated canaries under "token"

  Scenario: A Secret rotated while a job runs leaves that job's env alone, and the next job sees the new value
    Given the notebook job takes env "ADMIN_API_TOKEN" from Secret "admin-token" key "token"
    And the notebook job holds until the harness says go
    When the notebook job starts
    And the notebook is running within 60 seconds
    And Secret "admin-token" key "token" is rotated to a new generated canary
    And the harness tells the notebook to go
    And the notebook job finishes
    Then the job succeeds
    And the notebook saw env "ADMIN_API_TOKEN" equal to the previous value of Secret "admin-token" key "token"
    When the notebook job runs again
    Then the job succeeds
    And the notebook saw env "ADMIN_API_TOKEN" equal to Secret "admin-token" key "token"
