"""A task's own NAT gateway (walk_targets.to_nat_gateway): its subnet without a route
table, a NAT in the task's own subnet, each part of the internet its subnet routes; and
the transit gateway named on each side of the security-group referencing fork
(walk_across._far_local). Each asserts what the user reads: verdict, deciding hop, words."""

from __future__ import annotations

from typing import Any

from netgraph.check import check_path
from netgraph.flows import hypothetical_source
from netgraph.hop import Hop
from netgraph.model import Snapshot
from netgraph.reach import Trace

from .conftest import build, sample_data, snap
from .test_walk_edges import NAT_ENI_IP, _nat_eni_group, _referencing_unsaid, from_spoke

TASK_SUBNET = build.SUBNETS["private-a"][0]
NAT_SUBNET = build.SUBNETS["public-a"][0]
PUBLIC_RTB = "rtb-0f0f0f0f0f0f0f0f2"
MAIN_RTB = "rtb-0f0f0f0f0f0f0f0f0"


def check(s: Snapshot, to: str) -> Trace:
    source = hypothetical_source(s, TASK_SUBNET, (build.SG_TASK,), False)
    return check_path(s, source, to, protocol="6", port=443)


def decider(t: Trace) -> Hop:
    return next(h for h in t.hops if h.status != "pass")


def table_of(data: dict[str, Any], rtb: str) -> dict[str, Any]:
    found: dict[str, Any] = next(t for t in data["RouteTables"] if t["RouteTableId"] == rtb)
    return found


def test_the_nat_subnet_with_no_route_table_is_unknown_at_that_subnet() -> None:
    # The NAT's subnet loses its association and the VPC has no main table: nothing says
    # where the NAT sends the packet.
    data = sample_data("healthy-nat")
    public = table_of(data, PUBLIC_RTB)
    public["Associations"] = [a for a in public["Associations"] if a["SubnetId"] != NAT_SUBNET]
    table_of(data, MAIN_RTB)["Associations"] = []
    t = check(snap(data), "8.8.8.8")
    assert t.verdict == "unknown", t.reason
    hop = decider(t)
    assert (hop.id, hop.kind, hop.status) == (NAT_SUBNET, "route-table", "unknown")
    assert hop.reason == (
        f"no route table of {build.VPC} is associated with {NAT_SUBNET} and none is marked "
        "main in RouteTables"
    )
    # The NAT gateway and its subnet's inbound NACL came before, on the same path.
    kinds = [h.kind for h in t.hops]
    assert kinds[-3:] == ["nat-gateway", "network-acl-inbound", "route-table"]


def test_a_nat_gateway_in_the_tasks_own_subnet_meets_no_nacl_on_the_way_to_it() -> None:
    # The NAT sits in the task's subnet, whose NACL denies everything inbound from the VPC:
    # inside one subnet no NACL applies, so the verdict is the NAT subnet's route (which
    # sends the internet back to the NAT), not that NACL.
    data = sample_data("healthy-nat")
    data["NatGateways"][0]["SubnetId"] = TASK_SUBNET
    data["NetworkInterfaces"][0]["SubnetId"] = TASK_SUBNET
    default = data["NetworkAcls"][0]
    default["Associations"] = [a for a in default["Associations"] if a["SubnetId"] != TASK_SUBNET]
    data["NetworkAcls"].append(
        {
            "NetworkAclId": "acl-0c0c0c0c0c0c0c0d1",
            "VpcId": build.VPC,
            "IsDefault": False,
            "OwnerId": build.ACCOUNT,
            "Associations": [{"NetworkAclId": "acl-0c0c0c0c0c0c0c0d1", "SubnetId": TASK_SUBNET}],
            "Entries": [
                build.acl_entry(50, False, "-1", "deny", "10.0.0.0/16"),
                build.acl_entry(100, False, "-1", "allow", "0.0.0.0/0"),
                build.acl_entry(100, True, "-1", "allow", "0.0.0.0/0"),
            ],
        }
    )
    t = check(snap(data), "8.8.8.8")
    assert t.verdict == "blocked" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (
        build.RTB_PRIVATE,
        "NGW_SUBNET_NO_INTERNET_ROUTE",
    )
    assert not any(h.kind == "network-acl-inbound" for h in t.hops)


