# ADR-014 §User Stories [adr014-us13-least-privilege]: US-13, least-privilege access to secrets
# GUIDE §Security Best Practices [guide-least-privilege]: least-privilege access
# reference/operator.md §2.7: the kubelet resolves env Secrets; the operator reads only the git credentials Secret
@security @us-13
Feature: US-13 - a job's service account needs no access to Secrets, and has none
  ADR-019 (cited by ADR-014 and ADR-017) says the validation pod's service account needs RBAC get on Secrets for env
  injection. It does not: the kubelet resolves secretKeyRef and envFrom with its own credentials. So least privilege
  is reachable: the job runs as an account with no RBAC at all, still receives the values, and cannot read any Secret
  through the API in its namespace. Even an account that may read its own namespace's Secrets cannot read or list
  another namespace's: a RoleBinding grants only in its own namespace.

  Background:
    Given a fresh namespace
    And a Secret "aws-credentials" holding generated canaries under "access-key-id"
    And a service account "notebook-runner" with no RBAC permissions

  # GUIDE §Permission Denied [guide-rbac-permissions]: ADR-019's "needs RBAC on Secrets" checked and found unnecessary
  # ADR-014 §Related ADRs [adr014-adr019-access-control]: ADR-019's RBAC claim
  Scenario: US-13 - a job whose service account has no RBAC at all still receives its Secret through env
    Given the notebook job runs as service account "notebook-runner"
    And the notebook job takes env "AWS_ACCESS_KEY_ID" from Secret "aws-credentials" key "access-key-id"
    When the notebook job runs
    Then the job succeeds
    And the notebook saw env "AWS_ACCESS_KEY_ID" equal to Secret "aws-credentials" key "access-key-id"
    And service account "notebook-runner" has no RoleBinding or ClusterRoleBinding
    And service account "notebook-runner" cannot read Secret "aws-credentials" through the API

  Scenario: US-13 - a job's service account cannot read or list another namespace's Secrets through the API
    Given a Secret "database-credentials" in another namespace holding generated canaries under "password"
    And service account "notebook-runner" may get and list Secrets in its own namespace
    Then service account "notebook-runner" cannot read Secret "database-credentials" of the other namespace through the API
    And service account "notebook-runner" cannot list Secrets of the other namespace through the API
