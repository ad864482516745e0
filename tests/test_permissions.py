"""The execution-role check and endpoint policies on changed samples."""

from __future__ import annotations

import json
from typing import Any

from netgraph.check import check_source
from netgraph.flows import hypothetical_source, service_sources
from netgraph.reach import Trace

from .conftest import build, sample_data, snap

ROLE = build.EXEC_ROLE
OTHER_ACCOUNT_IMAGE = f"222233334444.dkr.ecr.{build.REGION}.amazonaws.com/shared/base:1"
OTHER_REPO = f"arn:aws:ecr:{build.REGION}:222233334444:repository/shared/base"


def role_check(data: dict[str, Any]) -> Trace:
    s = snap(data)
    return check_source(s, service_sources(s)[0], ["iam:execution-role"])[0]


def network(data: dict[str, Any], target: str) -> Trace:
    s = snap(data)
    return check_source(s, service_sources(s)[0], [target])[0]


def set_inline(data: dict[str, Any], *statements: dict[str, Any]) -> None:
    role = data["RoleDetailList"][0]
    role["AttachedManagedPolicies"] = []
    role["RolePolicyList"] = [
        {
            "PolicyName": "custom",
            "PolicyDocument": {"Version": "2012-10-17", "Statement": list(statements)},
        }
    ]


def test_healthy_role_names_the_granting_policy_of_each_call() -> None:
    t = role_check(sample_data("healthy-endpoints"))
    assert t.verdict == "allowed"
    granted = {
        h.reason.split(" is allowed by ")[0]: h.id for h in t.hops if h.kind == "iam-permission"
    }
    assert granted["ecr:GetAuthorizationToken on *"] == build.TASK_EXECUTION_POLICY
    secret_call = next(k for k in granted if k.startswith("secretsmanager:GetSecretValue"))
    assert granted[secret_call] == ROLE  # the inline policy
    assert "shipped copy" in t.reason


def test_no_execution_role_is_denied_at_the_task_definition() -> None:
    data = sample_data("healthy-endpoints")
    del data["taskDefinitions"][0]["executionRoleArn"]
    t = role_check(data)
    assert t.verdict == "denied" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (
        data["taskDefinitions"][0]["taskDefinitionArn"],
        "IAM_NO_EXECUTION_ROLE",
    )


def test_roles_not_collected_or_missing_policy_document_is_unknown() -> None:
    data = sample_data("healthy-endpoints")
    del data["RoleDetailList"]
    assert role_check(data).verdict == "unknown"
    data = sample_data("healthy-endpoints")
    data["RoleDetailList"][0]["AttachedManagedPolicies"].append(
        {"PolicyName": "x", "PolicyArn": "arn:aws:iam::111122223333:policy/x"}
    )
    t = role_check(data)
    assert t.verdict == "unknown" and "arn:aws:iam::111122223333:policy/x" in t.reason


def test_an_unreadable_identity_policy_makes_the_role_unknown_not_allowed() -> None:
    # Kills: an unreadable identity policy ignored (it may hold a Deny). The role's other
    # policies allow every call, so only the unreadable one can stand in the way.
    data = sample_data("healthy-endpoints")
    assert role_check(data).verdict == "allowed"
    data["RoleDetailList"][0]["RolePolicyList"].append(
        {"PolicyName": "garbled", "PolicyDocument": "%7Bnot%20json"}
    )
    t = role_check(data)
    assert t.verdict == "unknown" and t.blocked_at is None


def test_an_unreadable_identity_policy_does_not_hide_a_certain_deny() -> None:
    # Kills: the unreadable policy answering before an explicit Deny that is certain.
    data = sample_data("broken-explicit-deny")
    data["RoleDetailList"][0]["RolePolicyList"].append(
        {"PolicyName": "garbled", "PolicyDocument": "%7Bnot%20json"}
    )
    t = role_check(data)
    assert t.verdict == "denied" and t.blocked_at is not None
    assert t.blocked_at.id == build.GUARDRAIL


def test_repository_policies_not_collected_leave_a_possible_deny_unknown() -> None:
    data = sample_data("healthy-endpoints")
    del data["RepositoryPolicies"]
    t = role_check(data)
    assert t.verdict == "unknown" and "RepositoryPolicies" in t.reason


