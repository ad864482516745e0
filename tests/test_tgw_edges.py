"""The forward leg across a transit gateway at its edges (walk_across.to_transit_gateway,
_tgw_forward, _into_far_vpc, _far_routes): where the far attachment subnet's route table
sends the packet (an internet gateway, a gateway endpoint, a gateway netgraph does not
follow), a far attachment subnet whose route table is not known, an exit attachment without
a subnet in the entry's AZ, a destination split by the transit gateway's or the far table's
routes (a part unknown or dropped), blackhole and not-active routes, routes by prefix lists
(listed, nested, or S3's unlisted), a snapshot without the transit gateway route tables, and
checks on one snapshot that must not share each other's tables. Each asserts what the user
reads: verdict, deciding hop, words, fix."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from netgraph.check import check_path, check_source
from netgraph.flows import hypothetical_source
from netgraph.reach import Trace

from .conftest import build, snap
from .test_transit_gateway import NAT_ENI_IP, _referencing, _referencing_far_group
from .test_walk_edges import decider, from_spoke

SPOKE_A = build.VPC_SUBNETS[build.SPOKE]["private-a"][0]
EGRESS_ATTACH = build.ATTACH[build.EGRESS]
HUB_TGW_A = build.VPC_SUBNETS[build.EGRESS]["tgw-a"][0]
HUB_TGW_C = build.VPC_SUBNETS[build.EGRESS]["tgw-c"][0]
HUB_PUBLIC_C = build.VPC_SUBNETS[build.EGRESS]["public-c"][0]
SPOKE_TGW_A = build.VPC_SUBNETS[build.SPOKE]["tgw-a"][0]
HUB_PUBLIC_A = build.VPC_SUBNETS[build.EGRESS]["public-a"][0]
HUB_TGW_TABLE = f"rtb-{build.EGRESS[4:]}1"  # the hub attachment subnets' table (-> NAT)
ENDPOINT = "vpce-0e9e5500000000g01"
VGW = "vgw-0e9e5500000000001"
WHY = "the account 444455556666 was not collected (AccessDenied)"
INTERNET_WORDS = "1.0.0.0/8, 2.0.0.0/7, 4.0.0.0/6 and 48 more"


def hub() -> dict[str, Any]:
    return copy.deepcopy(build.healthy_hub_centralized_egress())


def _table(data: dict[str, Any], rtb: str) -> dict[str, Any]:
    found: dict[str, Any] = next(t for t in data["RouteTables"] if t["RouteTableId"] == rtb)
    return found


def _hub_default_to(data: dict[str, Any], target: str) -> None:
    """The hub attachment subnets' default route goes to ``target`` instead of the NAT."""
    default = next(
        r for r in _table(data, HUB_TGW_TABLE)["Routes"] if r.get("NatGatewayId") == build.HUB_NAT
    )
    del default["NatGatewayId"]
    default["GatewayId"] = target


def _exit_through(data: dict[str, Any], subnets: list[str]) -> None:
    att = next(
        a
        for a in data["TransitGatewayVpcAttachments"]
        if a["TransitGatewayAttachmentId"] == EGRESS_ATTACH
    )
    att["SubnetIds"] = subnets


HUB_SG = "sg-0e9e5500000000088"


def _hub_group() -> dict[str, Any]:
    """A group for sources in the hub: all traffic out."""
    return {
        "GroupId": HUB_SG,
        "GroupName": "hub-tasks",
        "VpcId": build.EGRESS,
        "OwnerId": build.ACCOUNT,
        "Description": "all out",
        "IpPermissions": [],
        "IpPermissionsEgress": [build.sg_rule("-1", None, None, cidrs=("0.0.0.0/0",))],
    }


def _to_internet(data: dict[str, Any]) -> Trace:
    return from_spoke(snap(data), "internet")


