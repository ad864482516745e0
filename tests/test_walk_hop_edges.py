"""The walk's shared hops (graph.Walk: acl_hop, sg_hop, sg_verdict, judge_groups) as a user
sees them: a path ends at the hop that drops it; a security group that cannot be judged is
named by the group (or, when the source names none, its subnet); a rule that names a prefix
list is judged on the list's CIDRs; the fix of an inbound rule names the source as it is."""

from __future__ import annotations

import dataclasses
import ipaddress
from typing import Any

import pytest

from netgraph.check import check_path, parse_destination
from netgraph.evaluate.addresses import Peer
from netgraph.flow_graph import FlowGraph
from netgraph.flows import hypothetical_source
from netgraph.graph import Walk, build_flow_graph, source_hop
from netgraph.hop import HopKind
from netgraph.reach import Trace, trace

from .conftest import sample_data, snap
from .test_gateway_rules import ENI, SG_TASK, TASK_SUBNET, VPC_ID

ACL = "acl-0c0c0c0c0c0c0c0c0"
SG_ENDPOINTS = "sg-0e0e0e0e0e0e0e0e2"
SG_DEFAULT = "sg-0d0d0d0d0d0d0d0d0"


def _path(data: dict[str, Any], **source: Any) -> Trace:
    s = snap(data)
    src = dataclasses.replace(hypothetical_source(s, TASK_SUBNET, (SG_TASK,), False), **source)
    return check_path(s, src, ENI, protocol="6", port=443)


def _group(data: dict[str, Any], group_id: str) -> dict[str, Any]:
    group: dict[str, Any] = next(g for g in data["SecurityGroups"] if g["GroupId"] == group_id)
    return group


def test_a_path_a_nacl_drops_ends_at_that_nacl() -> None:
    data = sample_data("healthy-endpoints")
    acl = next(a for a in data["NetworkAcls"] if a["NetworkAclId"] == ACL)
    next(e for e in acl["Entries"] if e["Egress"] and e["RuleNumber"] == 100)["RuleAction"] = "deny"
    t = _path(data)
    assert t.verdict == "blocked" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.kind) == (ACL, HopKind.NETWORK_ACL_OUTBOUND)
    assert t.hops[-1] == t.blocked_at


def test_a_path_a_security_group_drops_ends_at_that_group() -> None:
    data = sample_data("healthy-endpoints")
    _group(data, SG_ENDPOINTS)["IpPermissions"][0].update(FromPort=8443, ToPort=8443)
    t = _path(data)
    assert t.verdict == "blocked" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.kind) == (SG_ENDPOINTS, HopKind.SECURITY_GROUP_INGRESS)
    assert t.hops[-1] == t.blocked_at


def test_a_source_group_not_in_the_snapshot_is_an_unknown_outbound_hop_of_that_group() -> None:
    t = _path(sample_data("healthy-endpoints"), security_group_ids=("sg-0gone",))
    assert t.verdict == "unknown"
    first = next(h for h in t.hops if h.status != "pass")
    assert (first.id, first.kind, first.reason) == (
        "sg-0gone",
        HopKind.SECURITY_GROUP_EGRESS,
        "sg-0gone not in SecurityGroups",
    )


def test_the_default_group_not_in_the_snapshot_is_an_unknown_hop_of_the_subnet() -> None:
    data = sample_data("healthy-endpoints")
    data["SecurityGroups"] = [g for g in data["SecurityGroups"] if g["GroupId"] != SG_DEFAULT]
    t = _path(data, security_group_ids=(), uses_default_group=True)
    assert t.verdict == "unknown"
    first = next(h for h in t.hops if h.status != "pass")
    assert (first.id, first.kind) == (TASK_SUBNET, HopKind.SECURITY_GROUP_EGRESS)
    assert first.reason == (
        "the service names no security group, so Fargate uses the default group of "
        f"{VPC_ID}, which is not in the snapshot"
    )


def test_a_source_without_groups_passes_outbound_and_is_named_in_an_inbound_fix() -> None:
    data = sample_data("healthy-endpoints")
    _group(data, SG_ENDPOINTS)["IpPermissions"][0]["IpRanges"] = [{"CidrIp": "10.9.0.0/16"}]
    t = _path(data, security_group_ids=())
    out = next(h for h in t.hops if h.kind == HopKind.SECURITY_GROUP_EGRESS)
    assert (out.id, out.status, out.reason) == (
        TASK_SUBNET,
        "pass",
        "no security group on this interface",
    )
    assert t.verdict == "blocked" and t.blocked_at is not None
    assert t.blocked_at.fix == (
        f"add an inbound rule to {SG_ENDPOINTS} allowing TCP 443 from {TASK_SUBNET} (10.0.1.0/24)"
    )


def test_an_outbound_rule_to_a_prefix_list_is_judged_on_the_lists_cidrs() -> None:
    data = sample_data("healthy-endpoints")
    _group(data, SG_TASK)["IpPermissionsEgress"] = [
        {
            "IpProtocol": "tcp",
            "FromPort": 443,
            "ToPort": 443,
            "IpRanges": [],
            "PrefixListIds": [{"PrefixListId": "pl-0corp"}],
            "UserIdGroupPairs": [],
        }
    ]
    data["PrefixLists"].append(
        {"PrefixListId": "pl-0corp", "PrefixListName": "corp", "Cidrs": ["10.0.11.0/24"]}
    )
    t = _path(data)
    out = next(h for h in t.hops if h.kind == HopKind.SECURITY_GROUP_EGRESS)
    assert (out.id, out.status) == (SG_TASK, "pass"), out.reason
    assert t.verdict == "reachable"


