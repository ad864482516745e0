"""What the walk makes of a DNS answer (graph.resolve, graph.follow_resolution) and what a
check says it assumed of Route 53 (dns.assumptions): the failing DNS hop's words and finding
code, the doubt hop of an uncertain single answer, the internet target that is not a name,
and which absent Resolver keys a check reports. Snapshots: tests/hosted_zone_fixtures.py's
hub and spoke, and tests/test_name_edges.py's S3 interface endpoint."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from netgraph.check import check_source
from netgraph.flows import service_sources
from netgraph.hop import HopKind
from netgraph.reach import Trace

from .hosted_zone_fixtures import (
    HUB,
    REGION,
    SPOKE,
    ZONE_IDS,
    add_zone,
    associate_rule,
    drop_zone,
    forward_rule,
    hub_spoke,
    load,
    phz,
)
from .test_name_edges import _S3_EP, _VPC, S3_DOUBT, _s3_check, _s3_interface_only

_LOGS_HOST = f"logs.{REGION}.amazonaws.com"
_SPOKE_RTB = "rtb-0f0f0f0f0f0f0f0f1"  # the spoke's private subnet's table: no default route


def _check(data: dict[str, Any], target: str) -> Trace:
    s = load(data)
    return check_source(s, service_sources(s)[0], [target])[0]


def _dns_support_off(data: dict[str, Any]) -> str:
    for a in data["VpcAttributes"]:
        if a["VpcId"] == SPOKE and "EnableDnsSupport" in a:
            a["EnableDnsSupport"]["Value"] = False
    return str(SPOKE)


def _zone_without_the_record(data: dict[str, Any]) -> str:
    drop_zone(data, ZONE_IDS["logs"])
    zone_id = "Z0REGION000000000009"
    add_zone(
        data, zone_id, f"{REGION}.amazonaws.com", [SPOKE, HUB], phz.apex(f"{REGION}.amazonaws.com")
    )
    return zone_id


@pytest.mark.parametrize(
    ("breaks", "code", "why"),
    [
        pytest.param(
            _dns_support_off,
            "DNS_SUPPORT_DISABLED",
            f"enableDnsSupport is off on {SPOKE}: the Amazon DNS server answers no query",
            id="dns-support-off",
        ),
        pytest.param(_zone_without_the_record, "PHZ_NO_RECORD", None, id="zone-without-record"),
    ],
)
def test_a_name_that_does_not_resolve_blocks_with_its_own_finding_and_words(
    breaks: Callable[[dict[str, Any]], str], code: str, why: str | None
) -> None:
    data = hub_spoke()
    culprit = breaks(data)
    t = _check(data, "logs")
    assert t.verdict == "blocked", t.reason
    assert t.blocked_at is not None
    # The finding a user filters on (JSON blocked.code, SARIF ruleId) is the resolution's own
    # (an NXDOMAIN of a private zone), else enableDnsSupport's.
    assert (t.blocked_at.id, t.blocked_at.kind, t.blocked_at.code) == (
        culprit,
        HopKind.DNS,
        code,
    )
    assert t.blocked_at.reason.startswith(f"{_LOGS_HOST} does not resolve: ")
    if why is not None:
        assert t.blocked_at.reason == f"{_LOGS_HOST} does not resolve: {why}"
        assert t.blocked_at.fix is not None
        assert f"aws ec2 modify-vpc-attribute --vpc-id {SPOKE} --enable-dns-support" in (
            t.blocked_at.fix
        )
    else:
        assert "NXDOMAIN" in t.blocked_at.reason


def test_an_uncertain_single_answer_keeps_its_doubt_as_a_hop() -> None:
    # An S3 interface endpoint with private DNS for all traffic is the one answer, but not a
    # certain one (ECR's layer downloads): the doubt is a hop of its own before the answer.
    t = _s3_check(_s3_interface_only(hostnames=True))
    assert t.verdict == "reachable", t.reason
    host = f"prod-{REGION}-starport-layer-bucket.s3.{REGION}.amazonaws.com"
    assert [(h.id, h.status, h.reason) for h in t.hops if h.kind == HopKind.DNS] == [
        (_VPC, "pass", f"{host}: {S3_DOUBT.replace('vpce-0s3', _S3_EP)}"),
        (_S3_EP, "pass", f"{host}: private DNS of {_S3_EP} answers with its ENIs"),
    ]


def test_the_internet_target_under_a_rule_that_forwards_every_name_is_unknown() -> None:
    # A Resolver rule forwarding every name (".") outside the snapshot: whatever public name
    # the task asks, servers the snapshot does not hold answer it (they may send it to a
    # proxy on premises), as they answer the services' names. It once read "a public name:
    # resolves to public addresses" and went on (here to a blocked route).
    data = hub_spoke()
    associate_rule(data, forward_rule("rslvr-rr-0000000000000001", "."), SPOKE)
    t = _check(data, "internet")
    assert t.verdict == "unknown", t.reason
    assert [(h.id, h.status, h.reason) for h in t.hops if h.kind == HopKind.DNS] == [
        (
            SPOKE,
            "unknown",
            "the internet: any public name: the Resolver rule rslvr-rr-0000000000000001 "
            f"(FORWARD . (every name)) associated with {SPOKE} forwards every name to DNS "
            "servers outside the snapshot",
        )
    ]


def test_the_internet_target_under_a_rule_for_some_domain_resolves_publicly() -> None:
    # A rule that forwards one domain takes only that domain's names: "any public name" is
    # still answered publicly, and the path goes on (here to a blocked route).
    data = hub_spoke()
    associate_rule(data, forward_rule("rslvr-rr-0000000000000001", "corp.example"), SPOKE)
    t = _check(data, "internet")
    assert t.verdict == "blocked", t.reason
    assert [(h.id, h.status, h.reason) for h in t.hops if h.kind == HopKind.DNS] == [
        (SPOKE, "pass", "the internet: a public name: resolves to public addresses")
    ]
    assert t.blocked_at is not None and t.blocked_at.id == _SPOKE_RTB


def test_without_hosted_zones_by_vpc_the_check_words_the_assumption_exactly() -> None:
    data = hub_spoke()
    del data["HostedZonesByVpc"]
    t = _check(data, "logs")
    assert t.verdict == "reachable", t.reason
    assert t.assumptions == (
        f"zones of other accounts associated with {SPOKE} not listed (HostedZonesByVpc): "
        "none assumed",
    )


@pytest.mark.parametrize("absent", ["ResolverRules", "ResolverRuleAssociations"])
def test_resolver_rules_are_assumed_absent_only_when_neither_key_was_collected(
    absent: str,
) -> None:
    # With one of the two keys the rules that may apply are read from it (any forwarding rule
    # of the account, or the associations' rules as unknown): "none assumed to forward" would
    # be a claim the check did not make.
    data = hub_spoke()
    del data[absent]
    assert _check(data, "logs").assumptions == ()
    data.pop("ResolverRules", None)
    data.pop("ResolverRuleAssociations", None)
    assert _check(data, "logs").assumptions == (
        "Resolver rules not collected (ResolverRules): none assumed to forward",
    )


def test_the_internet_target_with_an_associated_rule_not_collected_is_unknown() -> None:
    # Which names a rule forwards is unknown when only its association was collected: it may
    # take every name.
    data = hub_spoke()
    associate_rule(data, forward_rule("rslvr-rr-0000000000000001", "."), SPOKE)
    data["ResolverRules"] = [
        r for r in data["ResolverRules"] if r["Id"] != "rslvr-rr-0000000000000001"
    ]
    t = _check(data, "internet")
    assert t.verdict == "unknown", t.reason
    dns = [h for h in t.hops if h.kind == HopKind.DNS]
    assert [h.status for h in dns] == ["unknown"]
    assert dns[0].reason.startswith("the internet: any public name: Resolver rule ")
    assert "which names it forwards is unknown" in dns[0].reason