def _came_through_the_hub(t: Trace) -> None:
    # The packet crossed the transit gateway into the hub through the attachment subnet in
    # the source's AZ, and the hub's table decided.
    ids = [h.id for h in t.hops]
    assert ids.index(build.TGW_RTB_SPOKES) < ids.index(EGRESS_ATTACH) < ids.index(HUB_TGW_TABLE)
    assert next(h for h in t.hops if h.id == EGRESS_ATTACH).reason == (
        f"{EGRESS_ATTACH} delivers into {build.EGRESS} through {HUB_TGW_A}"
    )


# ---- where the far attachment subnet's route table sends the packet ---------------------


def test_the_far_table_sending_it_straight_to_an_internet_gateway_is_blocked_there() -> None:
    data = hub()
    _hub_default_to(data, build.HUB_IGW)
    t = _to_internet(data)
    assert t.verdict == "blocked" and t.blocked_at is not None, t.reason
    hop = t.blocked_at
    assert (hop.id, hop.kind, hop.status, hop.code) == (
        build.HUB_IGW,
        "internet-gateway",
        "fail",
        "TGW_IGW_REQUIRES_NAT",
    )
    assert hop.reason == (
        f"{HUB_TGW_TABLE} sends the internet (public), arriving from {build.TGW}, straight to "
        f"{build.HUB_IGW}: an internet gateway translates only the addresses of public ENIs "
        f"of {build.EGRESS}, so it drops this"
    )
    assert t.reason == hop.reason
    assert t.fix == (
        f"route {INTERNET_WORDS} in {HUB_TGW_TABLE} (the route table of {HUB_TGW_A}) to a NAT "
        f"gateway, not to {build.HUB_IGW}: traffic that arrives from a transit gateway needs "
        "a NAT"
    )
    _came_through_the_hub(t)
    assert t.hops[-1] == hop


def test_the_far_table_sending_it_to_a_gateway_endpoint_is_blocked_there() -> None:
    data = hub()
    _hub_default_to(data, ENDPOINT)
    t = _to_internet(data)
    assert t.verdict == "blocked" and t.blocked_at is not None, t.reason
    hop = t.blocked_at
    assert (hop.id, hop.kind, hop.status, hop.code) == (
        ENDPOINT,
        "gateway-endpoint",
        "fail",
        "VPCE_GATEWAY_NOT_ACROSS_VPC",
    )
    assert hop.reason == (
        f"{ENDPOINT} is a gateway endpoint of {build.EGRESS}: it serves only its own VPC, not "
        f"traffic arriving from {build.TGW}"
    )
    # The fix: a gateway endpoint in the source's own VPC.
    assert t.fix == (
        f"create a gateway endpoint for the service in {build.SPOKE}, or use an interface endpoint"
    )
    _came_through_the_hub(t)
    assert t.hops[-1] == hop


def test_the_far_table_sending_it_to_another_gateway_is_unknown_there() -> None:
    data = hub()
    _hub_default_to(data, VGW)
    t = _to_internet(data)
    assert t.verdict == "unknown" and t.fix is None, t.reason
    hop = decider(t)
    assert (hop.id, hop.kind, hop.status) == (VGW, "vgw", "unknown")
    assert hop.reason == (
        f"{HUB_TGW_TABLE} sends the internet (public), arriving from {build.TGW}, on to {VGW}; "
        f"netgraph does not follow a second way out of {build.EGRESS}"
    )
    assert t.reason == hop.reason
    _came_through_the_hub(t)
    assert t.hops[-1] == hop


def test_a_far_attachment_subnet_whose_route_tables_were_not_collected_is_unknown() -> None:
    s = replace(snap(hub()), uncollected={"RouteTables": {build.EGRESS: WHY}})
    t = from_spoke(s, "internet")
    assert t.verdict == "unknown" and t.fix is None, t.reason
    hop = decider(t)
    assert (hop.id, hop.kind, hop.status, hop.reason) == (HUB_TGW_A, "route-table", "unknown", WHY)
    assert t.reason == WHY
    assert t.hops[-1] == hop
    assert t.hops[-2].id == EGRESS_ATTACH and t.hops[-2].status == "pass"