def test_a_nacl_denial_names_the_cidr_of_the_asking_sources_vpc_only() -> None:
    # Walks of one snapshot share their hops: a denial's fix names the source's VPC CIDR
    # when it covers the denied peer, so two sources in different VPCs asking the same NACL
    # the same question must not share the denial's words.
    data = sample_data("healthy-endpoints")
    data["Vpcs"].append({**data["Vpcs"][0], "VpcId": "vpc-0other", "CidrBlock": "10.1.0.0/16"})
    data["Vpcs"][-1].pop("CidrBlockAssociationSet", None)
    other = {**data["Subnets"][0], "SubnetId": "subnet-0other", "VpcId": "vpc-0other"}
    data["Subnets"].append({**other, "CidrBlock": "10.1.1.0/24"})
    acl = next(a for a in data["NetworkAcls"] if a["NetworkAclId"] == ACL)
    next(e for e in acl["Entries"] if e["Egress"] and e["RuleNumber"] == 100)["RuleAction"] = "deny"
    data["NetworkAcls"].append(
        {
            **acl,
            "NetworkAclId": "acl-0other",
            "VpcId": "vpc-0other",
            "Associations": [{"SubnetId": "subnet-0other", "NetworkAclId": "acl-0other"}],
        }
    )
    s = snap(data)
    guarded = s.subnets[TASK_SUBNET] if s.subnets else None
    assert guarded is not None
    peer = Peer((ipaddress.ip_network("10.0.11.0/24"),), "the far side")
    fixes = []
    base = hypothetical_source(s, TASK_SUBNET, (SG_TASK,), False)
    for subnet in (TASK_SUBNET, "subnet-0other"):
        source = dataclasses.replace(base, id=subnet, subnet_id=subnet)
        w = Walk(s, source, parse_destination("10.0.11.10", s), "6", 443)
        assert w.prepare()
        root = w.add(None, source_hop(s, source))
        assert w.acl_hop(root, guarded, egress=True, ports=None, peer=peer) is None
        fixes.append(w.hops[-1].fix)
    assert fixes == [
        f"add an outbound rule to {ACL} allowing TCP 443 to 10.0.0.0/16, with a rule number "
        "below 100",
        f"add an outbound rule to {ACL} allowing TCP 443 to 10.0.11.0/24, with a rule number "
        "below 100",
    ]


def _blocked_flow(damage: str) -> tuple[FlowGraph, Trace]:
    data = sample_data("healthy-endpoints")
    if damage == "nacl":
        acl = next(a for a in data["NetworkAcls"] if a["NetworkAclId"] == ACL)
        rule = next(e for e in acl["Entries"] if e["Egress"] and e["RuleNumber"] == 100)
        rule["RuleAction"] = "deny"
    else:
        _group(data, SG_ENDPOINTS)["IpPermissions"][0].update(FromPort=8443, ToPort=8443)
    s = snap(data)
    src = hypothetical_source(s, TASK_SUBNET, (SG_TASK,), False)
    flow = build_flow_graph(s, src, parse_destination(ENI, s), protocol="6", port=443)
    return flow, trace(flow, ENI)


@pytest.mark.parametrize("damage", ["nacl", "security-group"])
def test_the_walk_goes_no_further_than_a_hop_that_drops_the_packet(damage: str) -> None:
    # The solver never reads below a failing hop; the walk does not build what lies there.
    flow, t = _blocked_flow(damage)
    assert t.verdict == "blocked" and t.blocked_at is not None
    failing = [n for n, h in enumerate(flow.hops) if h.status == "fail"]
    assert [flow.hops[n] for n in failing] == [t.blocked_at]
    assert flow.children[failing[0]] == []


def test_a_subnet_without_a_route_table_is_an_unknown_route_hop_of_that_subnet() -> None:
    data = sample_data("healthy-endpoints")
    for table in data["RouteTables"]:
        table["Associations"] = [
            a for a in table["Associations"] if a.get("SubnetId") != TASK_SUBNET and not a["Main"]
        ]
    t = _path(data)
    assert t.verdict == "unknown"
    assert [(h.id, h.kind) for h in t.hops if h.status != "pass"] == [
        (TASK_SUBNET, HopKind.ROUTE_TABLE)
    ]
    assert t.reason == (
        f"no route table of {VPC_ID} is associated with {TASK_SUBNET} and none is marked main "
        "in RouteTables"
    )


def test_an_inbound_fix_names_the_first_group_of_each_source_that_asks() -> None:
    # Two tasks of one subnet whose groups are the same set, named in another order: each
    # fix names its own first group (the words are not shared between them).
    data = sample_data("healthy-endpoints")
    _group(data, SG_ENDPOINTS)["IpPermissions"][0]["IpRanges"] = [{"CidrIp": "10.9.0.0/16"}]
    s = snap(data)
    fixes = []
    for groups in ((SG_TASK, SG_DEFAULT), (SG_DEFAULT, SG_TASK)):
        src = hypothetical_source(s, TASK_SUBNET, groups, False)
        t = check_path(s, src, ENI, protocol="6", port=443)
        assert t.verdict == "blocked" and t.blocked_at is not None
        assert t.blocked_at.id == SG_ENDPOINTS
        fixes.append(t.blocked_at.fix)
    assert fixes == [
        f"add an inbound rule to {SG_ENDPOINTS} allowing TCP 443 from {first} (the source's "
        "security group)"
        for first in (SG_TASK, SG_DEFAULT)
    ]
