# The user stories of ADR-014 (§User Stories), told at Tier 1 where that is honest; each scenario cites its story.
# US-12 (Vault) is told by the Tier 2 and Tier 3 features (ESO with Vault KV, Vault Agent); US-13 by security-least-privilege.feature.
@tier1
Feature: ADR-014's user stories, at Tier 1
  A data scientist's notebook gets what it needs to load training data from S3, and an ML engineer's notebook queries
  a database, each with credentials from a Kubernetes Secret. US-10 stops at the credentials: the twin's S3 (moto)
  does not check signatures, so a download would prove nothing more than the fingerprints do.

  Background:
    Given a fresh namespace

  # ADR-014 §User Stories [adr014-us10-s3]: US-10, load training data from S3 during validation
  # ADR-014 §Tier 1: Static Secrets in Environment Variables [adr014-tier1-env]: the Tier 1 example, AWS keys from a Secret and AWS_REGION as a value
  @us-10
  Scenario: US-10 - a data scientist's notebook gets the S3 credentials and region it loads training data with
    Given a Secret "aws-credentials" holding generated canaries under "access-key-id" and "secret-access-key"
    And the notebook job takes env "AWS_ACCESS_KEY_ID" from Secret "aws-credentials" key "access-key-id"
    And the notebook job takes env "AWS_SECRET_ACCESS_KEY" from Secret "aws-credentials" key "secret-access-key"
    And the notebook job sets env "AWS_REGION" to "us-east-1"
    When the notebook job runs
    Then the job succeeds
    And the notebook saw env "AWS_ACCESS_KEY_ID" equal to Secret "aws-credentials" key "access-key-id"
    And the notebook saw env "AWS_SECRET_ACCESS_KEY" equal to Secret "aws-credentials" key "secret-access-key"
    And the notebook saw env "AWS_REGION" equal to "us-east-1"

  # ADR-014 §User Stories [adr014-us11-database]: US-11, query a database for feature engineering
  @us-11 @needs:postgres
  Scenario: US-11 - an ML engineer's notebook logs in to Postgres with a Secret's credentials and reads its features
    Given a Postgres role in Secret "database-credentials" under "DB_USER" and "DB_PASSWORD" that may read a table of features
    And the notebook job takes envFrom Secret "database-credentials"
    And the notebook queries the features table as env "DB_USER" with password env "DB_PASSWORD"
    When the notebook job runs
    Then the job succeeds
    And the notebook logged in to Postgres and read the table