# ---- an exit attachment without a subnet in the entry's AZ ------------------------------


def test_an_exit_attachment_without_a_subnet_in_the_entrys_az_says_each_way_in() -> None:
    # The hub's attachment has subnets only in AZ c: its attachment subnet (table -> NAT,
    # reachable) and a public subnet (table -> internet gateway, blocked). The transit
    # gateway picks one; the snapshot cannot say which.
    data = hub()
    att = next(
        a
        for a in data["TransitGatewayVpcAttachments"]
        if a["TransitGatewayAttachmentId"] == EGRESS_ATTACH
    )
    att["SubnetIds"] = [HUB_TGW_C, HUB_PUBLIC_C]
    t = _to_internet(data)
    assert t.verdict == "unknown" and t.fix is None, t.reason
    said = (
        f"{EGRESS_ATTACH} has no subnet in ap-northeast-1a: the transit gateway leaves "
        f"through one of {HUB_TGW_C}, {HUB_PUBLIC_C}"
    )
    assert t.reason == (
        f"{said}. Outcomes: reachable if it enters {build.EGRESS} through {HUB_TGW_C}; "
        f"blocked at {build.HUB_IGW} if it enters {build.EGRESS} through {HUB_PUBLIC_C}"
    )
    hop = decider(t)
    assert (hop.id, hop.kind, hop.status) == (
        EGRESS_ATTACH,
        "transit-gateway-attachment",
        "unknown",
    )
    assert hop.reason.startswith(said + ". Outcomes: ")
    # The branch shown is the one that gets through: into the hub through its attachment
    # subnet, on through the NAT gateway to the internet.
    ids = [h.id for h in t.hops]
    assert ids[ids.index(EGRESS_ATTACH, ids.index(EGRESS_ATTACH) + 1) + 1] == HUB_TGW_C
    entered = next(h for h in t.hops if h.id == HUB_TGW_C)
    assert (entered.kind, entered.status, entered.reason, entered.summary) == (
        "subnet",
        "pass",
        f"into {build.EGRESS} through {HUB_TGW_C} (ap-northeast-1c)",
        f"it enters {build.EGRESS} through {HUB_TGW_C}",
    )
    assert build.HUB_NAT in ids and t.hops[-1].id == "internet"
    # The reply goes back through the transit gateway: its hub table, then out of the
    # spoke's attachment subnet.
    back = [h for h in t.hops if h.leg == "return"]
    assert [h.id for h in back if h.kind == "transit-gateway-route-table"] == [build.TGW_RTB_HUB]
    assert any(SPOKE_TGW_A in h.reason for h in back if h.kind == "network-acl-outbound")


# ---- a destination split by routes --------------------------------------------------------


def test_each_half_of_the_internet_split_by_the_far_table_meets_its_own_route() -> None:
    # The hub's attachment table sends the lower half of the internet to the NAT gateway
    # and the upper half straight to the internet gateway: only the upper half is blocked,
    # and the fix names only it.
    data = hub()
    routes = _table(data, HUB_TGW_TABLE)["Routes"]
    default = next(r for r in routes if r.get("NatGatewayId") == build.HUB_NAT)
    default["DestinationCidrBlock"] = "0.0.0.0/1"
    routes.append({**default, "DestinationCidrBlock": "128.0.0.0/1"})
    del routes[-1]["NatGatewayId"]
    routes[-1]["GatewayId"] = build.HUB_IGW
    t = _to_internet(data)
    assert t.verdict == "blocked" and t.blocked_at is not None, t.reason
    assert (t.blocked_at.id, t.blocked_at.code) == (build.HUB_IGW, "TGW_IGW_REQUIRES_NAT")
    assert t.fix is not None and t.fix.startswith(
        "route 128.0.0.0/3, 160.0.0.0/5, 168.0.0.0/8 and 29 more in"
    )
    assert t.fix.endswith(
        f"in {HUB_TGW_TABLE} (the route table of {HUB_TGW_A}) to a NAT gateway, not to "
        f"{build.HUB_IGW}: traffic that arrives from a transit gateway needs a NAT"
    )


