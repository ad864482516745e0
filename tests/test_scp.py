"""Service control policies and resource control policies on the execution role's calls,
each rule with an example from AWS's documentation (cited on each test)."""

from __future__ import annotations

import json
from typing import Any

from netgraph.check import check_source
from netgraph.flows import service_sources
from netgraph.reach import Trace

from .conftest import build, sample_data, snap

ACCOUNT = "111122223333"
OU = "ou-ab12-prod0001"
ROOT = "r-ab12"
SCP_EVAL = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html"
SCP_PAGE = (
    "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html"
)
RCP_EVAL = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_evaluation.html"
RCP_EXAMPLES = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_examples.html"
FULL_ACCESS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
RCP_FULL_ACCESS = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
}


def policy(pid: str, kind: str, doc: dict[str, Any], managed: bool = False) -> dict[str, Any]:
    return {
        "PolicySummary": {"Id": pid, "Name": pid, "Type": kind, "AwsManaged": managed},
        "Content": json.dumps(doc),
    }


def with_org(
    data: dict[str, Any],
    scps: dict[str, list[str]],
    docs: list[dict[str, Any]],
    rcps: dict[str, list[str]] | None = None,
    management: str = "999988887777",
) -> dict[str, Any]:
    """The Organizations keys of a member account ACCOUNT in OU, under ROOT."""
    data["Organization"] = {"Id": "o-exampleorgid", "MasterAccountId": management}
    data["OrganizationParents"] = {
        ACCOUNT: {"Parents": [{"Id": OU, "Type": "ORGANIZATIONAL_UNIT"}]},
        OU: {"Parents": [{"Id": ROOT, "Type": "ROOT"}]},
    }
    full = [policy("p-FullAWSAccess", "SERVICE_CONTROL_POLICY", FULL_ACCESS, True)]
    rcp_full = [policy("p-RCPFullAWSAccess", "RESOURCE_CONTROL_POLICY", RCP_FULL_ACCESS, True)]
    data["OrganizationPolicies"] = full + rcp_full + docs
    data["ServiceControlPoliciesForTarget"] = {
        t: {"Policies": [{"Id": i, "Type": "SERVICE_CONTROL_POLICY"} for i in ids]}
        for t, ids in scps.items()
    }
    every = {t: ["p-RCPFullAWSAccess"] for t in (ACCOUNT, OU, ROOT)}
    data["ResourceControlPoliciesForTarget"] = {
        t: {"Policies": [{"Id": i, "Type": "RESOURCE_CONTROL_POLICY"} for i in ids]}
        for t, ids in (rcps or every).items()
    }
    return data


FULL_EVERYWHERE = {t: ["p-FullAWSAccess"] for t in (ACCOUNT, OU, ROOT)}


def role_check(data: dict[str, Any]) -> Trace:
    s = snap(data)
    return check_source(s, service_sources(s)[0], ["iam:execution-role"])[0]


def test_full_aws_access_at_every_level_allows() -> None:
    # SCP_EVAL, "How SCPs work with Allow": FullAWSAccess attached at the root, the OU and
    # the account lets every permission through.
    t = role_check(with_org(sample_data("healthy-endpoints"), FULL_EVERYWHERE, []))
    assert t.verdict == "allowed"
    assert t.assumptions == ()
    assert any(f"SCPs at {ACCOUNT}, {OU}, {ROOT}" in h.reason for h in t.hops)


def test_an_ou_scp_that_denies_ecr_denies_at_its_policy_id() -> None:
    # SCP_EVAL, "How SCPs work with Deny": a Deny attached to the Production OU denies the
    # service for every account under it, whatever FullAWSAccess allows.
    deny = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "DenyECR", "Effect": "Deny", "Action": "ecr:*", "Resource": "*"}],
    }
    scps = {**FULL_EVERYWHERE, OU: ["p-FullAWSAccess", "p-denyecr0001"]}
    data = with_org(
        sample_data("healthy-endpoints"),
        scps,
        [policy("p-denyecr0001", "SERVICE_CONTROL_POLICY", deny)],
    )
    t = role_check(data)
    assert t.verdict == "denied" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == ("p-denyecr0001", "IAM_SCP_DENIES")
    assert "ecr:GetAuthorizationToken" in t.blocked_at.reason and OU in t.blocked_at.reason
    assert t.fix is not None and "p-denyecr0001 (Sid DenyECR)" in t.fix and OU in t.fix


def test_an_allow_list_scp_that_omits_the_action_denies_at_that_level() -> None:
    # SCP_EVAL, "How SCPs work with Allow", figure 3: FullAWSAccess replaced at the OU by an
    # SCP that allows only some services; what it does not list is denied to the accounts
    # under it (implicitly, at that level), even with FullAWSAccess at the root and account.
    allow_ec2_s3 = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["ec2:*", "s3:*"], "Resource": "*"}],
    }
    scps = {**FULL_EVERYWHERE, OU: ["p-allowlist01"]}
    data = with_org(
        sample_data("healthy-endpoints"),
        scps,
        [policy("p-allowlist01", "SERVICE_CONTROL_POLICY", allow_ec2_s3)],
    )
    t = role_check(data)
    assert t.verdict == "denied" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == ("p-allowlist01", "IAM_SCP_DENIES")
    assert f"no service control policy attached to {OU}" in t.blocked_at.reason
    assert t.fix is not None and "p-FullAWSAccess" in t.fix


