"""The IAM policy evaluator, pinned to the examples of AWS's policy documentation, and
checked against a brute-force matcher."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from netgraph.evaluate.iam import (
    Principal,
    Request,
    action_matches,
    arn_matches,
    evaluate,
    request_context,
    wildcard_match,
)
from netgraph.model import Policy
from netgraph.sources.policies import parse_policy

from .conftest import examples

ROLE = "arn:aws:iam::111122223333:role/exec"
ME = Principal(arn=ROLE, account="111122223333")


def policy(*statements: dict[str, Any], name: str = "p") -> Policy:
    return parse_policy(name, {"Version": "2012-10-17", "Statement": list(statements)})


def decide(p: list[Policy] | Policy, action: str, resource: str | None = "*", **ctx: Any) -> str:
    policies = p if isinstance(p, list) else [p]
    request = Request(action, resource, ME, request_context(ME, **ctx))
    return evaluate(policies, request).decision


def test_explicit_deny_beats_allow() -> None:
    p = policy(
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"},
    )
    assert decide(p, "s3:DeleteObject") == "deny"
    assert decide(p, "s3:GetObject") == "allow"


def test_deny_in_another_policy_wins_and_nothing_is_implicit_deny() -> None:
    allow = policy({"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}, name="a")
    deny = policy({"Effect": "Deny", "Action": "ecr:BatchGetImage", "Resource": "*"}, name="d")
    result = evaluate([allow, deny], Request("ecr:BatchGetImage", "*", ME))
    assert result.decision == "deny" and result.statement is not None
    assert result.statement.policy == "d"
    assert decide(allow, "logs:PutLogEvents") == "implicit-deny"


def test_not_action_with_allow_allows_everything_else() -> None:
    p = policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    assert decide(p, "iam:CreateUser") == "implicit-deny"
    assert decide(p, "ecr:BatchGetImage") == "allow"


def test_not_action_with_deny_denies_everything_else() -> None:
    p = policy(
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "NotAction": ["iam:*", "sts:*"], "Resource": "*"},
    )
    assert decide(p, "s3:GetObject") == "deny"
    assert decide(p, "iam:GetUser") == "allow"


def test_not_resource() -> None:
    p = policy(
        {
            "Effect": "Allow",
            "Action": "s3:*",
            "NotResource": ["arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"],
        }
    )
    assert decide(p, "s3:GetObject", "arn:aws:s3:::HRBucket/Payroll/jan.csv") == "implicit-deny"
    assert decide(p, "s3:GetObject", "arn:aws:s3:::HRBucket/Other/x") == "allow"


def test_wildcards_and_case() -> None:
    assert action_matches("ecr:Batch*", "ecr:BatchGetImage")
    assert action_matches("ECR:batchgetimage", "ecr:BatchGetImage")
    assert action_matches("ecr:Get?uthorizationToken", "ecr:GetAuthorizationToken")
    assert not action_matches("ecr:Get?", "ecr:GetAuthorizationToken")
    assert arn_matches(
        "arn:aws:ecr:*:111122223333:repository/app-*",
        "arn:aws:ecr:ap-northeast-1:111122223333:repository/app-web",
    )
    assert not arn_matches(
        "arn:aws:ecr:*:111122223333:repository/app-*",
        "arn:aws:ecr:ap-northeast-1:111122223333:repository/App-web",
    )
    assert arn_matches(
        "arn:aws:logs:*:*:log-group:/ecs/web:*",
        "arn:aws:logs:eu-west-1:1:log-group:/ecs/web:log-stream:web/web/abc",
    )
    assert not arn_matches("arn:aws:ecr:us-*:*:*", "arn:aws:ecr:eu-west-1:1:repository/x")


def test_single_statement_object_and_string_values() -> None:
    p = parse_policy(
        "p", {"Statement": {"Effect": "Allow", "Action": "ecr:BatchGetImage", "Resource": "*"}}
    )
    assert decide(p, "ecr:BatchGetImage") == "allow"


def test_url_encoded_documents_are_read() -> None:
    doc = {"Statement": [{"Effect": "Allow", "Action": "logs:*", "Resource": "*"}]}
    p = parse_policy("p", urllib.parse.quote(json.dumps(doc)))
    assert p.error is None and decide(p, "logs:PutLogEvents") == "allow"


def test_unreadable_document_is_an_error_not_a_crash() -> None:
    assert parse_policy("p", "{not json").error
    assert parse_policy("p", {"Statement": [{"Effect": "Maybe", "Action": "*"}]}).error


def test_conditions_on_known_keys() -> None:
    p = policy(
        {
            "Effect": "Allow",
            "Action": "ecr:BatchGetImage",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1"}},
        }
    )
    assert decide(p, "ecr:BatchGetImage", aws_SourceVpce="vpce-1") == "allow"
    assert decide(p, "ecr:BatchGetImage", aws_SourceVpce="vpce-2") == "implicit-deny"
    assert decide(p, "ecr:BatchGetImage", aws_SourceVpce=None) == "implicit-deny"  # absent
    assert decide(p, "ecr:BatchGetImage") == "unknown"  # not known either way


def test_negated_operators_and_if_exists_with_absent_keys() -> None:
    deny = policy(
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {
            "Effect": "Deny",
            "Action": "ecr:*",
            "Resource": "*",
            "Condition": {"StringNotEquals": {"aws:SourceVpc": "vpc-1"}},
        },
    )
    assert decide(deny, "ecr:BatchGetImage", aws_SourceVpc=None) == "deny"
    assert decide(deny, "ecr:BatchGetImage", aws_SourceVpc="vpc-1") == "allow"
    # ...IfExists: an absent key makes the condition true, for Allow and Deny alike
    if_exists = policy(
        {
            "Effect": "Allow",
            "Action": "ecr:*",
            "Resource": "*",
            "Condition": {"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}},
        }
    )
    assert decide(if_exists, "ecr:BatchGetImage", aws_SourceVpce=None) == "allow"
    assert decide(if_exists, "ecr:BatchGetImage", aws_SourceVpce="vpce-2") == "implicit-deny"
    null = policy(
        {
            "Effect": "Allow",
            "Action": "*",
            "Resource": "*",
            "Condition": {"Null": {"aws:SourceVpce": "true"}},
        }
    )
    assert decide(null, "s3:GetObject", aws_SourceVpce=None) == "allow"
    assert decide(null, "s3:GetObject", aws_SourceVpce="vpce-1") == "implicit-deny"


def test_principal_arn_and_account_are_known() -> None:
    p = policy(
        {
            "Effect": "Allow",
            "Action": "*",
            "Resource": "*",
            "Condition": {
                "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/*"},
                "StringEquals": {"aws:PrincipalAccount": "111122223333"},
            },
        }
    )
    assert decide(p, "ecr:BatchGetImage") == "allow"


def test_unknown_condition_key_is_named() -> None:
    p = policy(
        {
            "Effect": "Allow",
            "Action": "*",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/team": "web"}},
        }
    )
    result = evaluate([p], Request("ecr:BatchGetImage", "*", ME, request_context(ME)))
    assert result.decision == "unknown"
    assert result.unknown_keys == ("aws:PrincipalTag/team",)
    assert "aws:PrincipalTag/team" in result.reason


def test_unknown_resource_is_only_certain_for_star() -> None:
    star = policy({"Effect": "Allow", "Action": "ecr:*", "Resource": "*"})
    narrow = policy(
        {"Effect": "Allow", "Action": "ecr:*", "Resource": "arn:aws:ecr:*:*:repository/x"}
    )
    assert decide(star, "ecr:BatchGetImage", None) == "allow"
    assert decide(narrow, "ecr:BatchGetImage", None) == "unknown"


def test_principals_of_resource_policies() -> None:
    def allowed(principal: Any, who: Principal) -> str:
        p = policy({"Effect": "Allow", "Principal": principal, "Action": "ecr:BatchGetImage"})
        return evaluate(
            [p], Request("ecr:BatchGetImage", "arn:aws:ecr:r:1:repository/x", who)
        ).decision

    assert allowed("*", ME) == "allow"
    assert allowed({"AWS": "111122223333"}, ME) == "allow"
    assert allowed({"AWS": "arn:aws:iam::111122223333:root"}, ME) == "allow"
    assert allowed({"AWS": [ROLE]}, ME) == "allow"
    assert allowed({"AWS": "arn:aws:iam::999999999999:root"}, ME) == "implicit-deny"
    ecs = Principal(service="ecs-tasks.amazonaws.com")
    assert allowed({"Service": "ecs-tasks.amazonaws.com"}, ecs) == "allow"
    assert allowed({"Service": "ec2.amazonaws.com"}, ecs) == "implicit-deny"


def test_the_deciding_statement_is_named() -> None:
    p = policy(
        {"Sid": "Pull", "Effect": "Allow", "Action": "ecr:BatchGetImage", "Resource": "*"},
        name="arn:aws:iam::1:policy/pull",
    )
    result = evaluate([p], Request("ecr:BatchGetImage", "*", ME))
    assert result.statement is not None
    assert result.statement.label == "arn:aws:iam::1:policy/pull (Sid Pull)"


# ---- property: wildcard matching and the evaluation logic against brute force -------------

ALPHABET = "ab*?"


def brute_match(pattern: str, value: str) -> bool:
    if not pattern:
        return not value
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        return any(brute_match(rest, value[i:]) for i in range(len(value) + 1))
    if not value:
        return False
    return (head == "?" or head == value[0]) and brute_match(rest, value[1:])


@settings(max_examples=examples(500), deadline=None)
@given(st.text(ALPHABET, max_size=6), st.text("ab", max_size=6))
def test_wildcard_matches_brute_force(pattern: str, value: str) -> None:
    assert wildcard_match(pattern, value) == brute_match(pattern, value)


actions = st.sampled_from(["ecr:a", "ecr:ab", "ecr:b", "logs:a"])
patterns = st.sampled_from(["ecr:*", "ecr:a*", "ecr:?", "*", "logs:a", "ecr:ab", "ECR:A"])
statements = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(["Allow", "Deny"]),
        "not": st.booleans(),
        "actions": st.lists(patterns, min_size=1, max_size=3),
    }
)


def oracle(stmts: list[dict[str, Any]], action: str) -> str:
    def applies(s: dict[str, Any]) -> bool:
        hit = any(brute_match(p.lower(), action.lower()) for p in s["actions"])
        return not hit if s["not"] else hit

    hits = [s for s in stmts if applies(s)]
    if any(s["Effect"] == "Deny" for s in hits):
        return "deny"
    return "allow" if hits else "implicit-deny"


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(statements, max_size=5), actions)
def test_evaluation_matches_brute_force(stmts: list[dict[str, Any]], action: str) -> None:
    docs = [
        {
            "Effect": s["Effect"],
            ("NotAction" if s["not"] else "Action"): s["actions"],
            "Resource": "*",
        }
        for s in stmts
    ]
    p = parse_policy("p", {"Statement": docs})
    assert p.error is None
    assert evaluate([p], Request(action, "*", ME)).decision == oracle(stmts, action)


def test_brute_force_oracle_is_itself_sane() -> None:
    # The oracle against answers worked out by hand (it must be able to say no, too).
    assert brute_match("a*b", "aaab") and brute_match("*", "") and brute_match("?b", "ab")
    assert not brute_match("a?", "a") and not brute_match("a*", "ba")
    assert not brute_match("", "a") and not brute_match("*b", "ba")
    assert oracle([{"Effect": "Allow", "not": True, "actions": ["logs:a"]}], "ecr:a") == "allow"
    assert oracle([{"Effect": "Allow", "not": False, "actions": ["ecr:?"]}], "ecr:ab") == (
        "implicit-deny"
    )


def test_a_deny_that_may_apply_beats_an_allow_that_applies() -> None:
    # Kills: a Deny whose condition netgraph cannot decide ignored when an Allow applies.
    p = policy(
        {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"},
        {
            "Effect": "Deny",
            "Action": "ecr:*",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/team": "web"}},
        },
    )
    result = evaluate([p], Request("ecr:BatchGetImage", "*", ME, request_context(ME)))
    assert result.decision == "unknown"
    assert result.unknown_keys == ("aws:PrincipalTag/team",)
    assert result.statement is not None and result.statement.effect == "Deny"
