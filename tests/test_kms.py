"""kms:Decrypt of a secret's customer managed key: each rule with the AWS documentation
example it follows (issue 13, part 3). The snapshot is samples/broken-kms-key-policy with
its key policy, key or secret changed."""

from __future__ import annotations

import json
from typing import Any

from netgraph.check import check_source
from netgraph.flows import service_sources
from netgraph.reach import Trace

from .conftest import build, sample_data, snap

ROLE = build.EXEC_ROLE
KEY = build.KMS_KEY
ACCOUNT = build.ACCOUNT
VIA = f"secretsmanager.{build.REGION}.amazonaws.com"

# https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
# "Allows access to the AWS account and enables IAM policies"
ENABLE_IAM = {
    "Sid": "Enable IAM User Permissions",
    "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
    "Action": "kms:*",
    "Resource": "*",
}
# Same page, "Allows key users to use the KMS key" (the console's key users statement).
KEY_USERS = {
    "Sid": "Allow use of the key",
    "Effect": "Allow",
    "Principal": {"AWS": ROLE},
    "Action": [
        "kms:Encrypt",
        "kms:Decrypt",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        "kms:DescribeKey",
    ],
    "Resource": "*",
}


def role_check(data: dict[str, Any]) -> Trace:
    s = snap(data)
    return check_source(s, service_sources(s)[0], ["iam:execution-role"])[0]


def with_key_policy(*statements: dict[str, Any], role_may_decrypt: bool = True) -> dict[str, Any]:
    data = sample_data("broken-kms-key-policy")
    data["KmsKeyPolicies"][0]["Policy"] = json.dumps(
        {"Version": "2012-10-17", "Statement": list(statements)}
    )
    if not role_may_decrypt:
        inline = data["RoleDetailList"][0]["RolePolicyList"][0]["PolicyDocument"]
        inline["Statement"] = [s for s in inline["Statement"] if s["Action"] != "kms:Decrypt"]
    return data


def key_hop(t: Trace) -> Any:
    return next(h for h in t.hops if "decrypts with its KMS key" in h.reason)


def test_key_policy_without_the_role_or_the_account_denies_at_the_key() -> None:
    # https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html: "Unless the key
    # policy explicitly allows it, you cannot use IAM policies to allow access to a KMS key."
    # The role's inline policy allows kms:Decrypt on the key: it has no effect.
    t = role_check(sample_data("broken-kms-key-policy"))
    assert t.verdict == "denied" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (KEY, "IAM_KMS_KEY_POLICY_DENIES")
    assert t.fix is not None and f"add to the key policy of {KEY}" in t.fix
    assert ROLE in t.fix and "kms:Decrypt" in t.fix and VIA in t.fix


def test_default_key_policy_lets_iam_decide_allowed() -> None:
    # key-policy-default.html: the "Enable IAM User Permissions" statement lets IAM policies
    # allow access to the key; the role's inline policy allows kms:Decrypt on it.
    t = role_check(with_key_policy(ENABLE_IAM))
    assert t.verdict == "allowed", t.reason
    assert f"kms:Decrypt on {KEY} is allowed by" in key_hop(t).reason


def test_default_key_policy_lets_iam_decide_denied_at_the_role() -> None:
    # Same page: with only that statement, a principal needs an IAM policy that allows it.
    t = role_check(with_key_policy(ENABLE_IAM, role_may_decrypt=False))
    assert t.verdict == "denied" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (ROLE, "IAM_NOT_ALLOWED")
    assert t.fix is not None and "kms:Decrypt" in t.fix and KEY in t.fix


def test_key_policy_naming_the_role_allows_without_iam() -> None:
    # key-policy-default.html, "Allows key users to use the KMS key": the key policy alone
    # grants the role, no IAM policy needed.
    t = role_check(with_key_policy(KEY_USERS, role_may_decrypt=False))
    assert t.verdict == "allowed", t.reason
    assert key_hop(t).id == KEY