def test_each_half_of_the_internet_split_by_the_transit_gateways_routes_is_judged() -> None:
    # The spokes' transit gateway table sends each half of the internet to the hub by its
    # own route; the hub sends it straight to its internet gateway: each half is blocked
    # there, the fix naming the half it routes.
    data = hub()
    routes = data["TransitGatewayRouteTableRoutes"][build.TGW_RTB_SPOKES]["Routes"]
    default = next(r for r in routes if r["DestinationCidrBlock"] == "0.0.0.0/0")
    default["DestinationCidrBlock"] = "0.0.0.0/1"
    routes.append({**default, "DestinationCidrBlock": "128.0.0.0/1"})
    _hub_default_to(data, build.HUB_IGW)
    t = _to_internet(data)
    assert t.verdict == "blocked" and t.blocked_at is not None, t.reason
    assert (t.blocked_at.id, t.blocked_at.code) == (build.HUB_IGW, "TGW_IGW_REQUIRES_NAT")
    assert t.fix is not None
    assert t.fix.startswith(
        f"route 1.0.0.0/8, 2.0.0.0/7, 4.0.0.0/6 and 16 more in {HUB_TGW_TABLE} "
    )
    crossed = next(h for h in t.hops if h.id == build.TGW_RTB_SPOKES)
    assert crossed.reason == (
        f"the internet (public) takes static route 0.0.0.0/1 -> {EGRESS_ATTACH}"
    )


# ---- a snapshot that lacks one transit gateway key ----------------------------------------


def test_without_the_transit_gateway_route_tables_the_crossing_is_unknown_at_its_table() -> None:
    # The transit gateway and its attachments are known: the walk enters it, and only the
    # route table it cannot read is unknown (not the old "cannot follow" of a snapshot
    # without any transit gateway key).
    data = hub()
    del data["TransitGatewayRouteTables"]
    del data["TransitGatewayRouteTableRoutes"]
    t = _to_internet(data)
    assert t.verdict == "unknown" and t.fix is None, t.reason
    hop = decider(t)
    assert (hop.id, hop.kind, hop.status) == (
        build.TGW_RTB_SPOKES,
        "transit-gateway-route-table",
        "unknown",
    )
    assert "TransitGatewayRouteTableRoutes" in hop.reason
    assert "cannot follow" not in t.reason


def test_each_half_routed_by_the_transit_gateway_into_the_hub_meets_the_hubs_own_split() -> None:
    # Both halves of the internet cross by their own transit gateway route into the hub,
    # whose attachment table sends the lower half to the NAT gateway (reachable) and the
    # upper half to the internet gateway (blocked): the upper half decides.
    data = hub()
    tgw_routes = data["TransitGatewayRouteTableRoutes"][build.TGW_RTB_SPOKES]["Routes"]
    tgw_routes[0]["DestinationCidrBlock"] = "0.0.0.0/1"
    tgw_routes.append({**tgw_routes[0], "DestinationCidrBlock": "128.0.0.0/1"})
    routes = _table(data, HUB_TGW_TABLE)["Routes"]
    default = next(r for r in routes if r.get("NatGatewayId") == build.HUB_NAT)
    default["DestinationCidrBlock"] = "0.0.0.0/1"
    routes.append({"DestinationCidrBlock": "128.0.0.0/1", "GatewayId": build.HUB_IGW})
    routes[-1]["State"] = "active"
    t = _to_internet(data)
    assert t.verdict == "blocked" and t.blocked_at is not None, t.reason
    assert (t.blocked_at.id, t.blocked_at.code) == (build.HUB_IGW, "TGW_IGW_REQUIRES_NAT")
    crossed = next(h for h in t.hops if h.id == build.TGW_RTB_SPOKES)
    assert crossed.reason == (
        f"the internet (public) takes static route 128.0.0.0/1 -> {EGRESS_ATTACH}"
    )


