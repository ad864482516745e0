"""Endpoint policies on the path: the allow-everything shortcut holds only for a policy
that truly allows everything, and an answer that depends on unknown keys stays unknown.
Each test names the mutant it kills (docs/mutants.md)."""

from __future__ import annotations

import json
from typing import Any

from netgraph.check import check_source
from netgraph.flows import service_sources
from netgraph.reach import Trace

from .conftest import build, sample_data, snap

API = build.ENDPOINTS["ecr.api"][0]
ALLOW_ALL: dict[str, Any] = {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}


def with_policy(*statements: dict[str, Any]) -> Trace:
    """ecr.api for the bundled service, its endpoint's policy replaced by ``statements``."""
    data = sample_data("healthy-endpoints")
    api = next(e for e in data["VpcEndpoints"] if e["VpcEndpointId"] == API)
    api["PolicyDocument"] = json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
    s = snap(data)
    return check_source(s, service_sources(s)[0], ["ecr.api"])[0]


def blame(t: Trace) -> tuple[str, str | None, str | None]:
    at = t.blocked_at
    return (t.verdict, at.id if at else None, at.code if at else None)


def test_allow_everything_is_reachable() -> None:
    assert blame(with_policy(ALLOW_ALL)) == ("reachable", None, None)


def test_allow_everything_with_a_deny_is_not_the_shortcut() -> None:
    # Kills: the allow-everything shortcut ignoring a Deny statement.
    deny = {"Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Resource": "*"}
    assert blame(with_policy(ALLOW_ALL, deny)) == ("blocked", API, "VPCE_POLICY_DENIES")


def test_allow_everything_with_a_condition_is_not_the_shortcut() -> None:
    # Kills: the allow-everything shortcut ignoring Condition. The request comes through
    # this VPC, so a condition naming another VPC leaves nothing allowing it.
    conditioned = {**ALLOW_ALL, "Condition": {"StringEquals": {"aws:SourceVpc": "vpc-other"}}}
    assert blame(with_policy(conditioned)) == ("blocked", API, "VPCE_POLICY_DENIES")


def test_allow_everything_to_another_principal_is_not_the_shortcut() -> None:
    # Kills: the shortcut taking any Principal as everyone.
    other = {**ALLOW_ALL, "Principal": {"AWS": "arn:aws:iam::999999999999:root"}}
    assert blame(with_policy(other)) == ("blocked", API, "VPCE_POLICY_DENIES")


def test_allow_everything_with_not_principal_is_not_the_shortcut() -> None:
    # Kills: the shortcut ignoring NotPrincipal.
    st = {k: v for k, v in ALLOW_ALL.items() if k != "Principal"}
    st["NotPrincipal"] = {"AWS": build.EXEC_ROLE}
    assert blame(with_policy(st))[0] != "reachable"


def test_unknown_endpoint_policy_answer_is_unknown_not_reachable() -> None:
    # Kills: an unknown endpoint-policy answer dropped (taken as a pass).
    tagged = {**ALLOW_ALL, "Condition": {"StringEquals": {"aws:PrincipalTag/team": "web"}}}
    t = with_policy(tagged)
    assert blame(t) == ("unknown", None, None)
    assert API in t.reason and "aws:PrincipalTag/team" in t.reason


def test_a_deny_that_may_apply_makes_an_allowed_call_unknown() -> None:
    # Kills: a Deny that may apply (unknown condition key) ignored when an Allow applies.
    maybe_deny = {
        "Effect": "Deny",
        "Principal": "*",
        "Action": "ecr:*",
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:PrincipalTag/team": "web"}},
    }
    t = with_policy(ALLOW_ALL, maybe_deny)
    assert blame(t) == ("unknown", None, None)
    assert "aws:PrincipalTag/team" in t.reason


def test_unreadable_endpoint_policy_is_unknown() -> None:
    # Kills: a policy that failed to parse taken as allowing (or as denying).
    t = with_policy({"Effect": "Maybe", "Action": "*", "Resource": "*"})
    assert blame(t) == ("unknown", None, None)
