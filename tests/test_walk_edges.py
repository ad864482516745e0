"""Where the walk ends at the edges of what it knows: an address in a VPC that nothing holds
(in no subnet, or in a subnet where no interface holds it, or where the account did not
collect the subnets or the interfaces), a route to a target netgraph cannot follow, and
the words and fixes the user reads there."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from netgraph.check import check_path
from netgraph.flows import hypothetical_source
from netgraph.hop import Hop
from netgraph.model import Snapshot
from netgraph.reach import Trace

from .conftest import build, sample_data, snap

TASK_SUBNET = build.SUBNETS["private-a"][0]
OTHER_SUBNET = build.SUBNETS["private-c"][0]  # 10.0.2.0/24, the task's VPC
RTB_PRIVATE = build.RTB_PRIVATE
NOT_IN_A_SUBNET = "10.0.200.1"  # in 10.0.0.0/16, in none of its subnets
NOT_HELD = "10.0.2.77"  # in private-c, held by no interface
WHY = "the account 444455556666 was not collected (AccessDenied)"


def check(s: Snapshot, to: str, port: int | None = 443) -> Trace:
    source = hypothetical_source(s, TASK_SUBNET, (build.SG_TASK,), False)
    return check_path(s, source, to, protocol="6", port=port)


def decider(t: Trace) -> Hop:
    """The hop that decides a verdict that is not reachable: the first that does not pass."""
    return next(h for h in t.hops if h.status != "pass")


def uncollected(data: dict[str, Any], key: str) -> Snapshot:
    """The sample, as if the account of its VPC had not collected ``key`` (several
    accounts: the others did)."""
    return replace(snap(data), uncollected={key: {build.VPC: WHY}})


# ---- an address in the VPC that nothing holds (walk_targets.nowhere) ---------------------


def test_address_in_no_subnet_is_blocked_at_the_vpc_with_its_words_and_fix() -> None:
    t = check(snap(sample_data("healthy-endpoints")), NOT_IN_A_SUBNET)
    assert t.verdict == "blocked" and t.blocked_at is not None
    hop = t.blocked_at
    assert (hop.id, hop.kind, hop.status, hop.code) == (
        build.VPC,
        "vpc",
        "fail",
        "ADDRESS_NOT_IN_SUBNET",
    )
    assert hop.reason == (
        f"{NOT_IN_A_SUBNET} is in {build.VPC}'s CIDR but in none of its subnets: "
        "nothing receives it"
    )
    assert t.reason == hop.reason
    assert t.fix == f"check the destination address {NOT_IN_A_SUBNET}"
    # The route table passed it to the VPC (the local route), and the VPC is the end.
    assert [h.kind for h in t.hops][-2:] == ["route-table", "vpc"]


def test_address_in_a_subnet_that_no_interface_holds_is_blocked_at_that_subnet() -> None:
    t = check(snap(sample_data("healthy-endpoints")), NOT_HELD)
    assert t.verdict == "blocked" and t.blocked_at is not None
    hop = t.blocked_at
    assert (hop.id, hop.kind, hop.status, hop.code) == (
        OTHER_SUBNET,
        "subnet",
        "fail",
        "NO_INTERFACE_AT_ADDRESS",
    )
    assert hop.reason == f"no network interface in the snapshot holds {NOT_HELD} in {OTHER_SUBNET}"
    assert t.fix == f"check the destination address {NOT_HELD}"
    assert [h.kind for h in t.hops][-2:] == ["route-table", "subnet"]


def test_a_subnet_of_another_vpc_with_the_same_cidr_does_not_hold_the_address() -> None:
    # A VPC elsewhere in the snapshot whose subnet covers the address: the address is still
    # in this VPC's CIDR and in none of this VPC's subnets.
    data = sample_data("healthy-endpoints")
    data["Vpcs"].append({**data["Vpcs"][0], "VpcId": "vpc-0other0000000001"})
    data["Subnets"].append(
        {
            **data["Subnets"][0],
            "SubnetId": "subnet-0other000000001",
            "VpcId": "vpc-0other0000000001",
            "CidrBlock": "10.0.200.0/24",
        }
    )
    t = check(snap(data), NOT_IN_A_SUBNET)
    assert t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (build.VPC, "ADDRESS_NOT_IN_SUBNET")


def test_subnets_not_collected_for_the_vpc_is_unknown_at_the_vpc_with_the_reason() -> None:
    t = check(uncollected(sample_data("healthy-endpoints"), "Subnets"), NOT_IN_A_SUBNET)
    assert t.verdict == "unknown" and t.blocked_at is None and t.fix is None
    hop = decider(t)
    assert (hop.id, hop.kind, hop.status) == (build.VPC, "vpc", "unknown")
    assert hop.reason == f"{NOT_IN_A_SUBNET}: {WHY}"
    assert t.reason == hop.reason
    assert t.hops[-1] == hop


def test_subnets_not_collected_for_another_vpc_still_blocks_here() -> None:
    s = replace(
        snap(sample_data("healthy-endpoints")),
        uncollected={"Subnets": {"vpc-0other0000000001": WHY}},
    )
    t = check(s, NOT_IN_A_SUBNET)
    assert t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (build.VPC, "ADDRESS_NOT_IN_SUBNET")


def test_interfaces_not_collected_for_the_vpc_is_unknown_at_the_subnet_with_the_reason() -> None:
    t = check(uncollected(sample_data("healthy-endpoints"), "NetworkInterfaces"), NOT_HELD)
    assert t.verdict == "unknown" and t.blocked_at is None
    hop = decider(t)
    assert (hop.id, hop.kind, hop.status) == (OTHER_SUBNET, "subnet", "unknown")
    assert hop.reason == (
        f"{NOT_HELD} is in {OTHER_SUBNET}; which interface holds it is unknown: {WHY}"
    )
    assert t.hops[-1] == hop


def test_interfaces_not_in_the_snapshot_is_unknown_at_the_subnet() -> None:
    data = sample_data("healthy-endpoints")
    del data["NetworkInterfaces"]
    s = snap(data)
    t = check(s, NOT_HELD)
    assert t.verdict == "unknown"
    hop = decider(t)
    assert (hop.id, hop.kind) == (OTHER_SUBNET, "subnet")
    assert hop.reason == (
        f"{NOT_HELD} is in {OTHER_SUBNET}; which interface holds it is unknown: "
        f"{s.missing_reason('NetworkInterfaces')}"
    )


def test_interfaces_not_collected_for_another_vpc_still_blocks_here() -> None:
    s = replace(
        snap(sample_data("healthy-endpoints")),
        uncollected={"NetworkInterfaces": {"vpc-0other0000000001": WHY}},
    )
    t = check(s, NOT_HELD)
    assert t.blocked_at is not None
    assert (t.blocked_at.id, t.blocked_at.code) == (OTHER_SUBNET, "NO_INTERFACE_AT_ADDRESS")


# ---- a route to a target netgraph cannot follow (walk_targets.unfollowable) --------------


@pytest.mark.parametrize(
    ("key", "target", "kind", "what"),
    [
        ("CarrierGatewayId", "cagw-0a0a0a0a0a0a0a0a9", "other", "gateway"),
        ("LocalGatewayId", "lgw-0a0a0a0a0a0a0a0a9", "other", "gateway"),
        ("NetworkInterfaceId", "eni-0a0a0a0a0a0a0a0a9", "eni", "network interface (appliance)"),
        ("GatewayId", "vgw-0a0a0a0a0a0a0a0a9", "vgw", "virtual private gateway"),
    ],
)
def test_a_route_netgraph_cannot_follow_is_unknown_at_its_target(
    key: str, target: str, kind: str, what: str
) -> None:
    data = sample_data("healthy-endpoints")
    table = next(t for t in data["RouteTables"] if t["RouteTableId"] == RTB_PRIVATE)
    table["Routes"].append({"DestinationCidrBlock": "192.0.2.0/24", key: target, "State": "active"})
    t = check(snap(data), "192.0.2.10")
    assert t.verdict == "unknown"
    hop = decider(t)
    assert (hop.id, hop.kind, hop.status) == (target, kind, "unknown")
    assert hop.reason == (
        f"the path leaves {build.VPC} through {what} {target}; "
        "netgraph cannot follow it from this snapshot"
    )