def test_no_transit_gateway_route_to_the_internet_names_the_attachment_to_add() -> None:
    # No far VPC holds the destination: the fix says which attachment, in words.
    data = hub()
    data["TransitGatewayRouteTableRoutes"][build.TGW_RTB_SPOKES]["Routes"] = []
    t = _to_internet(data)
    assert t.verdict == "blocked" and t.blocked_at is not None, t.reason
    assert (t.blocked_at.id, t.blocked_at.kind) == (
        build.TGW_RTB_SPOKES,
        "transit-gateway-route-table",
    )
    assert t.fix is not None
    assert "--transit-gateway-attachment-id <the attachment of the VPC that holds it> (or " in t.fix


def test_checks_on_one_snapshot_each_enter_by_their_own_attachments_table() -> None:
    # From the spoke, the spokes' table sends the internet to the hub; then from the hub,
    # the hub's table sends a spoke address to the spoke: neither takes the other's table
    # or route.
    data = hub()
    hub_sg = "sg-0e9e5500000000088"
    data["SecurityGroups"].append(
        {
            "GroupId": hub_sg,
            "GroupName": "hub-tasks",
            "VpcId": build.EGRESS,
            "OwnerId": build.ACCOUNT,
            "Description": "all out",
            "IpPermissions": [],
            "IpPermissionsEgress": [build.sg_rule("-1", None, None, cidrs=("0.0.0.0/0",))],
        }
    )
    s = snap(data)
    first = from_spoke(s, "internet")
    assert first.verdict == "reachable", first.reason
    source = hypothetical_source(s, HUB_PUBLIC_A, (hub_sg,), False)
    t = check_path(s, source, "10.1.1.77", protocol="6", port=443)
    assert t.verdict == "blocked" and t.blocked_at is not None, t.reason
    assert (t.blocked_at.id, t.blocked_at.code) == (SPOKE_A, "NO_INTERFACE_AT_ADDRESS")
    crossed = next(h for h in t.hops if h.kind == "transit-gateway-route-table")
    assert (crossed.id, crossed.reason) == (
        build.TGW_RTB_HUB,
        f"10.1.1.77 takes propagated route 10.1.0.0/16 -> {build.ATTACH[build.SPOKE]}",
    )


def test_where_referencing_is_on_each_way_into_the_hub_lets_a_group_reference_cross() -> None:
    # The hub's attachment has no subnet in the entry's AZ, so it may enter through either
    # of two subnets; referencing is on everywhere, so the NAT ENI's group that names the
    # spoke tasks' group admits them whichever way the packet enters.
    data = hub()
    _referencing_far_group(data)
    _referencing(data, "enable", "enable", "enable")
    _exit_through(data, [HUB_TGW_C, HUB_PUBLIC_C])
    t = from_spoke(snap(data), NAT_ENI_IP)
    assert t.verdict == "reachable", t.reason
    ingress = [h for h in t.hops if h.kind == "security-group-ingress"]
    assert ingress and all(h.status == "pass" for h in ingress)


