"""Who a policy names and what the request context says about the caller: the Principal and
NotPrincipal elements of resource policies, the principal's global condition keys, and
context keys given by the caller (iam._principal_matches, request_context, arn_matches)."""

from __future__ import annotations

from typing import Any

import pytest

from netgraph.evaluate.iam import (
    Principal,
    Request,
    arn_matches,
    evaluate,
    request_context,
)
from netgraph.model import Policy
from netgraph.sources.policies import parse_policy

ACCOUNT = "111122223333"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/exec"
REPO = f"arn:aws:ecr:ap-northeast-1:{ACCOUNT}:repository/web"
ME = Principal(arn=ROLE, account=ACCOUNT)
ECS = Principal(service="ecs-tasks.amazonaws.com")
# A request netgraph cannot tie to a principal (an ECR layer download through a presigned
# URL, or `simulate` without a role): neither its ARN nor its account is known.
NOBODY = Principal()


def resource_policy(*statements: dict[str, Any]) -> Policy:
    return parse_policy(
        "repo-policy", {"Version": "2012-10-17", "Statement": list(statements)}, resource_based=True
    )


def identity_policy(*statements: dict[str, Any]) -> Policy:
    return parse_policy("p", {"Version": "2012-10-17", "Statement": list(statements)})


def pull(who: Principal, *statements: dict[str, Any], **ctx: Any) -> str:
    request = Request("ecr:BatchGetImage", REPO, who, request_context(who, **ctx))
    return evaluate([resource_policy(*statements)], request).decision


ALLOW_PULL: dict[str, Any] = {"Effect": "Allow", "Principal": "*", "Action": "ecr:*"}


# ---- NotPrincipal -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("not_principal", "who"),
    [
        ("*", ME),
        ({"AWS": "*"}, ME),
        ("*", ECS),
        ({"Service": "ecs-tasks.amazonaws.com"}, ECS),
        ({"AWS": ROLE}, ME),
    ],
)
def test_a_deny_with_not_principal_spares_whom_it_names(not_principal: Any, who: Any) -> None:
    # AWS (NotPrincipal): a Deny with NotPrincipal applies to every principal but those
    # named; "*" names everyone, so the Deny applies to nobody and the Allow decides.
    deny = {"Effect": "Deny", "NotPrincipal": not_principal, "Action": "ecr:*"}
    assert pull(who, deny, ALLOW_PULL) == "allow"


def test_a_deny_with_not_principal_denies_a_service_it_does_not_name() -> None:
    deny = {"Effect": "Deny", "NotPrincipal": {"Service": "ec2.amazonaws.com"}, "Action": "ecr:*"}
    assert pull(ECS, deny, ALLOW_PULL) == "deny"


# ---- Principal: the kinds a caller is not ------------------------------------------------


@pytest.mark.parametrize(
    ("principal", "who"),
    [
        # A service caller against a policy naming only AWS principals...
        ({"AWS": ROLE}, ECS),
        ({"AWS": ACCOUNT}, ECS),
        ({"Federated": "cognito-identity.amazonaws.com"}, ECS),
        # ...and a role against one naming only services or other kinds of principal.
        ({"Service": "ecs-tasks.amazonaws.com"}, ME),
        ({"Federated": "cognito-identity.amazonaws.com"}, ME),
        ({"CanonicalUser": "79a59df900b949e55d96a1e698fbaced"}, ME),
        ({"Service": "ecs-tasks.amazonaws.com"}, NOBODY),
    ],
)
def test_a_principal_element_of_another_kind_does_not_name_the_caller(
    principal: Any, who: Principal
) -> None:
    allow = {"Effect": "Allow", "Principal": principal, "Action": "ecr:*"}
    assert pull(who, allow) == "implicit-deny"


# ---- Principal: an account, when the caller's account is not known -----------------------


