"""The evaluator's rules that AWS documents and netgraph once got wrong or lacked (issue 13,
part 1). Each test names the AWS page its example comes from."""

from __future__ import annotations

import json
import os
import time
from typing import Any

import pytest

from netgraph.check import check_source
from netgraph.evaluate.iam import (
    PolicyDecision,
    Principal,
    Request,
    arn_matches,
    combine_all,
    combine_any,
    evaluate,
    evaluate_condition,
    request_context,
)
from netgraph.flows import service_sources
from netgraph.model import Policy
from netgraph.sources.policies import parse_policy

from .conftest import build, sample_data, snap

ACCOUNT = "111122223333"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/exec"
REPO = f"arn:aws:ecr:ap-northeast-1:{ACCOUNT}:repository/web"
ME = Principal(arn=ROLE, account=ACCOUNT)
BOUNDED = Principal(arn=ROLE, account=ACCOUNT, boundary=True)

EVALUATION = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html"
)
BOUNDARIES = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html"
CONDITIONS = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
    "reference_policies_elements_condition_operators.html"
)
VARIABLES = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html"
RESOURCE = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"
)


def policy(*statements: dict[str, Any], resource_based: bool = False) -> Policy:
    return parse_policy(
        "p", {"Version": "2012-10-17", "Statement": list(statements)}, resource_based=resource_based
    )


def decide(p: Policy, action: str, resource: str | None, who: Principal = ME, **ctx: Any) -> str:
    return evaluate([p], Request(action, resource, who, request_context(who, **ctx))).decision


def pull(principal: Any) -> Policy:
    return policy(
        {"Effect": "Allow", "Principal": principal, "Action": "ecr:BatchGetImage"},
        resource_based=True,
    )


# ---- resource policies in the same account (EVALUATION, BOUNDARIES) ----------------------


def _combine(identity: str, resource: Policy, boundary: str | None = None) -> str:
    request = Request("ecr:BatchGetImage", REPO, ME, request_context(ME))
    ident = PolicyDecision(identity, None, "identity")  # type: ignore[arg-type]
    bound = None if boundary is None else PolicyDecision(boundary, None, "boundary")  # type: ignore[arg-type]
    return combine_any(ident, evaluate([resource], request), bound).decision


def test_a_resource_policy_naming_the_role_arn_is_limited_by_its_boundary() -> None:
    # BOUNDARIES: "If a resource-based policy grants access to the role ARN ... an implicit
    # deny in the permissions boundary limits the access."
    assert _combine("implicit-deny", pull({"AWS": ROLE}), boundary="implicit-deny") == (
        "implicit-deny"
    )
    assert _combine("implicit-deny", pull({"AWS": ROLE}), boundary="allow") == "allow"
    assert _combine("implicit-deny", pull({"AWS": ROLE})) == "allow"  # no boundary


def test_a_resource_policy_naming_a_session_of_the_role_is_not_limited_but_unknown() -> None:
    # BOUNDARIES: a grant to the role *session* ARN is not limited by the boundary; which
    # session the agent uses netgraph cannot know, so it is not a certain grant either.
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role/exec/ecs-task-1"
    assert _combine("implicit-deny", pull({"AWS": session}), boundary="implicit-deny") == (
        "unknown"
    )


@pytest.mark.parametrize("account", [ACCOUNT, f"arn:aws:iam::{ACCOUNT}:root"])
def test_a_resource_policy_naming_the_account_only_delegates_to_iam(account: str) -> None:
    # EVALUATION: a resource policy whose principal is the account delegates the decision
    # to the account's identity policies; it grants nothing by itself.
    assert _combine("implicit-deny", pull({"AWS": account})) == "implicit-deny"
    assert _combine("allow", pull({"AWS": account})) == "allow"