def test_checks_on_one_snapshot_each_name_the_attachment_of_their_own_destination() -> None:
    # From the spoke to the hub's NAT ENI first; then, from the hub to an interface of the
    # spoke whose route the hub's table lacks: its fix names the spoke's attachment.
    data = hub()
    data["SecurityGroups"].append(_hub_group())
    spoke_eni = {
        **copy.deepcopy(data["NetworkInterfaces"][0]),
        "NetworkInterfaceId": "eni-05b0ke0000000a001",
        "VpcId": build.SPOKE,
        "SubnetId": SPOKE_A,
        "PrivateIpAddress": "10.1.1.50",
        "Groups": [{"GroupId": build.SG_SPOKE_TASK, "GroupName": "x"}],
    }
    spoke_eni["PrivateIpAddresses"] = [{"PrivateIpAddress": "10.1.1.50", "Primary": True}]
    spoke_eni.pop("Association", None)
    data["NetworkInterfaces"].append(spoke_eni)
    data["TransitGatewayRouteTableRoutes"][build.TGW_RTB_HUB]["Routes"] = []
    s = snap(data)
    first = from_spoke(s, NAT_ENI_IP)
    assert first.verdict == "blocked", first.reason  # no route back in the hub's table
    source = hypothetical_source(s, HUB_PUBLIC_A, (HUB_SG,), False)
    t = check_path(s, source, "10.1.1.50", protocol="6", port=8080)
    assert t.verdict == "blocked" and t.blocked_at is not None, t.reason
    assert t.blocked_at.id == build.TGW_RTB_HUB
    assert t.fix is not None
    assert f"--transit-gateway-attachment-id {build.ATTACH[build.SPOKE]} " in t.fix