@pytest.mark.parametrize("account", [ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root"])
@pytest.mark.parametrize("who", [NOBODY, Principal(arn=ROLE)], ids=["nobody", "arn-only"])
def test_an_account_principal_is_unknown_for_a_caller_of_unknown_account(
    account: str, who: Principal
) -> None:
    # Rule 1: without the caller's account, a grant to an account can be neither confirmed
    # nor ruled out; the decision says it depends on the principal.
    allow = {"Sid": "Acct", "Effect": "Allow", "Principal": {"AWS": account}, "Action": "ecr:*"}
    request = Request("ecr:BatchGetImage", REPO, who, request_context(who))
    d = evaluate([resource_policy(allow)], request)
    assert d.decision == "unknown"
    assert d.unknown_keys == ("the principal",)
    assert "depending on the principal, which netgraph cannot know" in d.reason
    # A known account of another one is a certain no.
    other = Principal(arn="arn:aws:iam::999999999999:role/exec", account="999999999999")
    assert pull(other, allow) == "implicit-deny"


# ---- the request context -----------------------------------------------------------------


def test_a_service_callers_name_is_in_the_context() -> None:
    # AWS (global condition keys): aws:PrincipalServiceName is present when a service
    # principal makes the request.
    allow = {
        "Effect": "Allow",
        "Principal": {"Service": "ecs-tasks.amazonaws.com"},
        "Action": "ecr:*",
        "Condition": {"StringEquals": {"aws:PrincipalServiceName": "ecs-tasks.amazonaws.com"}},
    }
    assert pull(ECS, allow) == "allow"
    assert request_context(ECS)["aws:principalservicename"] == ("ecs-tasks.amazonaws.com",)
    deny = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "ecr:*",
        "Condition": {"StringNotEquals": {"aws:PrincipalServiceName": "ecs-tasks.amazonaws.com"}},
    }
    assert pull(ECS, deny, ALLOW_PULL) == "allow"


def test_a_context_key_keeps_the_underscores_after_its_service_prefix() -> None:
    # Only the first "_" of a keyword stands for the ":" after the service prefix; a tag
    # key such as cost_center keeps its own.
    ctx = request_context(ME, **{"aws_PrincipalTag/cost_center": "web"})
    assert "aws:principaltag/cost_center" in ctx
    p = identity_policy(
        {
            "Effect": "Allow",
            "Action": "ecr:*",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/cost_center": "web"}},
        }
    )
    assert evaluate([p], Request("ecr:BatchGetImage", REPO, ME, ctx)).decision == "allow"


@pytest.mark.parametrize(
    ("qualifier", "values", "decision"),
    [
        ("ForAllValues:StringEquals", ["team", "env"], "allow"),
        ("ForAllValues:StringEquals", ["team"], "implicit-deny"),
        ("ForAnyValue:StringEquals", ["env"], "allow"),
        ("ForAnyValue:StringEquals", ["owner"], "implicit-deny"),
    ],
)
def test_a_multi_valued_context_key_holds_each_of_its_values(
    qualifier: str, values: list[str], decision: str
) -> None:
    ctx = request_context(ME, aws_TagKeys=["team", "env"])
    assert ctx["aws:tagkeys"] == ("team", "env")
    p = identity_policy(
        {
            "Effect": "Allow",
            "Action": "ecr:*",
            "Resource": "*",
            "Condition": {qualifier: {"aws:TagKeys": values}},
        }
    )
    assert evaluate([p], Request("ecr:TagResource", REPO, ME, ctx)).decision == decision


# ---- Resource patterns -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "arn", "matches"),
    [
        ("*", REPO, True),
        ("*", "arn:aws:s3:::bucket/a\nb", True),
        # A pattern that is not an ARN is matched by its shape like any other, not taken
        # for "everything" because it holds a wildcard.
        ("XX*XX", REPO, False),
        ("XX*XX", "XXwebXX", True),
        ("web*", REPO, False),
        # A "*" that does not end its segment stays within it.
        ("*web", REPO, False),
        ("arn:aws:ecr:*:*:repository/*", REPO, True),
    ],
)
def test_only_the_lone_star_resource_matches_every_arn(
    pattern: str, arn: str, matches: bool
) -> None:
    assert arn_matches(pattern, arn) is matches
    p = identity_policy({"Effect": "Allow", "Action": "ecr:*", "Resource": pattern})
    request = Request("ecr:BatchGetImage", arn, ME, request_context(ME))
    assert evaluate([p], request).decision == ("allow" if matches else "implicit-deny")