def test_the_management_account_is_not_affected_by_scps() -> None:
    # SCP_PAGE: "SCPs don't affect users or roles in the management account."
    deny_all = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}],
    }
    scps = {**FULL_EVERYWHERE, ROOT: ["p-FullAWSAccess", "p-denyall0001"]}
    docs = [policy("p-denyall0001", "SERVICE_CONTROL_POLICY", deny_all)]
    member = with_org(sample_data("healthy-endpoints"), scps, docs)
    assert role_check(member).verdict == "denied"
    manager = with_org(sample_data("healthy-endpoints"), scps, docs, management=ACCOUNT)
    t = role_check(manager)
    assert t.verdict == "allowed" and t.assumptions == ()


def _perimeter(org_id: str) -> dict[str, Any]:
    # RCP_EXAMPLES, "Enforce identity perimeter": deny access to the organization's resources
    # to principals outside it (aws:PrincipalOrgID), AWS services excepted.
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "EnforceOrgIdentities",
                "Effect": "Deny",
                "Principal": "*",
                "Action": ["s3:*", "sqs:*", "kms:*", "secretsmanager:*", "sts:AssumeRole"],
                "Resource": "*",
                "Condition": {
                    "StringNotEqualsIfExists": {"aws:PrincipalOrgID": org_id},
                    "BoolIfExists": {"aws:PrincipalIsAWSService": "false"},
                },
            }
        ],
    }


def test_an_rcp_identity_perimeter_lets_the_organizations_role_through() -> None:
    # RCP_EXAMPLES: the role is in the organization (o-exampleorgid): the Deny does not apply.
    rcps = {t: ["p-RCPFullAWSAccess"] for t in (ACCOUNT, OU, ROOT)}
    rcps[ROOT] = ["p-RCPFullAWSAccess", "p-perimeter01"]
    docs = [policy("p-perimeter01", "RESOURCE_CONTROL_POLICY", _perimeter("o-exampleorgid"))]
    t = role_check(with_org(sample_data("healthy-endpoints"), FULL_EVERYWHERE, docs, rcps))
    assert t.verdict == "allowed"


def test_an_rcp_denying_the_secret_denies_get_secret_value_at_its_policy_id() -> None:
    # RCP_EVAL, "Strategy for using RCPs": a Deny in any RCP from the root to the resource's
    # account denies. The perimeter names another organization: the role is outside it.
    rcps = {t: ["p-RCPFullAWSAccess"] for t in (ACCOUNT, OU, ROOT)}
    rcps[OU] = ["p-RCPFullAWSAccess", "p-perimeter02"]
    docs = [policy("p-perimeter02", "RESOURCE_CONTROL_POLICY", _perimeter("o-otherorg000"))]
    t = role_check(with_org(sample_data("healthy-endpoints"), FULL_EVERYWHERE, docs, rcps))
    assert t.verdict == "denied" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == ("p-perimeter02", "IAM_RCP_DENIES")
    assert "secretsmanager:GetSecretValue" in t.blocked_at.reason


def test_not_collected_leaves_the_verdict_and_says_so_in_assumptions() -> None:
    for name in ("healthy-endpoints", "broken-role-without-ecr", "broken-explicit-deny"):
        data = sample_data(name)
        t = role_check(data)
        assert any("service control policies were not verified" in a for a in t.assumptions)
        assert any("Organization is not in the snapshot" in a for a in t.assumptions)
    # Collected SCPs but not RCPs: only the RCP assumption, naming the missing key.
    data = with_org(sample_data("healthy-endpoints"), FULL_EVERYWHERE, [])
    del data["ResourceControlPoliciesForTarget"]
    t = role_check(data)
    assert t.verdict == "allowed"
    assert len(t.assumptions) == 1 and "ResourceControlPoliciesForTarget" in t.assumptions[0]


def test_an_account_in_no_organization_has_no_assumption() -> None:
    data = sample_data("healthy-endpoints")
    data["Organization"] = {}
    t = role_check(data)
    assert t.verdict == "allowed" and t.assumptions == ()


def test_a_level_whose_policies_were_not_collected_is_unknown() -> None:
    scps = {ACCOUNT: ["p-FullAWSAccess"], ROOT: ["p-FullAWSAccess"]}  # the OU's list missing
    t = role_check(with_org(sample_data("healthy-endpoints"), scps, []))
    assert t.verdict == "unknown" and OU in t.reason


