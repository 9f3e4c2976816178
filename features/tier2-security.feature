# GUIDE §Security Best Practices [guide-never-commit]: never share secrets via unencrypted channels: the controllers' logs are such a channel
# reference/eso.md §5: ESO's own e2e prints the controller log on failure (printESDebugLogs), so a value logged there reaches CI output
@tier2 @eso @security
Feature: Tier 2 - synced secret values stay out of the controllers' logs
  ESO reads remote values and writes them into Kubernetes Secrets; the operator starts a job that reads them. Neither
  ESO nor any other controller may write those values into its log. The check scans every controller's log since the
  scenario started for the fingerprints of the scenario's canaries, both the remote ones and the copies in the Secret.

  Background:
    Given a fresh namespace

  # ADR-002 §Risks and Mitigations [adr002-template-logs]: credential exposure in logs: a sync and a job that uses its Secret log no value
  Scenario Outline: No synced value appears in the controllers' logs while a job uses the synced Secret (<provider>)
    Given remote secret "notebook/aws" in <provider> holds generated canaries under "access_key_id" and "secret_access_key"
    And a SecretStore "store" for <provider>
    And an ExternalSecret "aws-credentials" from SecretStore "store" with refreshInterval "5s" maps:
      | secret key        | remote       | property          |
      | access-key-id     | notebook/aws | access_key_id     |
      | secret-access-key | notebook/aws | secret_access_key |
    And the notebook job takes env "AWS_ACCESS_KEY_ID" from Secret "aws-credentials" key "access-key-id"
    And the notebook job takes env "AWS_SECRET_ACCESS_KEY" from Secret "aws-credentials" key "secret-access-key"
    And the ExternalSecret "aws-credentials" has synced
    When the notebook job runs
    Then the job succeeds
    And the notebook saw env "AWS_ACCESS_KEY_ID" equal to remote "notebook/aws" property "access_key_id"
    And no canary appears in the controller logs

    @aws @needs:aws
    Examples: AWS Secrets Manager
      | provider |
      | aws      |

    @vault
    Examples: Vault KV v2
      | provider |
      | vault    |