def _spokes_tgw_routes(data: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = data["TransitGatewayRouteTableRoutes"][build.TGW_RTB_SPOKES]
    return found


def _hub_nat_route(data: dict[str, Any]) -> dict[str, Any]:
    routes = _table(data, HUB_TGW_TABLE)["Routes"]
    found: dict[str, Any] = next(r for r in routes if r.get("NatGatewayId") == build.HUB_NAT)
    return found


def _upper_half_only_listed(data: dict[str, Any]) -> None:
    # The transit gateway's table lists a route for the upper half only, and says more
    # routes exist: the lower half is unknown there.
    table = _spokes_tgw_routes(data)
    table["Routes"][0]["DestinationCidrBlock"] = "128.0.0.0/1"
    table["AdditionalRoutesAvailable"] = True
    _hub_default_to(data, build.HUB_IGW)


def _lower_half_to_an_unknown_attachment(data: dict[str, Any]) -> None:
    table = _spokes_tgw_routes(data)
    upper = table["Routes"][0]
    upper["DestinationCidrBlock"] = "128.0.0.0/1"
    lower = copy.deepcopy(upper)
    lower["DestinationCidrBlock"] = "0.0.0.0/1"
    lower["TransitGatewayAttachments"][0]["TransitGatewayAttachmentId"] = "tgw-attach-0404"
    table["Routes"].append(lower)
    _hub_default_to(data, build.HUB_IGW)


def _hub_lower_half_without_state(data: dict[str, Any]) -> None:
    # The hub's attachment table sends the lower half to the NAT gateway by a route whose
    # State the snapshot lacks (it may be a blackhole), the upper half straight to the
    # internet gateway.
    nat = _hub_nat_route(data)
    nat["DestinationCidrBlock"] = "0.0.0.0/1"
    del nat["State"]
    _table(data, HUB_TGW_TABLE)["Routes"].append(
        {"DestinationCidrBlock": "128.0.0.0/1", "GatewayId": build.HUB_IGW, "State": "active"}
    )


@pytest.mark.parametrize(
    "damage",
    [
        _upper_half_only_listed,
        _lower_half_to_an_unknown_attachment,
        _hub_lower_half_without_state,
    ],
)
def test_a_part_not_known_to_get_through_does_not_hide_a_part_that_is_dropped(
    damage: Callable[[dict[str, Any]], None],
) -> None:
    # The lower half of the internet is unknown on the way; the upper half is dropped at
    # the hub's internet gateway: the verdict is that drop, its fix naming the upper half.
    data = hub()
    damage(data)
    t = _to_internet(data)
    assert t.verdict == "blocked" and t.blocked_at is not None, t.reason
    assert (t.blocked_at.id, t.blocked_at.code) == (build.HUB_IGW, "TGW_IGW_REQUIRES_NAT")
    assert t.fix is not None
    assert t.fix.startswith(
        f"route 128.0.0.0/3, 160.0.0.0/5, 168.0.0.0/8 and 29 more in {HUB_TGW_TABLE} "
    )


def _tgw_blackhole(data: dict[str, Any]) -> str:
    route = _spokes_tgw_routes(data)["Routes"][0]
    route["State"] = "blackhole"
    del route["TransitGatewayAttachments"]
    table: str = build.TGW_RTB_SPOKES
    return table


def _hub_blackhole(data: dict[str, Any]) -> str:
    _hub_nat_route(data)["State"] = "blackhole"
    return HUB_TGW_TABLE


@pytest.mark.parametrize("damage", [_tgw_blackhole, _hub_blackhole])
def test_a_blackhole_route_on_the_way_is_where_the_path_ends(
    damage: Callable[[dict[str, Any]], str],
) -> None:
    data = hub()
    table = damage(data)
    t = _to_internet(data)
    assert t.verdict == "blocked" and t.blocked_at is not None, t.reason
    assert t.blocked_at.id == table and "blackhole" in t.blocked_at.reason
    assert t.hops[-1] == t.blocked_at
    assert [h for h in t.hops if h.status != "pass"] == [t.blocked_at]


def _tgw_route_pending(data: dict[str, Any]) -> tuple[str, str]:
    _spokes_tgw_routes(data)["Routes"][0]["State"] = "pending"
    _hub_default_to(data, build.HUB_IGW)
    table: str = build.TGW_RTB_SPOKES
    return table, f"route 0.0.0.0/0 in {table} is pending"


def _hub_route_without_state(data: dict[str, Any]) -> tuple[str, str]:
    _hub_default_to(data, build.HUB_IGW)
    route = next(
        r for r in _table(data, HUB_TGW_TABLE)["Routes"] if r.get("GatewayId") == build.HUB_IGW
    )
    del route["State"]
    return HUB_TGW_TABLE, (
        f"route 0.0.0.0/0 -> {build.HUB_IGW} has no State in the snapshot (RouteTables): it "
        "may be a blackhole"
    )


@pytest.mark.parametrize("damage", [_tgw_route_pending, _hub_route_without_state])
def test_a_route_whose_state_is_not_active_is_unknown_and_not_followed(
    damage: Callable[[dict[str, Any]], tuple[str, str]],
) -> None:
    # Beyond the route lies a drop (the hub's internet gateway); a route that may not carry
    # the packet at all leaves the verdict unknown at that route, not blocked beyond it.
    data = hub()
    table, reason = damage(data)
    t = _to_internet(data)
    assert t.verdict == "unknown" and t.fix is None, t.reason
    hop = decider(t)
    assert (hop.id, hop.status, hop.reason) == (table, "unknown", reason)
    assert t.hops[-1] == hop
    assert build.HUB_IGW not in [h.id for h in t.hops]


def _hub_routes_by_prefix_list(data: dict[str, Any]) -> None:
    route = _hub_nat_route(data)
    del route["DestinationCidrBlock"]
    route["DestinationPrefixListId"] = "pl-0aaa"


def _tgw_routes_by_prefix_list(data: dict[str, Any]) -> None:
    route = _spokes_tgw_routes(data)["Routes"][0]
    del route["DestinationCidrBlock"]
    route["PrefixListId"] = "pl-0aaa"


@pytest.mark.parametrize("by_list", [_hub_routes_by_prefix_list, _tgw_routes_by_prefix_list])
def test_a_route_by_a_prefix_list_in_the_snapshot_carries_its_addresses_across(
    by_list: Callable[[dict[str, Any]], None],
) -> None:
    data = hub()
    by_list(data)
    data.setdefault("PrefixLists", []).append(
        {"PrefixListId": "pl-0aaa", "PrefixListName": "dns", "Cidrs": ["8.8.8.0/24"]}
    )
    t = from_spoke(snap(data), "8.8.8.8")
    assert t.verdict == "reachable", t.reason
    ids = [h.id for h in t.hops]
    assert build.HUB_NAT in ids and build.HUB_IGW in ids


def test_s3_by_its_unlisted_prefix_list_is_routed_across_to_the_hubs_gateway_endpoint() -> None:
    # The hub's attachment table routes S3's prefix list to the hub's S3 gateway endpoint;
    # the list's entries are not in the snapshot, so the route matches S3 by the list's
    # identity: the endpoint drops what arrives from the transit gateway.
    data = hub()
    pl_id = next(
        p["PrefixListId"]
        for p in data["PrefixLists"]
        if p["PrefixListName"] == f"com.amazonaws.{build.REGION}.s3"
    )
    data["PrefixLists"] = [p for p in data["PrefixLists"] if p["PrefixListId"] != pl_id]
    data.setdefault("VpcEndpoints", []).append(
        {
            "VpcEndpointId": ENDPOINT,
            "VpcEndpointType": "Gateway",
            "VpcId": build.EGRESS,
            "ServiceName": f"com.amazonaws.{build.REGION}.s3",
            "State": "available",
            "PolicyDocument": build.DEFAULT_POLICY,
            "RouteTableIds": [HUB_TGW_TABLE],
            "SubnetIds": [],
            "Groups": [],
            "PrivateDnsEnabled": False,
            "RequesterManaged": False,
            "NetworkInterfaceIds": [],
            "OwnerId": build.ACCOUNT,
        }
    )
    _table(data, HUB_TGW_TABLE)["Routes"].append(
        {
            "DestinationPrefixListId": pl_id,
            "GatewayId": ENDPOINT,
            "State": "active",
            "Origin": "CreateRoute",
        }
    )
    s = snap(data)
    source = hypothetical_source(s, SPOKE_A, (build.SG_SPOKE_TASK,), False)
    t = check_source(s, source, ["s3"])[0]
    assert t.verdict == "blocked" and t.blocked_at is not None, t.reason
    assert (t.blocked_at.id, t.blocked_at.code) == (ENDPOINT, "VPCE_GATEWAY_NOT_ACROSS_VPC")
    routed = next(h for h in t.hops if h.id == HUB_TGW_TABLE)
    assert routed.reason == f"S3 ({pl_id}) takes route {pl_id} -> {ENDPOINT}"


def _hub_to_igw_by_nested_list(data: dict[str, Any]) -> None:
    route = _hub_nat_route(data)
    del route["DestinationCidrBlock"], route["NatGatewayId"]
    route["DestinationPrefixListId"] = "pl-0bbb"
    route["GatewayId"] = build.HUB_IGW


def _tgw_by_nested_list_hub_to_igw(data: dict[str, Any]) -> None:
    route = _spokes_tgw_routes(data)["Routes"][0]
    del route["DestinationCidrBlock"]
    route["PrefixListId"] = "pl-0bbb"
    _hub_default_to(data, build.HUB_IGW)


@pytest.mark.parametrize("by_list", [_hub_to_igw_by_nested_list, _tgw_by_nested_list_hub_to_igw])
def test_one_route_by_a_list_of_nested_blocks_keeps_the_destination_whole_in_the_fix(
    by_list: Callable[[dict[str, Any]], None],
) -> None:
    # One route whose prefix list holds blocks inside one another takes the whole internet:
    # the fix names the internet in its own blocks, not cut where the list's blocks nest.
    data = hub()
    by_list(data)
    data.setdefault("PrefixLists", []).append(
        {
            "PrefixListId": "pl-0bbb",
            "PrefixListName": "everything",
            "Cidrs": ["0.0.0.0/1", "128.0.0.0/1", "8.8.8.0/24"],
        }
    )
    t = _to_internet(data)
    assert t.verdict == "blocked" and t.blocked_at is not None, t.reason
    assert (t.blocked_at.id, t.blocked_at.code) == (build.HUB_IGW, "TGW_IGW_REQUIRES_NAT")
    assert t.fix is not None
    assert t.fix.startswith(f"route {INTERNET_WORDS} in {HUB_TGW_TABLE} ")