def test_key_policy_naming_the_role_is_still_limited_by_its_boundary() -> None:
    # https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html: a
    # resource-based policy that grants a role ARN is limited by its permissions boundary.
    data = with_key_policy(KEY_USERS, role_may_decrypt=False)
    boundary = f"arn:aws:iam::{ACCOUNT}:policy/ecr-and-logs-only"
    data["RoleDetailList"][0]["PermissionsBoundary"] = {
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": boundary,
    }
    data["Policies"] = [
        {
            "Arn": boundary,
            "PolicyVersionList": [
                {
                    "IsDefaultVersion": True,
                    "Document": {
                        "Version": "2012-10-17",
                        "Statement": [
                            {"Effect": "Allow", "NotAction": "kms:*", "Resource": "*"},
                        ],
                    },
                }
            ],
        }
    ]
    t = role_check(data)
    assert t.verdict == "denied" and t.blocked_at is not None
    assert t.blocked_at.code == "IAM_BOUNDARY_DENIES"


def test_an_iam_deny_wins_over_the_key_policy() -> None:
    # key-policies.html: "You can use an IAM policy to deny a permission to a KMS key without
    # permission from a key policy."
    data = with_key_policy(KEY_USERS)
    inline = data["RoleDetailList"][0]["RolePolicyList"][0]["PolicyDocument"]
    inline["Statement"].append({"Effect": "Deny", "Action": "kms:*", "Resource": "*"})
    t = role_check(data)
    assert t.verdict == "denied" and t.blocked_at is not None
    assert t.blocked_at.code == "IAM_EXPLICIT_DENY"


def test_a_key_policy_deny_denies_at_the_key() -> None:
    deny = {
        "Sid": "NoDecryptForEcs",
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "kms:Decrypt",
        "Resource": "*",
    }
    t = role_check(with_key_policy(ENABLE_IAM, deny))
    assert t.verdict == "denied" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (KEY, "IAM_KMS_KEY_POLICY_DENIES")
    assert t.fix is not None and "Sid NoDecryptForEcs" in t.fix


def test_kms_via_service_condition() -> None:
    # https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
    # #conditions-kms-via-service: the example allows use "only when the request comes
    # through" the named service; Secrets Manager calls KMS with
    # kms:ViaService = secretsmanager.REGION.amazonaws.com and kms:CallerAccount.
    def via(service: str) -> dict[str, Any]:
        return {
            **KEY_USERS,
            "Condition": {
                "StringEquals": {
                    "kms:ViaService": f"{service}.{build.REGION}.amazonaws.com",
                    "kms:CallerAccount": ACCOUNT,
                }
            },
        }

    assert role_check(with_key_policy(via("secretsmanager"))).verdict == "allowed"
    t = role_check(with_key_policy(via("ssm"), role_may_decrypt=False))
    assert t.verdict == "denied" and t.blocked_at is not None and t.blocked_at.id == KEY


def test_a_condition_netgraph_cannot_know_is_unknown_and_named() -> None:
    # https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html
    # #conditions-kms-encryption-context-keys: netgraph does not know the encryption context.
    statement = {
        **KEY_USERS,
        "Condition": {"StringEquals": {"kms:EncryptionContext:SecretARN": build.SECRET}},
    }
    t = role_check(with_key_policy(statement, role_may_decrypt=False))
    assert t.verdict == "unknown"
    assert "kms:EncryptionContext:SecretARN" in t.reason


def test_aws_managed_key_needs_no_kms_permission() -> None:
    # https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html:
    # the AWS managed key aws/secretsmanager; ECS (secrets-envvar-secrets-manager.html):
    # kms:Decrypt is required only for a customer managed key. DescribeSecret leaves
    # KmsKeyId out for aws/secretsmanager.
    for key_id in (None, "alias/aws/secretsmanager"):
        data = sample_data("broken-kms-key-policy")
        data["SecretDescriptions"] = [build.secret_description(key_id)]
        t = role_check(data)
        assert t.verdict == "allowed", (key_id, t.reason)
        assert not any("KMS key" in h.reason for h in t.hops)
    # The key's own metadata says so too (describe-key: KeyManager AWS).
    data = sample_data("broken-kms-key-policy")
    data["KmsKeys"][0]["KeyManager"] = "AWS"
    assert role_check(data).verdict == "allowed"


