"""Whether one statement applies, and what the policies of one kind decide from their
statements: NotResource (with policy variables, and for a resource netgraph does not know),
an Allow by NotPrincipal, a Deny that may apply, and the Allow reported among several
(iam.statement_applies, iam.evaluate, iam.Request.describe)."""

from __future__ import annotations

from typing import Any

import pytest

from netgraph.evaluate.iam import Principal, Request, combine_any, evaluate, request_context
from tests.test_principal_edges import ACCOUNT, ME, REPO, ROLE, identity_policy, resource_policy

PULL = "ecr:BatchGetImage"
TEAM_REPO = f"arn:aws:ecr:ap-northeast-1:{ACCOUNT}:repository/${{aws:PrincipalTag/team}}"


def pull_request(resource: str | None = REPO, **ctx: Any) -> Request:
    return Request(PULL, resource, ME, request_context(ME, **ctx))


# ---- a resource netgraph does not know ----------------------------------------------------


def test_a_request_for_a_resource_not_known_is_worded_the_resource() -> None:
    # `simulate ... --resource '*'` asks about a resource netgraph does not know.
    policy = identity_policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    decision = evaluate([policy], pull_request(None))
    assert decision.decision == "implicit-deny"
    assert decision.reason == f"nothing in p allows {PULL} on the resource"


def test_a_deny_on_every_resource_but_all_applies_to_none_even_when_the_resource_is_not_known() -> (
    None
):
    deny = {"Effect": "Deny", "Action": "ecr:*", "NotResource": "*"}
    allow = {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}
    assert evaluate([identity_policy(deny, allow)], pull_request(None)).decision == "allow"


# ---- NotResource with a policy variable ---------------------------------------------------


@pytest.mark.parametrize(("team", "expected"), [("web", "implicit-deny"), ("db", "allow")])
def test_a_not_resource_variable_is_replaced_from_the_request_context(
    team: str, expected: str
) -> None:
    # Allow every repository but the caller's team's own.
    allow = {"Effect": "Allow", "Action": "ecr:*", "NotResource": TEAM_REPO}
    request = pull_request(**{"aws_PrincipalTag/team": team})
    assert evaluate([identity_policy(allow)], request).decision == expected


@pytest.mark.parametrize("effect", ["Allow", "Deny"])
def test_a_not_resource_variable_netgraph_cannot_know_leaves_the_answer_open(effect: str) -> None:
    # Never a guess: the tag is not in the context, so which repository is excluded is not
    # known, and neither the Allow nor the Deny may decide.
    statements: list[dict[str, Any]] = [
        {"Effect": effect, "Action": "ecr:*", "NotResource": TEAM_REPO}
    ]
    if effect == "Deny":
        statements.append({"Effect": "Allow", "Action": "ecr:*", "Resource": "*"})
    decision = evaluate([identity_policy(*statements)], pull_request())
    assert decision.decision == "unknown"
    assert decision.unknown_keys == ("aws:PrincipalTag/team",)


# ---- an Allow by NotPrincipal -------------------------------------------------------------


def test_a_resource_policy_allow_by_not_principal_is_still_limited_by_the_boundary() -> None:
    # Allow to everyone but another role names the caller's role itself (as Principal "*"
    # does), so, as a grant to the role's ARN, the role's permissions boundary limits it.
    other = f"arn:aws:iam::{ACCOUNT}:role/other"
    request = pull_request()
    repo = evaluate(
        [resource_policy({"Effect": "Allow", "NotPrincipal": {"AWS": other}, "Action": "ecr:*"})],
        request,
    )
    assert repo.decision == "allow"
    assert repo.grant == "direct"
    nothing = identity_policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    identity = evaluate([nothing], request)
    boundary = evaluate([nothing], request)
    assert combine_any(identity, repo, boundary).decision == "implicit-deny"
    assert combine_any(identity, repo).decision == "allow"


# ---- a Deny that may apply ----------------------------------------------------------------


def test_a_deny_that_may_apply_keeps_the_answer_open_against_a_resource_policy_allow() -> None:
    request = pull_request()
    identity = evaluate(
        [
            identity_policy(
                {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"},
                {
                    "Sid": "OnlyThroughEndpoint",
                    "Effect": "Deny",
                    "Action": "ecr:*",
                    "Resource": "*",
                    "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0123"}},
                },
            )
        ],
        request,
    )
    assert identity.decision == "unknown"
    assert identity.reason == (
        f"p (Sid OnlyThroughEndpoint) denies {PULL} on {REPO} depending on aws:SourceVpce, "
        "which netgraph cannot know"
    )
    repo = evaluate(
        [resource_policy({"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "ecr:*"})],
        request,
    )
    assert repo.decision == "allow"
    # No Allow elsewhere decides a request a Deny may refuse.
    assert combine_any(identity, repo).decision == "unknown"


# ---- the Allow reported among several -----------------------------------------------------


@pytest.mark.parametrize("identity_first", [True, False])
def test_an_allow_without_principal_and_one_naming_the_role_rank_alike(
    identity_first: bool,
) -> None:
    # Both name the caller as directly (an identity policy's statement is the caller's
    # own): the first listed is the one reported, with its grant.
    plain = identity_policy({"Sid": "Mine", "Effect": "Allow", "Action": "ecr:*", "Resource": "*"})
    named = resource_policy(
        {"Sid": "ToRole", "Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "ecr:*"}
    )
    policies = [plain, named] if identity_first else [named, plain]
    decision = evaluate(policies, Request(PULL, REPO, Principal(arn=ROLE, account=ACCOUNT)))
    assert decision.decision == "allow"
    assert decision.statement is not None
    assert decision.statement.sid == ("Mine" if identity_first else "ToRole")
    assert decision.grant == (None if identity_first else "direct")


# ---- a date of year 0 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("policy_date", "now"), [("0000", "2026-06-01T00:00:00Z"), ("2020", "0000-01")]
)
def test_a_date_of_year_zero_leaves_a_deny_open_instead_of_crashing(
    policy_date: str, now: str
) -> None:
    # Bug (found triaging statement_applies 89/90): year 0 is no year Python's calendar
    # holds, and reading it raised ValueError (a traceback through `simulate --context
    # aws:CurrentTime=...`). A date netgraph cannot read leaves the Deny open.
    deny = {
        "Effect": "Deny",
        "Action": "ecr:*",
        "Resource": "*",
        "Condition": {"DateGreaterThan": {"aws:CurrentTime": policy_date}},
    }
    allow = {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}
    decision = evaluate([identity_policy(deny, allow)], pull_request(aws_CurrentTime=now))
    assert decision.decision == "unknown"
    assert decision.maybe_deny
