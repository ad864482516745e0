"""The NAT gateway's rule, called directly (evaluate/nat_gateway.py)."""

from __future__ import annotations

import ipaddress

from netgraph.evaluate.addresses import Peer
from netgraph.evaluate.nat_gateway import nat_gateway_hops, nat_subnet_route
from netgraph.evaluate.routing import RouteMatch
from netgraph.model import NatGateway, Snapshot
from tests.rule_snapshots import route, snapshot, subnet, table

INTERNET = Peer((ipaddress.ip_network("52.0.0.0/8"),), "52.0.0.0/8")
NAT_ROUTE = route("nat-1", "nat")
RTB = table("rtb-1", NAT_ROUTE)
NAT_SUBNET = subnet("subnet-nat", "10.0.9.0/24")


def _snap(state: str = "available", connectivity: str = "public", **fields: object) -> Snapshot:
    nat = NatGateway("nat-1", "vpc-1", "subnet-nat", state, connectivity, (), ())
    return snapshot(
        **{"nat_gateways": {"nat-1": nat}, "subnets": {"subnet-nat": NAT_SUBNET}, **fields}
    )


def test_available_goes_on_to_its_subnet() -> None:
    judged = nat_gateway_hops(_snap(), RTB, NAT_ROUTE, INTERNET)
    [hop] = judged.hops
    assert (hop.id, hop.kind, hop.status) == ("nat-1", "nat-gateway", "pass")
    assert hop.reason == "nat-1 is available (public) in subnet-nat"
    assert judged.next is not None and judged.next[1] is NAT_SUBNET


def test_not_available_blames_the_route() -> None:
    judged = nat_gateway_hops(_snap("deleted"), RTB, NAT_ROUTE, INTERNET)
    [hop] = judged.hops
    assert (hop.id, hop.kind, hop.status, hop.code) == (
        "rtb-1",
        "route-table",
        "fail",
        "BAD_STATE_ROUTE",
    )
    assert judged.next is None and hop.fix and "nat-1" in hop.fix


def test_private_nat_cannot_reach_the_internet() -> None:
    [hop] = nat_gateway_hops(_snap(connectivity="private"), RTB, NAT_ROUTE, INTERNET).hops
    assert (hop.id, hop.status, hop.code) == ("nat-1", "fail", "NGW_PRIVATE_CONNECTIVITY")


def test_state_or_gateway_or_subnet_missing_is_unknown() -> None:
    [hop] = nat_gateway_hops(_snap("unknown"), RTB, NAT_ROUTE, INTERNET).hops
    assert hop.status == "unknown" and "State of nat-1" in hop.reason
    [hop] = nat_gateway_hops(snapshot(), RTB, NAT_ROUTE, INTERNET).hops
    assert hop.reason == "rtb-1 routes to nat-1, which is not in NatGateways"
    judged = nat_gateway_hops(_snap(subnets={}), RTB, NAT_ROUTE, INTERNET)
    assert [h.status for h in judged.hops] == ["pass", "unknown"]
    assert judged.hops[1].id == "subnet-nat" and judged.next is None


def _match(kind: str, state: str = "active") -> RouteMatch:
    found = route("igw-1" if kind == "igw" else "tgw-1", kind, state=state)
    return RouteMatch("route", INTERNET.networks, found)


def test_subnet_route_to_an_internet_gateway_passes() -> None:
    nat_table = table("rtb-nat")
    hop = nat_subnet_route("nat-1", NAT_SUBNET, nat_table, _match("igw"), INTERNET)
    assert (hop.id, hop.status) == ("rtb-nat", "pass")
    assert hop.reason == "from nat-1, 52.0.0.0/8 takes route 0.0.0.0/0 -> igw-1"


def test_subnet_without_internet_route_is_blamed_on_its_table() -> None:
    nat_table = table("rtb-nat")
    none = RouteMatch("no-route", INTERNET.networks)
    hop = nat_subnet_route("nat-1", NAT_SUBNET, nat_table, none, INTERNET)
    assert (hop.id, hop.status, hop.code) == ("rtb-nat", "fail", "NGW_SUBNET_NO_INTERNET_ROUTE")
    assert "has no route for 52.0.0.0/8" in hop.reason
    hop = nat_subnet_route("nat-1", NAT_SUBNET, nat_table, _match("igw", "blackhole"), INTERNET)
    assert hop.code == "NGW_SUBNET_NO_INTERNET_ROUTE" and "(blackhole)" in hop.reason


def test_subnet_route_elsewhere_is_unknown() -> None:
    nat_table = table("rtb-nat")
    hop = nat_subnet_route("nat-1", NAT_SUBNET, nat_table, _match("tgw"), INTERNET)
    assert (hop.id, hop.kind, hop.status) == ("tgw-1", "tgw", "unknown")
    hop = nat_subnet_route("nat-1", NAT_SUBNET, nat_table, _match("igw", "unknown"), INTERNET)
    assert (hop.id, hop.status) == ("rtb-nat", "unknown") and "no State" in hop.reason