def test_a_disabled_key_decrypts_nothing() -> None:
    # https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html: a Disabled key
    # cannot be used in cryptographic operations (Decrypt fails).
    data = with_key_policy(ENABLE_IAM)
    data["KmsKeys"][0]["KeyState"] = "Disabled"
    data["KmsKeys"][0]["Enabled"] = False
    t = role_check(data)
    assert t.verdict == "denied" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (KEY, "KMS_KEY_NOT_ENABLED")
    assert t.fix is not None and f"aws kms enable-key --key-id {KEY}" in t.fix


def test_the_secrets_key_not_in_the_snapshot_is_unknown() -> None:
    # Absent is unknown, never allowed: the existing samples before SecretDescriptions.
    for key, named in (
        ("SecretDescriptions", "SecretDescriptions"),
        ("KmsKeys", "KmsKeys"),
        ("KmsKeyPolicies", "KmsKeyPolicies"),
    ):
        data = with_key_policy(ENABLE_IAM)
        del data[key]
        t = role_check(data)
        assert t.verdict == "unknown", key
        assert named in t.reason and "not in the snapshot" in t.reason, t.reason
    data = with_key_policy(ENABLE_IAM)
    data["SecretDescriptions"] = []
    t = role_check(data)
    assert t.verdict == "unknown" and f"{build.SECRET} is not in SecretDescriptions" in t.reason


def test_an_alias_is_not_resolved() -> None:
    data = with_key_policy(ENABLE_IAM)
    data["SecretDescriptions"] = [build.secret_description("alias/web-secrets")]
    t = role_check(data)
    assert t.verdict == "unknown" and "alias/web-secrets" in t.reason


def test_securestring_parameter_with_a_customer_managed_key() -> None:
    # https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-restrict-decryption.html:
    # "Any principal that retrieves the decrypted value must have kms:Decrypt permission on
    # that key"; the AWS managed key aws/ssm needs none; a String parameter has no key.
    def parameter(kind: str, key_id: str | None) -> dict[str, Any]:
        data = with_key_policy(KEY_USERS)
        container = data["taskDefinitions"][0]["containerDefinitions"][0]
        container["secrets"] = [{"name": "API_KEY", "valueFrom": "/web/api-key"}]
        data["RoleDetailList"][0]["RolePolicyList"][0]["PolicyDocument"]["Statement"].append(
            {"Effect": "Allow", "Action": "ssm:GetParameters", "Resource": "*"}
        )
        meta: dict[str, Any] = {"Name": "/web/api-key", "Type": kind, "Version": 1}
        if key_id:
            meta["KeyId"] = key_id
        data["ParameterDescriptions"] = [meta]
        return data

    ssm_via = {
        **KEY_USERS,
        "Condition": {"StringEquals": {"kms:ViaService": f"ssm.{build.REGION}.amazonaws.com"}},
    }
    data = parameter("SecureString", KEY)
    assert role_check(data).verdict == "allowed"
    data["KmsKeyPolicies"][0]["Policy"] = json.dumps({"Statement": [ssm_via]})
    assert role_check(data).verdict == "allowed"
    data["KmsKeyPolicies"][0]["Policy"] = json.dumps({"Statement": [ENABLE_IAM]})
    inline = data["RoleDetailList"][0]["RolePolicyList"][0]["PolicyDocument"]
    inline["Statement"] = [s for s in inline["Statement"] if s["Action"] != "kms:Decrypt"]
    t = role_check(data)
    assert t.verdict == "denied" and t.blocked_at is not None
    assert t.blocked_at.code == "IAM_NOT_ALLOWED"
    for kind, key_id in (("SecureString", "alias/aws/ssm"), ("String", None)):
        t = role_check(parameter(kind, key_id))
        assert t.verdict == "allowed", (kind, t.reason)
    t = role_check(parameter("SecureString", None))
    assert t.verdict == "unknown" and "KeyId" in t.reason