def test_a_role_without_ecr_rights_whose_repository_policy_allows_the_account_is_denied() -> None:
    data = sample_data("broken-role-without-ecr")
    data["RepositoryPolicies"] = [
        {
            "registryId": ACCOUNT,
            "repositoryName": "web",
            "policyText": json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                            "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                        }
                    ],
                }
            ),
        }
    ]
    s = snap(data)
    source = service_sources(s)[0]
    (trace,) = check_source(s, source, ["iam:execution-role"])
    assert trace.verdict == "denied"
    failing = {h.reason.split(" ")[0] for h in trace.hops if h.status == "fail"}
    assert any("ecr:BatchGetImage" in h.reason for h in trace.hops if h.status == "fail"), failing


def test_an_identity_answer_open_because_a_deny_may_apply_is_not_decided_by_a_resource_allow() -> (
    None
):
    request = Request("ecr:BatchGetImage", REPO, ME, request_context(ME))
    maybe = PolicyDecision("unknown", None, "a Deny may apply", ("aws:SourceIp",), maybe_deny=True)
    assert combine_any(maybe, evaluate([pull({"AWS": ROLE})], request)).decision == "unknown"
    # An Allow that is merely unknown can still be decided by the resource policy's Allow.
    open_allow = PolicyDecision("unknown", None, "an Allow may apply", ("aws:SourceIp",))
    assert combine_any(open_allow, evaluate([pull({"AWS": ROLE})], request)).decision == "allow"


def test_not_principal_with_deny_always_denies_a_principal_with_a_boundary() -> None:
    # BOUNDARIES: "The NotPrincipal element with a Deny effect will always deny any IAM
    # principal that has a permissions boundary policy attached, regardless of the values
    # specified in the NotPrincipal element."
    p = policy(
        {"Effect": "Deny", "NotPrincipal": {"AWS": ROLE}, "Action": "ecr:*"},
        {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "ecr:*"},
        resource_based=True,
    )
    assert decide(p, "ecr:BatchGetImage", REPO, ME) == "allow"
    assert decide(p, "ecr:BatchGetImage", REPO, BOUNDED) == "deny"


# ---- policy variables (VARIABLES) ------------------------------------------------------


def test_policy_variables_in_resource_are_substituted_not_matched_as_text() -> None:
    p = policy(
        {
            "Effect": "Allow",
            "Action": "ecr:BatchGetImage",
            "Resource": "arn:aws:ecr:*:${aws:PrincipalAccount}:repository/*",
        }
    )
    assert decide(p, "ecr:BatchGetImage", REPO) == "allow"
    other = "arn:aws:ecr:ap-northeast-1:999999999999:repository/web"
    assert decide(p, "ecr:BatchGetImage", other) == "implicit-deny"


def test_a_variable_netgraph_cannot_know_makes_the_answer_unknown_naming_it() -> None:
    p = policy(
        {
            "Effect": "Allow",
            "Action": "ecr:BatchGetImage",
            "Resource": "arn:aws:ecr:*:*:repository/${aws:PrincipalTag/team}-*",
        }
    )
    request = Request("ecr:BatchGetImage", REPO, ME, request_context(ME))
    d = evaluate([p], request)
    assert d.decision == "unknown" and "aws:PrincipalTag/team" in d.unknown_keys


