"""VPC peering (aws-semantics.md 12.2, 12.6): the edge-to-edge sample and its variants."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from netgraph.check import check_path, check_source
from netgraph.flows import hypothetical_source, service_sources
from netgraph.model import TCP
from netgraph.reach import Trace

from .conftest import build, snap

SPOKE_A = "subnet-05b0ke000000001a"
NAT_ENI_IP = "10.100.101.25"
EGRESS_PUBLIC_RTB = "rtb-0e9e55000000000022"
HUB_SG = "sg-0e9e5500000000077"


def peered() -> dict[str, Any]:
    return copy.deepcopy(build.broken_peering_edge_to_edge())


def to_peer(data: dict[str, Any], address: str = NAT_ENI_IP) -> Trace:
    s = snap(data)
    source = hypothetical_source(s, SPOKE_A, (build.SG_SPOKE_TASK,), public_ip=False)
    return check_path(s, source, address, protocol=TCP, port=443)


def _pcx(data: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = data["VpcPeeringConnections"][0]
    return found


def _hub_eni_behind(data: dict[str, Any], rule: dict[str, Any]) -> None:
    """The NAT gateway's ENI stands for any ENI of the peer: give it a group with ``rule``."""
    data["SecurityGroups"].append(
        {
            "GroupId": HUB_SG,
            "GroupName": "from-spoke",
            "VpcId": build.EGRESS,
            "OwnerId": build.ACCOUNT,
            "Description": "from the spoke",
            "IpPermissions": [rule],
            "IpPermissionsEgress": [],
        }
    )
    data["NetworkInterfaces"][0]["Groups"] = [{"GroupId": HUB_SG, "GroupName": "from-spoke"}]


def test_the_peers_nat_gateway_is_not_usable_edge_to_edge() -> None:
    s = snap(peered())
    for src in service_sources(s):
        for trace in check_source(s, src, ["ecr.api", "s3"]):
            assert trace.verdict == "blocked"
            assert trace.blocked_at is not None
            assert (trace.blocked_at.id, trace.blocked_at.code) == (
                build.PCX,
                "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",
            )
            assert build.EGRESS_CIDR in (trace.fix or "")


def test_an_address_inside_the_peer_is_reached_and_the_reply_comes_back() -> None:
    trace = to_peer(peered())
    assert trace.verdict == "reachable", trace.reason
    ids = [h.id for h in trace.hops]
    assert build.PCX in ids
    back = [h for h in trace.hops if h.leg == "return" and h.kind == "route-table"]
    assert [h.id for h in back] == [EGRESS_PUBLIC_RTB]


def test_the_reply_needs_the_peers_route_back_to_the_peering() -> None:
    data = peered()
    table = next(t for t in data["RouteTables"] if t["RouteTableId"] == EGRESS_PUBLIC_RTB)
    table["Routes"] = [r for r in table["Routes"] if "VpcPeeringConnectionId" not in r]
    trace = to_peer(data)
    assert trace.verdict == "blocked"
    assert trace.blocked_at is not None
    assert (trace.blocked_at.id, trace.blocked_at.code) == (
        EGRESS_PUBLIC_RTB,
        "RESPONSE_RTB_HAS_NO_ROUTE_TO_PEERING",
    )
    assert f"--vpc-peering-connection-id {build.PCX}" in (trace.fix or "")


@pytest.mark.parametrize("status", ["pending-acceptance", "deleted", "expired"])
def test_only_an_active_peering_carries_traffic(status: str) -> None:
    data = peered()
    _pcx(data)["Status"] = {"Code": status, "Message": status}
    trace = to_peer(data)
    assert trace.verdict == "blocked"
    assert trace.blocked_at is not None
    assert (trace.blocked_at.id, trace.blocked_at.code) == (build.PCX, "PCX_BAD_STATE")
    if status == "pending-acceptance":
        assert "accept-vpc-peering-connection" in (trace.fix or "")


def test_a_secondary_cidr_of_the_peer_counts() -> None:
    data = peered()
    _pcx(data)["AccepterVpcInfo"]["CidrBlockSet"] = [{"CidrBlock": "10.200.0.0/16"}]
    # the peer's CidrBlockSet says what the peering carries: 10.100.101.25 is outside it now
    trace = to_peer(data)
    assert trace.verdict == "blocked"
    assert trace.blocked_at is not None
    assert trace.blocked_at.id == build.PCX
    _pcx(data)["AccepterVpcInfo"]["CidrBlockSet"].append({"CidrBlock": build.EGRESS_CIDR})
    assert to_peer(data).verdict == "reachable"


def test_no_transitive_peering() -> None:
    """The peer routes on to a third VPC through another peering: an address there is not
    in the peer's CIDR, so the first peering drops it."""
    data = peered()
    spoke = next(t for t in data["RouteTables"] if t["VpcId"] == build.SPOKE and t["Routes"][1:])
    spoke["Routes"][1]["DestinationCidrBlock"] = "10.0.0.0/8"
    trace = to_peer(data, "10.77.0.10")
    assert trace.verdict == "blocked"
    assert trace.blocked_at is not None
    assert (trace.blocked_at.id, trace.blocked_at.code) == (
        build.PCX,
        "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",
    )