def test_the_nat_subnet_nacl_judges_each_part_of_the_internet_by_its_own_route() -> None:
    # The NAT's subnet routes 9.0.0.0/8 by a route without State (unknown) and the rest to
    # the internet gateway; its NACL denies 9.0.0.0/8 outbound. The rest passes that NACL,
    # so the answer is the unknown route's, not a NACL block.
    data = sample_data("healthy-nat")
    table_of(data, PUBLIC_RTB)["Routes"].append(
        {"DestinationCidrBlock": "9.0.0.0/8", "GatewayId": build.IGW}
    )
    default = data["NetworkAcls"][0]
    default["Associations"] = [a for a in default["Associations"] if a["SubnetId"] != NAT_SUBNET]
    data["NetworkAcls"].append(
        {
            "NetworkAclId": "acl-0c0c0c0c0c0c0c0d2",
            "VpcId": build.VPC,
            "IsDefault": False,
            "OwnerId": build.ACCOUNT,
            "Associations": [{"NetworkAclId": "acl-0c0c0c0c0c0c0c0d2", "SubnetId": NAT_SUBNET}],
            "Entries": [
                build.acl_entry(50, True, "-1", "deny", "9.0.0.0/8"),
                build.acl_entry(100, True, "-1", "allow", "0.0.0.0/0"),
                build.acl_entry(100, False, "-1", "allow", "0.0.0.0/0"),
            ],
        }
    )
    t = check(snap(data), "internet")
    assert t.verdict == "unknown", t.reason
    hop = decider(t)
    assert (hop.id, hop.kind) == (PUBLIC_RTB, "route-table")
    assert "9.0.0.0/8" in hop.reason


def test_every_part_of_the_internet_the_nat_subnet_routes_counts() -> None:
    # The NAT's subnet sends 1.0.0.0/8 by a route without State (unknown) and 9.0.0.0/8 to
    # a blackhole: the blackhole after the unknown part still decides.
    data = sample_data("healthy-nat")
    table_of(data, PUBLIC_RTB)["Routes"] += [
        {"DestinationCidrBlock": "1.0.0.0/8", "GatewayId": build.IGW},
        {"DestinationCidrBlock": "9.0.0.0/8", "GatewayId": build.IGW, "State": "blackhole"},
    ]
    t = check(snap(data), "internet")
    assert t.verdict == "blocked" and t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (PUBLIC_RTB, "NGW_SUBNET_NO_INTERNET_ROUTE")
    assert "9.0.0.0/8 -> " in t.blocked_at.reason


def test_each_side_of_the_referencing_fork_names_the_transit_gateway() -> None:
    # The hub NAT ENI's group names the spoke task's group and the snapshot does not say
    # whether referencing is on: the side the trace follows names the
    # transit gateway.
    data = build.healthy_hub_centralized_egress()
    _nat_eni_group(data, [build.sg_rule("tcp", 443, 443, groups=(build.SG_SPOKE_TASK,))])
    _referencing_unsaid(data, None)
    t = from_spoke(snap(data), NAT_ENI_IP)
    assert t.verdict == "unknown"
    # The trace follows the side where it is reachable: referencing on, across the TGW.
    [side] = [h for h in t.hops if h.reason.startswith("if security-group referencing")]
    assert (side.id, side.kind, side.status) == (build.TGW, "tgw", "pass")
    assert side.reason == f"if security-group referencing is on across {build.TGW}"


def test_the_walk_stops_at_an_internet_gateway_the_snapshot_does_not_hold() -> None:
    # The NAT's subnet routes to an internet gateway missing from InternetGateways, and its
    # NACL would refuse the answer coming back: nothing past the unknown gateway is judged,
    # so the answer is unknown there, not blocked at that NACL.
    data = sample_data("healthy-nat")
    data["InternetGateways"] = []
    default = data["NetworkAcls"][0]
    default["Associations"] = [a for a in default["Associations"] if a["SubnetId"] != NAT_SUBNET]
    data["NetworkAcls"].append(
        {
            "NetworkAclId": "acl-0c0c0c0c0c0c0c0d3",
            "VpcId": build.VPC,
            "IsDefault": False,
            "OwnerId": build.ACCOUNT,
            "Associations": [{"NetworkAclId": "acl-0c0c0c0c0c0c0c0d3", "SubnetId": NAT_SUBNET}],
            "Entries": [
                build.acl_entry(50, False, "-1", "deny", "8.0.0.0/8"),
                build.acl_entry(100, False, "-1", "allow", "0.0.0.0/0"),
                build.acl_entry(100, True, "-1", "allow", "0.0.0.0/0"),
            ],
        }
    )
    t = check(snap(data), "8.8.8.8")
    assert t.verdict == "unknown", t.reason
    assert t.hops[-1] == decider(t)
    assert (t.hops[-1].id, t.hops[-1].kind) == (build.IGW, "internet-gateway")
    assert t.reason == f"{PUBLIC_RTB} routes to {build.IGW}, which is not in InternetGateways"