def test_a_variable_absent_from_the_request_takes_its_default() -> None:
    # VARIABLES: "${aws:username, 'anonymous'}" ... the default when the key is absent.
    p = policy(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::bucket/${aws:username, 'shared'}/*",
        }
    )
    ctx: dict[str, Any] = {"aws_username": None}
    assert decide(p, "s3:GetObject", "arn:aws:s3:::bucket/shared/x", **ctx) == "allow"
    assert decide(p, "s3:GetObject", "arn:aws:s3:::bucket/alice/x", **ctx) == "implicit-deny"
    no_default = policy(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/${aws:username}/*",
        }
    )
    assert decide(no_default, "s3:GetObject", "arn:aws:s3:::b//x", **ctx) == "implicit-deny"


def test_escaped_characters_match_only_themselves() -> None:
    # VARIABLES: ${*}, ${?}, ${$} stand for the characters *, ? and $.
    p = policy(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/a${*}b${$}"}
    )
    assert decide(p, "s3:GetObject", "arn:aws:s3:::b/a*b$") == "allow"
    assert decide(p, "s3:GetObject", "arn:aws:s3:::b/axxb$") == "implicit-deny"
    cond = evaluate_condition("StringLike", "aws:username", ["a${?}"], {"aws:username": ("ab",)})
    assert cond.truth == "no"
    cond = evaluate_condition("StringLike", "aws:username", ["a${?}"], {"aws:username": ("a?",)})
    assert cond.truth == "yes"


def test_variables_in_condition_values() -> None:
    ctx = {"aws:principalaccount": (ACCOUNT,), "aws:resourceaccount": (ACCOUNT,)}
    ok = evaluate_condition("StringEquals", "aws:ResourceAccount", ["${aws:PrincipalAccount}"], ctx)
    assert ok.truth == "yes"
    ctx["aws:resourceaccount"] = ("999999999999",)
    no = evaluate_condition("StringEquals", "aws:ResourceAccount", ["${aws:PrincipalAccount}"], ctx)
    assert no.truth == "no"


# ---- ARNs (RESOURCE) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "arn", "matches"),
    [
        ("arn:aws:ecr:*", REPO, True),  # a last * reaches over the remaining colons
        ("arn:aws:ecr", REPO, False),  # fewer than six fields, no wildcard: nothing
        ("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b", True),
        ("arn:aws:ecr:*:111122223333:repository/w?b", REPO, True),
        ("arn:aws:ecr:ap-*-1:111122223333:repository/*", REPO, True),
        # A * inside a segment stays inside it: it does not swallow the colons around.
        ("arn:aws:ecr:a*1:repository/web", REPO, False),
        (
            "arn:aws:logs:*:*:log-group:/ecs/web:*",
            "arn:aws:logs:r:1:log-group:/ecs/web:log-stream:x",
            True,
        ),
    ],
)
def test_resource_arns_are_matched_segment_by_segment(
    pattern: str, arn: str, matches: bool
) -> None:
    assert arn_matches(pattern, arn) is matches


# ---- condition operators (CONDITIONS) -------------------------------------------------


@pytest.mark.parametrize(
    "operator",
    [
        "StringNotEquals",
        "StringNotLike",
        "NotIpAddress",
        "NumericNotEquals",
        "DateNotEquals",
        "ArnNotEquals",
        "ArnNotLike",
        "StringNotEqualsIgnoreCase",
    ],
)
def test_negated_operators_hold_when_the_key_is_absent(operator: str) -> None:
    # CONDITIONS: "If the key that you specify in a policy condition is not present in the
    # request context, the values do not match" - and a negated operator then holds.
    assert evaluate_condition(operator, "aws:x", ["1"], {"aws:x": None}).truth == "yes"


@pytest.mark.parametrize(
    ("operator", "values", "actual", "truth"),
    [
        ("StringEqualsIfExists", ["a"], None, "yes"),
        ("StringEqualsIfExists", ["a"], ("b",), "no"),
        ("Null", ["true"], None, "yes"),
        ("Null", ["false"], None, "no"),
        ("Null", ["false"], ("x",), "yes"),
        ("ForAllValues:StringEquals", ["a"], None, "yes"),
        ("ForAllValues:StringEquals", ["a"], (), "yes"),
        ("ForAllValues:StringEquals", ["a"], ("a", "b"), "no"),
        ("ForAnyValue:StringEquals", ["a"], None, "no"),
        ("ForAnyValue:StringEquals", ["a"], (), "no"),
        ("ForAnyValue:StringEquals", ["a"], ("b", "a"), "yes"),
        ("ForAnyValue:StringNotEquals", ["a"], None, "no"),
        ("NumericLessThan", ["10"], ("9",), "yes"),
        ("NumericLessThanEquals", ["10"], ("10",), "yes"),
        ("NumericGreaterThan", ["10"], ("10",), "no"),
        ("NumericGreaterThanEquals", ["10"], ("10.0",), "yes"),
        ("NumericEquals", ["10"], ("ten",), "unknown"),  # unreadable: open
        ("NumericNotEquals", ["10"], ("11",), "yes"),
        ("DateGreaterThan", ["2020-04-01T00:00:00Z"], ("2026-01-01T00:00:00Z",), "yes"),
        ("DateLessThan", ["2020-04-01T00:00:00Z"], ("2026-01-01T00:00:00Z",), "no"),
        ("DateEquals", ["2020-04-01T00:00:00Z"], ("1585699200",), "yes"),
        ("Bool", ["true"], ("true",), "yes"),
        ("Bool", ["false"], ("true",), "no"),
        ("BinaryEquals", ["QmluYXJ5VmFsdWU="], ("QmluYXJ5VmFsdWU=",), "yes"),
        ("IpAddress", ["10.0.0.0/16"], ("10.0.11.10",), "yes"),
        ("IpAddress", ["10.0.0.0/16"], ("10.1.0.1",), "no"),
        ("NotIpAddress", ["10.0.0.0/16"], ("10.1.0.1",), "yes"),
        ("IpAddress", ["10.0.11.0/25"], ("10.0.11.0/24",), "unknown"),  # part of a subnet
        ("IpAddress", ["10.0.0.0/8"], ("10.0.11.0/24",), "yes"),
        ("ArnEquals", ["arn:aws:iam::*:role/exec"], (ROLE,), "yes"),
        ("ArnLike", ["arn:aws:iam::111122223333:role/*"], (ROLE,), "yes"),
        ("ArnNotLike", ["arn:aws:iam::111122223333:role/*"], (ROLE,), "no"),
    ],
)
def test_operator_families(
    operator: str, values: list[str], actual: tuple[str, ...] | None, truth: str
) -> None:
    assert evaluate_condition(operator, "aws:x", values, {"aws:x": actual}).truth == truth


def test_an_operator_netgraph_does_not_know_is_unknown_and_named() -> None:
    result = evaluate_condition("StringSortOf", "aws:x", ["a"], {"aws:x": ("a",)})
    assert result.truth == "unknown" and "StringSortOf" in result.unknown_keys[0]


# ---- the keys netgraph knows on the path ------------------------------------------------


def _secrets_policy(condition: dict[str, Any]) -> dict[str, Any]:
    return {
        "Effect": "Deny",
        "Action": "secretsmanager:GetSecretValue",
        "Resource": "*",
        "Condition": condition,
    }


@pytest.mark.parametrize(
    ("condition", "verdict"),
    [
        ({"Bool": {"aws:SecureTransport": "false"}}, "allowed"),  # the agent uses HTTPS
        ({"StringNotEquals": {"aws:RequestedRegion": "ap-northeast-1"}}, "allowed"),
        ({"StringNotEquals": {"aws:RequestedRegion": "us-east-1"}}, "denied"),
        ({"NotIpAddress": {"aws:VpcSourceIp": "10.0.0.0/16"}}, "allowed"),
        ({"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/16"}}, "denied"),
        ({"StringEquals": {"aws:SourceIp": "203.0.113.1"}}, "unknown"),  # not known: named
    ],
)
def test_keys_known_on_the_path_decide_conditions(condition: dict[str, Any], verdict: str) -> None:
    data = sample_data("healthy-endpoints")
    role = data["RoleDetailList"][0]
    role["RolePolicyList"].append(
        {
            "PolicyName": "guard",
            "PolicyDocument": {"Version": "2012-10-17", "Statement": [_secrets_policy(condition)]},
        }
    )
    s = snap(data)
    (trace,) = check_source(s, service_sources(s)[0], ["iam:execution-role"])
    assert trace.verdict == verdict, trace.reason
    if verdict == "unknown":
        assert "aws:SourceIp" in trace.reason


def test_build_has_the_sample_the_tests_use() -> None:
    assert "broken-role-without-ecr" in build.SAMPLES


# ---- what the evaluator reads in condition values (CONDITIONS, VARIABLES) ---------------
# Found by mutation testing (issue 11): each test pins a rule a surviving mutant broke.


@pytest.fixture
def machine_in_tokyo() -> Any:
    """The machine's local zone nine hours east of UTC: a date without a zone must still be
    read as UTC, as AWS reads it, not as the machine's local time."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "JST-9"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.mark.parametrize(
    "policy_date",
    [
        "2026-01-01T09:00:00+09:00",  # another zone: the same instant
        "2026-01-01T00:00:00",  # no zone: UTC
        "2026-01-01",  # a day: its midnight, UTC
        # A day with the zone designator: Python 3.11 reads "...T00:00:00Z" itself but not
        # this form, which the evaluator still takes as midnight UTC.
        "2026-01-01Z",
    ],
)
def test_dates_are_instants_in_utc_whatever_their_zone_or_the_machines(
    policy_date: str, machine_in_tokyo: None
) -> None:
    for now in ("2026-01-01T00:00:00Z", "1767225600"):
        ctx = {"aws:currenttime": (now,)}
        equal = evaluate_condition("DateEquals", "aws:CurrentTime", [policy_date], ctx)
        before = evaluate_condition("DateLessThan", "aws:CurrentTime", [policy_date], ctx)
        assert (equal.truth, before.truth) == ("yes", "no"), (policy_date, now)


@pytest.mark.parametrize(
    ("operator", "cidr", "address", "truth"),
    [
        # A CIDR written with host bits stands for its network (10.0.1.0/24).
        ("IpAddress", "10.0.1.7/24", "10.0.1.200", "yes"),
        ("NotIpAddress", "10.0.1.7/24", "10.0.1.200", "no"),
        # An address given with its subnet's prefix (simulate --context aws:SourceIp=...).
        ("IpAddress", "10.0.0.0/16", "10.0.1.5/24", "yes"),
        ("IpAddress", "10.0.0.0/8", "2001:db8::1", "no"),  # another IP version: outside
        ("NotIpAddress", "10.0.0.0/8", "2001:db8::1", "yes"),
        ("NotIpAddress", "10.0.0.0/16", "192.168.0.1", "yes"),
        ("IpAddress", "not-a-cidr", "10.0.0.1", "unknown"),  # unreadable: open
        ("NotIpAddress", "not-a-cidr", "10.0.0.1", "unknown"),
    ],
)
def test_ip_address_conditions(operator: str, cidr: str, address: str, truth: str) -> None:
    ctx = {"aws:sourceip": (address,)}
    assert evaluate_condition(operator, "aws:SourceIp", [cidr], ctx).truth == truth


TAGGED = {"aws:principaltag/team": ("a*b",), "aws:principaltag/role": ("*",)}


@pytest.mark.parametrize(
    ("operator", "value", "actual", "truth"),
    [
        # StringEquals has no wildcards: a variable's or an escape's * is just a character.
        ("StringEquals", "${aws:PrincipalTag/team}", "a*b", "yes"),
        ("StringEquals", "a${*}b", "a*b", "yes"),
        ("StringEqualsIgnoreCase", "${aws:PrincipalTag/team}", "A*B", "yes"),
        # In ArnEquals and ArnLike (wildcards allowed), a * a variable puts in matches only
        # itself, not any role.
        ("ArnLike", f"arn:aws:iam::{ACCOUNT}:role/${{aws:PrincipalTag/role}}", ROLE, "no"),
        ("ArnEquals", f"arn:aws:iam::{ACCOUNT}:role/${{aws:PrincipalTag/role}}", ROLE, "no"),
        ("ArnLike", f"arn:aws:iam::{ACCOUNT}:role/*", ROLE, "yes"),
        # An empty default ('') is a value: the rest of the pattern still has to match.
        ("StringLike", "team-${aws:PrincipalTag/absent, ''}*", "team-blue", "yes"),
        ("StringLike", "team-${aws:PrincipalTag/absent, ''}*", "squad-blue", "no"),
        # Numeric operators take no policy variables: the text never reads as a number.
        ("NumericLessThan", "${aws:PrincipalTag/maxage}", "10", "unknown"),
    ],
)
def test_policy_variables_in_condition_values_by_operator(
    operator: str, value: str, actual: str, truth: str
) -> None:
    ctx = {**TAGGED, "aws:principaltag/absent": None, "aws:principaltag/maxage": ("3600",)}
    ctx["aws:x"] = (actual,)
    assert evaluate_condition(operator, "aws:x", [value], ctx).truth == truth


def test_a_variable_netgraph_cannot_know_in_a_condition_makes_the_allow_unknown() -> None:
    p = policy(
        {
            "Effect": "Allow",
            "Action": "ecr:BatchGetImage",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceVpce": "${aws:PrincipalTag/vpce}"}},
        }
    )
    ctx = request_context(ME, aws_SourceVpce="vpce-0123")
    d = evaluate([p], Request("ecr:BatchGetImage", REPO, ME, ctx))
    assert d.decision == "unknown"
    assert d.unknown_keys == ("aws:PrincipalTag/vpce",)
    assert "depending on aws:PrincipalTag/vpce, which netgraph cannot know" in d.reason


def test_an_open_answer_names_every_key_netgraph_cannot_know() -> None:
    p = policy(
        {
            "Effect": "Allow",
            "Action": "ecr:BatchGetImage",
            "Resource": "*",
            "Condition": {
                "IpAddress": {"aws:SourceIp": "203.0.113.0/24"},
                "StringEquals": {"aws:PrincipalTag/team": "web"},
            },
        }
    )
    d = evaluate([p], Request("ecr:BatchGetImage", REPO, ME, request_context(ME)))
    assert d.decision == "unknown"
    assert "depending on aws:SourceIp, aws:PrincipalTag/team, which netgraph cannot know" in (
        d.reason
    )


@pytest.mark.parametrize(
    ("actual", "truth"),
    [(("web", "api"), "yes"), (("web",), "yes"), (("web", "db"), "no")],
)
def test_for_all_values_holds_when_every_value_of_the_request_is_listed(
    actual: tuple[str, ...], truth: str
) -> None:
    ctx = {"aws:tagkeys": actual}
    result = evaluate_condition("ForAllValues:StringEquals", "aws:TagKeys", ["web", "api"], ctx)
    assert result.truth == truth


@pytest.mark.parametrize(("actual", "truth"), [(None, "yes"), (("x",), "no")])
def test_a_null_condition_without_a_value_asks_for_the_key_to_be_absent(
    actual: tuple[str, ...] | None, truth: str
) -> None:
    assert evaluate_condition("Null", "aws:x", [], {"aws:x": actual}).truth == truth


@pytest.mark.parametrize(
    "operator", ["ForAllValues:ForAnyValue:StringEquals", "ForAnyValue:StringEquals:Extra"]
)
def test_an_operator_with_two_qualifiers_is_unknown_and_named(operator: str) -> None:
    result = evaluate_condition(operator, "aws:x", ["a"], {"aws:x": ("a",)})
    assert result.truth == "unknown"
    assert result.unknown_keys == (f"aws:x (operator {operator})",)


def _decision(effect: str, condition: dict[str, Any] | None = None) -> PolicyDecision:
    st: dict[str, Any] = {"Effect": effect, "Action": "ecr:BatchGetImage", "Resource": "*"}
    if condition:
        st["Condition"] = condition
    return evaluate([policy(st)], Request("ecr:BatchGetImage", REPO, ME, request_context(ME)))


def test_every_policy_kind_must_allow_a_deny_then_an_open_answer_wins_over_an_allow() -> None:
    # EVALUATION: identity AND boundary (or endpoint policy): an explicit Deny in either
    # denies; an answer netgraph cannot decide in either stays open.
    allow = _decision("Allow")
    deny = _decision("Deny")
    open_ = _decision("Allow", {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})
    assert (allow.decision, deny.decision, open_.decision) == ("allow", "deny", "unknown")
    assert combine_all(allow, deny) is deny
    assert "is explicitly denied by" in combine_all(allow, deny).reason
    assert combine_all(allow, open_) is open_
    assert combine_all(open_, allow) is open_
    assert combine_all(allow, allow).decision == "allow"


def test_a_variables_text_matches_as_if_written_in_place_colons_included() -> None:
    # VARIABLES: the value replaces the variable before the ARN is matched, so a colon it
    # brings separates segments as a written one does (the * before it ends a segment and
    # may span colons: an S3 key may hold some). Only its * and ? stay literal.
    obj = "arn:aws:s3:::reports/2026:q1:final"
    for resource in (
        "arn:aws:s3:::reports/*:final",
        "arn:aws:s3:::reports/*${aws:PrincipalTag/suffix}",
    ):
        p = policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": resource})
        ctx: dict[str, Any] = {"aws_PrincipalTag/suffix": ":final"}
        assert decide(p, "s3:GetObject", obj, **ctx) == "allow", resource
        assert decide(p, "s3:GetObject", "arn:aws:s3:::reports/2026:q1:draft", **ctx) == (
            "implicit-deny"
        )


@pytest.mark.parametrize(
    ("operator", "value", "actual"),
    [
        ("NumericLessThan", "10", "ten"),
        ("NumericGreaterThan", "ten", "10"),
        ("DateGreaterThan", "2020-01-01T00:00:00Z", "yesterday"),
        ("DateLessThan", "someday", "2026-01-01T00:00:00Z"),
    ],
)
def test_a_number_or_date_that_does_not_read_as_one_is_open(
    operator: str, value: str, actual: str
) -> None:
    """Not "no": a Deny with such a condition may apply in AWS, and "no" would drop it (a
    wrong "allowed" through simulate --context aws:CurrentTime=... and a "2020-06" date)."""
    assert evaluate_condition(operator, "aws:x", [value], {"aws:x": (actual,)}).truth == "unknown"


def test_an_identity_allow_suffices_whatever_an_open_resource_policy_allow_would_say() -> None:
    # EVALUATION, same account: an Allow in the identity policies suffices; a resource
    # policy's Allow that depends on a key netgraph cannot know does not make it open.
    request = Request("ecr:BatchGetImage", REPO, ME, request_context(ME))
    identity = _decision("Allow")
    open_grant = policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": ROLE},
            "Action": "ecr:BatchGetImage",
            "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        },
        resource_based=True,
    )
    resource = evaluate([open_grant], request)
    assert resource.decision == "unknown"
    assert combine_any(identity, resource) is identity


def test_a_grant_to_the_role_within_its_boundary_is_decided_by_the_resource_policy() -> None:
    # BOUNDARIES: the role's boundary allows too, so the statement that allowed (shown to the
    # user) is the resource policy's grant, not the boundary's.
    request = Request("ecr:BatchGetImage", REPO, ME, request_context(ME))
    resource = evaluate([pull({"AWS": ROLE})], request)
    boundary = _decision("Allow")
    identity = PolicyDecision("implicit-deny", None, "nothing in the role's policies allows it")
    found = combine_any(identity, resource, boundary)
    assert found is resource
    assert found.grant == "direct"


@pytest.mark.parametrize(
    ("operator", "value", "now", "truth"),
    [
        # W3C's shorter ISO 8601 forms (IAM takes "one of the W3C implementations"): a month,
        ("DateGreaterThan", "2026-01", "2026-12-02T00:00:00Z", "yes"),
        ("DateLessThan", "2026-01", "2025-12-31T23:59:59Z", "yes"),
        ("DateLessThan", "2026-01", "2026-01-01T00:00:00Z", "no"),
        ("DateEquals", "2026-13", "2026-12-02T00:00:00Z", "unknown"),  # no thirteenth month
        # and a year, which reads as epoch seconds too: certain only when both readings agree.
        ("DateGreaterThan", "2020", "2026-12-02T00:00:00Z", "yes"),  # after both
        ("DateLessThan", "2030", "2026-12-02T00:00:00Z", "unknown"),  # before 2030, after 1970
        ("DateLessThan", "2030", "1970-01-01T00:00:00Z", "yes"),  # before both
    ],
)
def test_a_w3c_month_or_year_is_a_date(operator: str, value: str, now: str, truth: str) -> None:
    got = evaluate_condition(operator, "aws:CurrentTime", [value], {"aws:currenttime": (now,)})
    assert got.truth == truth


@pytest.mark.parametrize(
    ("operator", "value", "now", "truth"),
    [
        # A month or a year starts at its first midnight, UTC, whatever the machine's zone:
        ("DateEquals", "2026-01", "2026-01-01T00:00:00Z", "yes"),
        ("DateLessThan", "2026-01", "2025-12-31T23:59:59Z", "yes"),
        # December is a month too,
        ("DateGreaterThan", "2026-12", "2026-12-02T00:00:00Z", "yes"),
        ("DateLessThan", "2026-12", "2026-11-30T23:59:59Z", "yes"),
        # and a bare year is its 1 January (read as epoch seconds too, both agree here).
        ("DateLessThan", "2027", "2027-01-15T00:00:00Z", "no"),
        ("DateGreaterThanEquals", "2027", "2027-01-01T00:00:00Z", "yes"),
    ],
)
def test_a_w3c_month_or_year_begins_at_its_first_midnight_utc(
    operator: str, value: str, now: str, truth: str, machine_in_tokyo: None
) -> None:
    got = evaluate_condition(operator, "aws:CurrentTime", [value], {"aws:currenttime": (now,)})
    assert got.truth == truth


_OTHER_ACCOUNT = "444455556666"


@pytest.mark.parametrize(
    ("role", "session", "decision"),
    [
        # A session ARN carries the role's name without its path (EVALUATION: role sessions).
        (
            f"arn:aws:iam::{ACCOUNT}:role/team/app/exec",
            f"arn:aws:sts::{ACCOUNT}:assumed-role/exec/s1",
            "unknown",
        ),
        (
            f"arn:aws:iam::{ACCOUNT}:role/app/exec",
            f"arn:aws:sts::{ACCOUNT}:assumed-role/exec/s1",
            "unknown",
        ),
        # A session of a same-named role of another account, or of another role: not ours.
        (ROLE, f"arn:aws:sts::{_OTHER_ACCOUNT}:assumed-role/exec/s1", "implicit-deny"),
        (ROLE, f"arn:aws:sts::{ACCOUNT}:assumed-role/other/s1", "implicit-deny"),
        # The caller's role ARN not known: whether the session is its own is not known either.
        (None, f"arn:aws:sts::{ACCOUNT}:assumed-role/exec/s1", "unknown"),
    ],
)
def test_a_resource_policy_grants_a_session_only_of_the_callers_own_role(
    role: str | None, session: str, decision: str
) -> None:
    who = Principal(arn=role, account=ACCOUNT)
    assert decide(pull({"AWS": session}), "ecr:BatchGetImage", REPO, who=who) == decision
