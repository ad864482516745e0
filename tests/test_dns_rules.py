"""The rules of name resolution one by one (evaluate/dns.py and evaluate/hosted_zones.py), on
small model snapshots: which Route 53 keys switch the hosted-zone reading on, which Resolver
rules apply, how specific a zone or rule is, and the words a user reads for each answer."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from netgraph.evaluate import dns
from netgraph.model import (
    HostedZone,
    ResolverRule,
    ResolverRuleAssociation,
    ResourceRecordSet,
    Snapshot,
    Vpc,
)

from .rule_snapshots import VPC, snapshot

REGION = "ap-northeast-1"
LOGS = f"logs.{REGION}.amazonaws.com"
LOGS_SERVICE = f"com.amazonaws.{REGION}.logs"
OTHER = "vpc-2"


def vpc(vpc_id: str = VPC, support: bool | None = True, hostnames: bool | None = True) -> Vpc:
    return Vpc(vpc_id, (ipaddress.ip_network("10.0.0.0/16"),), "default", support, hostnames)


def rule(rule_id: str, domain: str | None, kind: str | None = "FORWARD") -> ResolverRule:
    return ResolverRule(rule_id, domain, kind, "COMPLETE")


def link(
    rule_id: str, vpc_id: str = VPC, status: str | None = "COMPLETE"
) -> ResolverRuleAssociation:
    return ResolverRuleAssociation(f"rslvr-rrassoc-{rule_id}", rule_id, vpc_id, status)


def record(name: str, kind: str | None = "A", alias_to: str | None = None) -> ResourceRecordSet:
    if alias_to is not None:
        return ResourceRecordSet(name, kind, True, alias_to, None)
    return ResourceRecordSet(name, kind, False, None, ("10.0.0.9",))


def zone(
    zone_id: str,
    name: str | None,
    vpcs: tuple[str, ...] | None = (VPC,),
    records: tuple[ResourceRecordSet, ...] | None = (),
    private: bool | None = True,
) -> HostedZone:
    return HostedZone(zone_id, name, private, vpcs, records)


def world(**fields: Any) -> Snapshot:
    """The VPC (both DNS attributes on, AmazonProvidedDNS) and ``fields``."""
    base: dict[str, Any] = {"vpcs": {VPC: vpc(), OTHER: vpc(OTHER)}}
    return snapshot(**{**base, **fields})


def resolve(s: Snapshot, service: str = "logs", v: Vpc | None = None) -> dns.DnsAnswer:
    return dns.resolve(s, v or vpc(), dns.AWS_SERVICES[service])


def outcomes(a: dns.DnsAnswer) -> list[str]:
    return [r.outcome for r in a.resolutions]


def only(a: dns.DnsAnswer) -> dns.Resolution:
    assert a.certain and len(a.resolutions) == 1, a
    return a.resolutions[0]


FORWARD_ALL = "rslvr-rr-0fwdamazonaws"
FORWARDED = (
    f"{LOGS}: the Resolver rule {FORWARD_ALL} (FORWARD amazonaws.com) associated with {VPC} "
    "forwards it to DNS servers outside the snapshot"
)


# ---- Resolver rules -----------------------------------------------------------------------


@pytest.mark.parametrize("status", ["CREATING", "FAILED", "DELETING", None])
def test_a_system_rule_not_yet_in_effect_does_not_take_a_name_back(status: str | None) -> None:
    # Bug fixed: a SYSTEM rule whose association is not COMPLETE took the name back from a
    # less specific forwarding rule, and the name was certainly resolved publicly.
    s = world(
        hosted_zones={},
        hosted_zones_by_vpc={VPC: ()},
        resolver_rules={
            FORWARD_ALL: rule(FORWARD_ALL, "amazonaws.com"),
            "rslvr-rr-0system": rule("rslvr-rr-0system", LOGS, "SYSTEM"),
        },
        resolver_rule_associations=(link(FORWARD_ALL), link("rslvr-rr-0system", status=status)),
    )
    r = only(resolve(s))
    assert (r.outcome, r.reason) == ("unknown", FORWARDED)


@pytest.mark.parametrize("status", ["COMPLETE", "complete"])
def test_a_complete_system_rule_takes_a_name_back(status: str) -> None:
    s = world(
        hosted_zones={},
        hosted_zones_by_vpc={VPC: ()},
        resolver_rules={
            FORWARD_ALL: rule(FORWARD_ALL, "amazonaws.com"),
            "rslvr-rr-0system": rule("rslvr-rr-0system", LOGS, "SYSTEM"),
        },
        resolver_rule_associations=(link(FORWARD_ALL), link("rslvr-rr-0system", status=status)),
    )
    assert only(resolve(s)).outcome == "public"