def test_repository_policy_deny_wins_in_the_same_account() -> None:
    data = sample_data("healthy-endpoints")
    data["RepositoryPolicies"] = [
        {
            "registryId": build.ACCOUNT,
            "repositoryName": "web",
            "policyText": json.dumps(
                {"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "ecr:BatchGetImage"}]}
            ),
        }
    ]
    t = role_check(data)
    assert t.verdict == "denied" and t.blocked_at is not None
    assert t.blocked_at.id == build.REPO_ARN


def test_cross_account_repository_needs_its_policy() -> None:
    data = sample_data("healthy-endpoints")
    data["taskDefinitions"][0]["containerDefinitions"][0]["image"] = OTHER_ACCOUNT_IMAGE
    t = role_check(data)
    assert t.verdict == "denied" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (OTHER_REPO, "IAM_REPOSITORY_POLICY_DENIES")
    assert t.fix and OTHER_REPO in t.fix
    data["RepositoryPolicies"] = [
        {
            "registryId": "222233334444",
            "repositoryName": "shared/base",
            "policyText": json.dumps(
                {
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
                            "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                        }
                    ]
                }
            ),
        }
    ]
    assert role_check(data).verdict == "allowed"


def test_permissions_boundary_intersects() -> None:
    data = sample_data("healthy-endpoints")
    boundary = "arn:aws:iam::111122223333:policy/boundary"
    data["RoleDetailList"][0]["PermissionsBoundary"] = {
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": boundary,
    }
    data["Policies"] = [
        {
            "PolicyName": "boundary",
            "Arn": boundary,
            "PolicyVersionList": [
                {
                    "VersionId": "v1",
                    "IsDefaultVersion": True,
                    "Document": {
                        "Statement": [
                            {
                                "Effect": "Allow",
                                "Action": ["logs:*", "secretsmanager:*"],
                                "Resource": "*",
                            }
                        ]
                    },
                }
            ],
        }
    ]
    t = role_check(data)
    assert t.verdict == "denied" and t.blocked_at is not None
    assert t.blocked_at.code == "IAM_BOUNDARY_DENIES"
    assert t.fix and boundary in t.fix


def test_auth_token_cannot_be_conditioned_on_the_endpoint() -> None:
    data = sample_data("healthy-endpoints")
    set_inline(
        data,
        {
            "Effect": "Allow",
            "Action": "ecr:GetAuthorizationToken",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceVpce": build.ENDPOINTS["ecr.api"][0]}},
        },
        {
            "Effect": "Allow",
            "Action": [
                "ecr:BatchGetImage",
                "ecr:GetDownloadUrlForLayer",
                "logs:*",
                "secretsmanager:GetSecretValue",
            ],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceVpc": build.VPC}},
        },
    )
    t = role_check(data)
    assert t.verdict == "denied" and t.blocked_at is not None
    assert "ecr:GetAuthorizationToken" in t.reason and t.blocked_at.id == ROLE
    # the other calls do travel through the VPC's endpoints, so their condition holds
    assert all(h.status == "pass" for h in t.hops[2:])


def test_explicit_deny_in_an_inline_policy_blames_the_role() -> None:
    data = sample_data("healthy-endpoints")
    data["RoleDetailList"][0]["RolePolicyList"].append(
        {
            "PolicyName": "deny-logs",
            "PolicyDocument": {
                "Statement": [{"Effect": "Deny", "Action": "logs:*", "Resource": "*"}]
            },
        }
    )
    t = role_check(data)
    assert t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (ROLE, "IAM_EXPLICIT_DENY")


def test_several_missing_actions_get_one_fix() -> None:
    data = sample_data("healthy-endpoints")
    set_inline(data, {"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"})
    t = role_check(data)
    assert t.fix is not None and t.fix.startswith("attach " + build.TASK_EXECUTION_POLICY)
    assert '"Action": ["secretsmanager:GetSecretValue"]' in t.fix
    data["RoleDetailList"][0]["AttachedManagedPolicies"] = [
        {"PolicyName": "AmazonECSTaskExecutionRolePolicy", "PolicyArn": build.TASK_EXECUTION_POLICY}
    ]
    t = role_check(data)
    assert t.fix is not None and '"secretsmanager:GetSecretValue"' in t.fix


def test_ecr_api_endpoint_policy_that_only_allows_pulls_blocks_the_auth_token() -> None:
    data = sample_data("healthy-endpoints")
    api = next(
        e for e in data["VpcEndpoints"] if e["VpcEndpointId"] == build.ENDPOINTS["ecr.api"][0]
    )
    api["PolicyDocument"] = json.dumps(
        {
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": ROLE},
                    "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                    "Resource": "*",
                }
            ]
        }
    )
    t = network(data, "ecr.api")
    assert t.verdict == "blocked" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (
        build.ENDPOINTS["ecr.api"][0],
        "VPCE_POLICY_DENIES",
    )
    assert "ecr:GetAuthorizationToken" in t.blocked_at.reason


def test_endpoint_policy_for_a_task_without_task_definition() -> None:
    data = sample_data("broken-s3-endpoint-policy")
    s = snap(data)
    src = hypothetical_source(s, build.SUBNETS["private-a"][0], (build.SG_TASK,), False)
    t = check_source(s, src, ["s3"])[0]
    assert t.blocked_at is not None and t.blocked_at.id == build.S3_ENDPOINT