def test_assumptions_in_json_and_text() -> None:
    from netgraph.render import json as json_render
    from netgraph.render import text

    s = snap(sample_data("healthy-endpoints"))
    traces = check_source(s, service_sources(s)[0], ["iam:execution-role", "s3"])
    doc = json_render.document(traces, s.region, s.account_id)
    iam_check, s3_check = doc["checks"]
    assert "service control policies" in iam_check["assumptions"][0]
    # The s3 check assumes only what the snapshot lacks for DNS (private hosted zones).
    assert not any("control policies" in a for a in s3_check.get("assumptions", []))
    report = text.render(traces, title="t")
    assert "assumes: service control policies were not verified" in report
    assert s.region == build.REGION


def test_simulate_takes_the_same_gate_and_names_scp_and_assumptions() -> None:
    # SCP_EVAL, "How SCPs work with Deny", through `netgraph simulate`'s function: the
    # same gate as the check, denied_by "scp", and the SCP's fix.
    from netgraph.simulate import simulate

    deny = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "DenyECR", "Effect": "Deny", "Action": "ecr:*", "Resource": "*"}],
    }
    scps = {**FULL_EVERYWHERE, OU: ["p-FullAWSAccess", "p-denyecr0001"]}
    data = with_org(
        sample_data("healthy-endpoints"),
        scps,
        [policy("p-denyecr0001", "SERVICE_CONTROL_POLICY", deny)],
    )
    role = f"arn:aws:iam::{ACCOUNT}:role/ecsTaskExecutionRole"
    (r,) = simulate(snap(data), principal=role, actions=["ecr:GetAuthorizationToken"]).results
    assert (r.answer, r.denied_by) == ("denied", "scp")
    assert r.fix is not None and "p-denyecr0001" in r.fix and r.assumptions == ()
    (r,) = simulate(
        snap(sample_data("healthy-endpoints")),
        principal=role,
        actions=["ecr:GetAuthorizationToken"],
    ).results
    assert r.answer == "allowed"
    assert any("service control policies" in a for a in r.assumptions)


def test_rcps_not_enabled_list_nothing_anywhere_and_decide_nothing() -> None:
    # RCP_EVAL: when RCPs are enabled, RCPFullAWSAccess is attached to the root, every OU and
    # every account and cannot be detached; empty lists at every level (what `collect` keeps
    # for an organization that has not enabled RCPs) mean none applies.
    rcps: dict[str, list[str]] = {t: [] for t in (ACCOUNT, OU, ROOT)}
    t = role_check(with_org(sample_data("healthy-endpoints"), FULL_EVERYWHERE, [], rcps))
    assert t.verdict == "allowed" and t.assumptions == ()
    # One level empty while others list policies is no such organization: that level denies.
    rcps = {ACCOUNT: ["p-RCPFullAWSAccess"], OU: [], ROOT: ["p-RCPFullAWSAccess"]}
    t = role_check(with_org(sample_data("healthy-endpoints"), FULL_EVERYWHERE, [], rcps))
    assert t.verdict == "denied" and t.blocked_at is not None
    assert t.blocked_at.code == "IAM_RCP_DENIES" and OU in t.blocked_at.reason


def test_an_scp_denying_kms_decrypt_denies_the_secrets_key_at_its_policy_id() -> None:
    # SCP_EVAL, "How SCPs work with Deny": the Deny applies to kms:Decrypt as to any call, here
    # the one Secrets Manager makes with the role's credentials for a customer managed key
    # (samples/broken-kms-key-policy with a key policy that allows the role: without the
    # SCP, allowed).
    from tests.test_kms import KEY, KEY_USERS, key_hop, with_key_policy

    deny = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "NoDecrypt", "Effect": "Deny", "Action": "kms:Decrypt", "Resource": "*"}
        ],
    }
    assert role_check(with_org(with_key_policy(KEY_USERS), FULL_EVERYWHERE, [])).verdict == (
        "allowed"
    )
    allowed = role_check(with_org(with_key_policy(KEY_USERS), FULL_EVERYWHERE, []))
    assert f"SCPs at {ACCOUNT}, {OU}, {ROOT}" in key_hop(allowed).reason
    scps = {**FULL_EVERYWHERE, OU: ["p-FullAWSAccess", "p-nodecrypt01"]}
    docs = [policy("p-nodecrypt01", "SERVICE_CONTROL_POLICY", deny)]
    t = role_check(with_org(with_key_policy(KEY_USERS), scps, docs))
    assert t.verdict == "denied" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == ("p-nodecrypt01", "IAM_SCP_DENIES")
    assert "kms:Decrypt" in t.blocked_at.reason and KEY in t.blocked_at.reason
    assert t.fix is not None and "p-nodecrypt01 (Sid NoDecrypt)" in t.fix and OU in t.fix
    # Not collected: the key's hop is what the key policy gives, and the check says so.
    t = role_check(with_key_policy(KEY_USERS))
    assert t.verdict == "allowed"
    assert any("service control policies were not verified" in a for a in t.assumptions)
