# ADR-016 §External Secrets Operator (ESO) [adr016-sync]: ESO, the Tier 2 pattern, syncs secrets from external stores into Kubernetes Secrets
# Note: ADR-016 §Pattern: AWS Secrets Manager (an ExternalSecret maps remote keys and JSON properties into a Secret the job reads as env) is cited by the first-sync scenario
# ADR-002 §Phase 2: Production (Vault → ESO → K8s Secrets): Vault KV v2 reaches Kubernetes Secrets through ESO
# ADR-014 §Tier 2: External Secrets Operator (ESO) [adr014-tier2-providers-local]: AWS and Vault as external stores (every scenario runs both)
# ADR-002 §Phase 1: Bootstrap (Cloud Secret Managers → ESO → K8s Secrets) [adr002-bootstrap-aws]: AWS Secrets Manager values synced by ESO into Kubernetes Secrets
# GUIDE §External Secrets Operator (Recommended) [guide-eso-sync]: ESO syncs secrets into Kubernetes
# GUIDE §Supported Backends [guide-backends-local]: from AWS Secrets Manager and from Vault (every scenario runs both)
# reference/eso.md §3 (providers), §4 (status), §5 (ESO's e2e cases SimpleDataSync, JSONDataWithProperty, JSONDataFromSync)
@tier2 @eso
Feature: Tier 2 - ESO syncs remote secrets into the Secrets notebook jobs read
  The harness writes generated canaries into a remote secret (AWS Secrets Manager or Vault KV v2), describes an
  ExternalSecret over it, and checks by fingerprint that ESO wrote each value into the Kubernetes Secret and that a
  NotebookValidationJob consuming that Secret saw the same value. Each case runs against both providers, as ESO's
  own e2e suite does; remote names are prefixed with the scenario's namespace.

  Background:
    Given a fresh namespace

  # ADR-016 §Pattern: AWS Secrets Manager [adr016-aws-pattern]: data[].remoteRef key + property land under the Secret keys the job references
  # ADR-016 §Architecture [adr016-always-up-to-date]: the NotebookValidationJob reads the synced Secret as env vars
  # ADR-016 §Neutral: the operator needs no change, the job just references the Kubernetes Secret
  # ADR-016 §Positive [adr016-transparent]: the NotebookValidationJob doesn't change, it just references the Kubernetes Secret
  # ADR-014 §Tier 2: External Secrets Operator (ESO) [adr014-tier2-eso-sync]: the job references the synced Secret exactly as in Tier 1
  # GUIDE §Example: AWS Secrets Manager [guide-aws-example]: a namespaced SecretStore for AWS Secrets Manager syncs a JSON property
  Scenario Outline: First sync writes JSON properties into the Secret and the job sees them (<provider>)
    Given remote secret "notebook/aws" in <provider> holds generated canaries under "access_key_id" and "secret_access_key"
    And a SecretStore "store" for <provider>
    And an ExternalSecret "aws-credentials" from SecretStore "store" with refreshInterval "5s" maps:
      | secret key        | remote       | property          |
      | access-key-id     | notebook/aws | access_key_id     |
      | secret-access-key | notebook/aws | secret_access_key |
    And the notebook job takes env "AWS_ACCESS_KEY_ID" from Secret "aws-credentials" key "access-key-id"
    And the notebook job takes env "AWS_SECRET_ACCESS_KEY" from Secret "aws-credentials" key "secret-access-key"
    When the ExternalSecret "aws-credentials" is created
    Then within 15 seconds the ExternalSecret "aws-credentials" is Ready with reason "SecretSynced"
    And the Secret "aws-credentials" key "access-key-id" holds remote "notebook/aws" property "access_key_id"
    And the Secret "aws-credentials" key "secret-access-key" holds remote "notebook/aws" property "secret_access_key"
    When the notebook job runs
    Then the job succeeds
    And the notebook saw env "AWS_ACCESS_KEY_ID" equal to remote "notebook/aws" property "access_key_id"
    And the notebook saw env "AWS_SECRET_ACCESS_KEY" equal to remote "notebook/aws" property "secret_access_key"

    @aws @needs:aws
    Examples: AWS Secrets Manager
      | provider |
      | aws      |

    @vault
    Examples: Vault KV v2
      | provider |
      | vault    |

  # GUIDE §Configuration: one remote secret per credential, its JSON keys become Secret keys
  # reference/eso.md §5: ESO e2e case JSONDataFromSync (dataFrom.extract); the remote secret has an earlier version, so the current one must be read
  Scenario Outline: dataFrom.extract turns every JSON property of a remote secret into a Secret key (<provider>)
    Given remote secret "app/db" in <provider> holds generated canaries under "username", "password" and "host"
    And remote secret "app/db" has an earlier version
    And a SecretStore "store" for <provider>
    And an ExternalSecret "db" from SecretStore "store" with refreshInterval "5s" extracts remote "app/db"
    When the ExternalSecret "db" is created
    Then within 15 seconds the ExternalSecret "db" is Ready with reason "SecretSynced"
    And the Secret "db" holds exactly the keys "host", "password" and "username"
    And the Secret "db" key "password" holds remote "app/db" property "password"
    And the Secret "db" key "username" holds remote "app/db" property "username"

    @aws @needs:aws
    Examples: AWS Secrets Manager
      | provider |
      | aws      |

    @vault
    Examples: Vault KV v2
      | provider |
      | vault    |

  # ADR-002 §Risks and Mitigations: spec.target.template formats secrets (here a connection string from two properties)
  # Note: the remote secret has an earlier version, so the template must be filled from the current one
  # Note: mergePolicy Replace (the default): only the rendered key is written, not the raw username and password (external-secrets#1429, #3869)
  Scenario Outline: A basic template renders a Secret key from remote properties (<provider>)
    Given remote secret "app/db" in <provider> holds generated canaries under "username" and "password"
    And remote secret "app/db" has an earlier version
    And a SecretStore "store" for <provider>
    And an ExternalSecret "db" from SecretStore "store" with refreshInterval "5s" maps:
      | secret key | remote | property |
      | username   | app/db | username |
      | password   | app/db | password |
    And the ExternalSecret "db" renders key "DATABASE_URL" from template "postgresql://{{ .username }}:{{ .password }}@db:5432/app"
    When the ExternalSecret "db" is created
    Then within 15 seconds the ExternalSecret "db" is Ready with reason "SecretSynced"
    And the Secret "db" key "DATABASE_URL" holds "postgresql://{username}:{password}@db:5432/app" filled in from remote "app/db"
    And the Secret "db" holds exactly the keys "DATABASE_URL"

    @aws @needs:aws
    Examples: AWS Secrets Manager
      | provider |
      | aws      |

    @vault
    Examples: Vault KV v2
      | provider |
      | vault    |