def test_a_security_group_may_name_the_source_group_across_a_same_region_peering() -> None:
    data = peered()
    _hub_eni_behind(data, build.sg_rule("tcp", 443, 443, groups=(build.SG_SPOKE_TASK,)))
    assert to_peer(data).verdict == "reachable"
    other = peered()
    _hub_eni_behind(other, build.sg_rule("tcp", 443, 443, groups=("sg-0000000000000dead",)))
    trace = to_peer(other)
    assert trace.verdict == "blocked"
    assert trace.blocked_at is not None
    assert trace.blocked_at.id == HUB_SG


def test_an_inter_region_peering_is_unknown() -> None:
    data = peered()
    _pcx(data)["AccepterVpcInfo"]["Region"] = "us-east-1"
    trace = to_peer(data)
    assert trace.verdict == "unknown"
    assert "us-east-1" in trace.reason


def test_what_the_snapshot_does_not_describe_is_unknown() -> None:
    data = peered()
    del _pcx(data)["Status"]
    assert to_peer(data).verdict == "unknown"
    data = peered()
    del data["VpcPeeringConnections"]
    trace = to_peer(data)
    assert trace.verdict == "unknown"
    assert "netgraph cannot follow it from this snapshot" in trace.reason


def test_the_peers_interface_endpoint_is_usable() -> None:
    """The centralised-endpoints design with a peering instead of the transit gateway: the
    hub's interface endpoint ENIs are addresses of the peer VPC."""
    data = copy.deepcopy(build.healthy_hub_centralized_endpoints())
    pcx = "pcx-0a1b2c3d4e5f60099"
    for table in data["RouteTables"]:
        for r in table["Routes"]:
            if r.get("TransitGatewayId"):
                del r["TransitGatewayId"]
                r["VpcPeeringConnectionId"] = pcx
                if table["VpcId"] == build.SPOKE:
                    r["DestinationCidrBlock"] = build.SHARED_CIDR
    data["VpcPeeringConnections"] = copy.deepcopy(peered()["VpcPeeringConnections"])
    conn = _pcx(data)
    conn["VpcPeeringConnectionId"] = pcx
    conn["AccepterVpcInfo"].update(
        VpcId=build.SHARED,
        CidrBlock=build.SHARED_CIDR,
        CidrBlockSet=[{"CidrBlock": build.SHARED_CIDR}],
    )
    eni = build.HUB_ENDPOINTS["logs"][2][0]
    trace = to_peer(data, "10.50.11.30")
    assert trace.verdict == "reachable", trace.reason
    assert eni in [h.id for h in trace.hops]
    assert build.HUB_ENDPOINTS["logs"][0] in [h.id for h in trace.hops]


def _task_egress_only(data: dict[str, Any], rule: dict[str, Any]) -> None:
    task = next(g for g in data["SecurityGroups"] if g["GroupId"] == build.SG_SPOKE_TASK)
    task["IpPermissionsEgress"] = [rule]


def test_an_egress_rule_may_name_the_peers_group_across_a_same_region_peering() -> None:
    # AWS lets a rule of either direction name a group of a VPC peered in the same Region;
    # it was judged as a group of the source's own VPC and the check said "blocked".
    data = peered()
    _hub_eni_behind(data, build.sg_rule("tcp", 443, 443, cidrs=("10.0.0.0/8",)))
    _task_egress_only(data, build.sg_rule("tcp", 443, 443, groups=(HUB_SG,)))
    assert to_peer(data).verdict == "reachable"
    # A group the peer ENI does not carry still admits nothing.
    other = peered()
    _hub_eni_behind(other, build.sg_rule("tcp", 443, 443, cidrs=("10.0.0.0/8",)))
    _task_egress_only(other, build.sg_rule("tcp", 443, 443, groups=("sg-0000000000000dead",)))
    trace = to_peer(other)
    assert trace.verdict == "blocked"
    assert trace.blocked_at is not None
    assert trace.blocked_at.id == build.SG_SPOKE_TASK


def test_an_egress_rule_naming_the_peers_group_needs_the_peering_to_carry_it() -> None:
    # The reference holds only across the peering: a peering not active still blocks, and
    # the blame is the peering's, whose fix is the one to make.
    data = peered()
    _hub_eni_behind(data, build.sg_rule("tcp", 443, 443, cidrs=("10.0.0.0/8",)))
    _task_egress_only(data, build.sg_rule("tcp", 443, 443, groups=(HUB_SG,)))
    _pcx(data)["Status"] = {"Code": "pending-acceptance"}
    trace = to_peer(data)
    assert trace.verdict == "blocked"
    assert trace.blocked_at is not None
    assert trace.blocked_at.id == _pcx(data)["VpcPeeringConnectionId"]
