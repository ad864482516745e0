"""The transit gateway and peering rules (evaluate/transit_gateway.py, evaluate/peering.py)
called directly on the centralised-egress and edge-to-edge samples, one thing changed at a
time: each asserts the hop a user reads (its status, the words of its reason, its code and
its fix) or where the packet goes on. tests/test_transit_gateway.py and test_peering.py
check the same rules through whole checks."""

from __future__ import annotations

import copy
from dataclasses import replace
from functools import cache
from ipaddress import ip_network
from typing import Any

import pytest

from netgraph.evaluate.addresses import Peer
from netgraph.evaluate.peering import Crossed, peering_hops
from netgraph.evaluate.routing import RouteMatch
from netgraph.evaluate.transit_gateway import (
    Entry,
    Exit,
    associated_table,
    entry,
    entry_subnet,
    exit_to,
    referencing_assumed,
    referencing_unknown,
    reply_route_hop,
    return_route_hop,
    route_hop,
    security_groups_reference_across,
    tgw_lookup,
    vpc_attachment,
)
from netgraph.hop import Hop, HopKind
from netgraph.model import (
    IPNetwork,
    PeeringSide,
    Route,
    RouteTable,
    Snapshot,
    Subnet,
    TransitGatewayAttachment,
    TransitGatewayRoute,
    TransitGatewayRouteTable,
)

from .conftest import build, snap

TGW = build.TGW
SPOKE, EGRESS = build.SPOKE, build.EGRESS
SPOKE_ATT, EGRESS_ATT = build.ATTACH[build.SPOKE], build.ATTACH[build.EGRESS]
RTB_SPOKES, RTB_HUB = build.TGW_RTB_SPOKES, build.TGW_RTB_HUB
SPOKE_RTB = "rtb-05b0ke000000000011"  # the spoke's private table: 0.0.0.0/0 -> the TGW
HUB_PUBLIC_RTB = "rtb-0e9e55000000000022"
SPOKE_A, SPOKE_C = "subnet-05b0ke000000001a", "subnet-05b0ke000000001c"
SPOKE_TGW_A, SPOKE_TGW_C = "subnet-05b0ke00000000fa", "subnet-05b0ke00000000fc"
HUB_TGW_A, HUB_TGW_C = "subnet-0e9e55000000fa", "subnet-0e9e55000000fc"
HUB_PUBLIC_A = "subnet-0e9e5500000001a"
AZ_A, AZ_C = "ap-northeast-1a", "ap-northeast-1c"
ATT, RTB = HopKind.TRANSIT_GATEWAY_ATTACHMENT, HopKind.TRANSIT_GATEWAY_ROUTE_TABLE
PCX = build.PCX


# Parsed once: snapshots are frozen, and each test changes its own copy with replace().
@cache
def egress() -> Snapshot:
    return snap(copy.deepcopy(build.healthy_hub_centralized_egress()))


@cache
def peered() -> Snapshot:
    return snap(copy.deepcopy(build.broken_peering_edge_to_edge()))


def net(text: str) -> IPNetwork:
    return ip_network(text)


def _tgw_route(s: Snapshot) -> tuple[RouteTable, Route]:
    table = (s.route_tables or {})[SPOKE_RTB]
    return table, next(r for r in table.routes if r.target_kind == "tgw")


def _with_att(s: Snapshot, att_id: str, **changes: Any) -> Snapshot:
    atts = dict(s.transit_gateway_attachments or {})
    atts[att_id] = replace(atts[att_id], **changes)
    return replace(s, transit_gateway_attachments=atts)


def _enter(s: Snapshot, subnet: str = SPOKE_A) -> tuple[tuple[Hop, ...], Entry | None]:
    table, route = _tgw_route(s)
    judged = entry(s, table, route, (s.subnets or {})[subnet])
    return judged.hops, judged.next


# ---- entry: the gateway, the VPC's attachment and its subnet in the source's AZ ----------


def test_a_packet_enters_through_the_attachment_subnet_in_its_availability_zone() -> None:
    s = egress()
    hops, ent = _enter(s, SPOKE_C)
    assert hops == (
        Hop(TGW, HopKind.TRANSIT_GATEWAY, "pass", f"{TGW} is available"),
        Hop(
            SPOKE_ATT,
            ATT,
            "pass",
            f"{SPOKE_ATT} attaches {SPOKE} to {TGW} in {AZ_C} through {SPOKE_TGW_C}",
        ),
    )
    assert ent == Entry(
        (s.transit_gateways or {})[TGW],
        (s.transit_gateway_attachments or {})[SPOKE_ATT],
        (s.subnets or {})[SPOKE_TGW_C],
    )


def test_a_modifying_transit_gateway_and_attachment_still_carry() -> None:
    s = egress()
    tgws = {TGW: replace((s.transit_gateways or {})[TGW], state="modifying")}
    s = _with_att(replace(s, transit_gateways=tgws), SPOKE_ATT, state="modifying")
    hops, ent = _enter(s)
    assert hops[0] == Hop(TGW, HopKind.TRANSIT_GATEWAY, "pass", f"{TGW} is modifying")
    assert hops[1].status == "pass" and ent is not None


@pytest.mark.parametrize("state", ["pending", "deleting", "deleted"])
def test_a_route_to_a_transit_gateway_that_is_not_available_is_blamed_on_the_route(
    state: str,
) -> None:
    s = egress()
    s = replace(s, transit_gateways={TGW: replace((s.transit_gateways or {})[TGW], state=state)})
    hops, ent = _enter(s)
    assert ent is None
    assert hops == (
        Hop(
            SPOKE_RTB,
            HopKind.ROUTE_TABLE,
            "fail",
            f"route 0.0.0.0/0 -> {TGW} leads to a transit gateway that is {state}",
            code="BAD_STATE_ROUTE",
            fix=f"replace the route 0.0.0.0/0 in {SPOKE_RTB}: its target {TGW} is {state}",
        ),
    )


def _unknown_entry(s: Snapshot) -> Hop:
    hops, ent = _enter(s)
    assert ent is None
    assert hops[-1].status == "unknown" and hops[-1].code is None
    return hops[-1]


def test_what_the_entry_does_not_know_is_unknown_and_says_which_key() -> None:
    s = egress()
    assert _unknown_entry(replace(s, transit_gateways=None)) == Hop(
        TGW, HopKind.TRANSIT_GATEWAY, "unknown", s.missing_reason("TransitGateways")
    )
    assert (
        s.missing_reason("TransitGateways")
        == "TransitGateways is not in the snapshot (not collected)"
    )
    assert _unknown_entry(replace(s, transit_gateways={})) == Hop(
        TGW,
        HopKind.TRANSIT_GATEWAY,
        "unknown",
        f"{SPOKE_RTB} routes to {TGW}, which is not in TransitGateways (shared from an "
        "account that was not collected?)",
    )
    silent = {TGW: replace((s.transit_gateways or {})[TGW], state="unknown")}
    assert _unknown_entry(replace(s, transit_gateways=silent)) == Hop(
        TGW,
        HopKind.TRANSIT_GATEWAY,
        "unknown",
        f"the State of {TGW} is not in the snapshot (TransitGateways)",
    )
    passed = Hop(TGW, HopKind.TRANSIT_GATEWAY, "pass", f"{TGW} is available")
    hops, _ = _enter(replace(s, transit_gateway_attachments=None))
    assert hops == (
        passed,
        Hop(TGW, ATT, "unknown", s.missing_reason("TransitGatewayAttachments")),
    )
    assert "TransitGatewayAttachments" in hops[1].reason
    hops, _ = _enter(replace(s, transit_gateway_attachments={}))
    assert hops == (
        passed,
        Hop(
            TGW,
            ATT,
            "unknown",
            f"no attachment of {SPOKE} to {TGW} is in the snapshot "
            "(TransitGatewayAttachments, TransitGatewayVpcAttachments)",
        ),
    )
    hops, _ = _enter(_with_att(s, SPOKE_ATT, state="unknown"))
    assert hops == (
        passed,
        Hop(
            SPOKE_ATT,
            ATT,
            "unknown",
            f"the State of {SPOKE_ATT} is not in the snapshot (TransitGatewayAttachments)",
        ),
    )


@pytest.mark.parametrize("state", ["pending", "pendingAcceptance", "deleting", "rejected"])
def test_an_attachment_that_is_not_available_blocks_with_the_accept_or_recreate_fix(
    state: str,
) -> None:
    s = _with_att(egress(), SPOKE_ATT, state=state)
    hops, ent = _enter(s)
    assert ent is None
    assert hops[1] == Hop(
        SPOKE_ATT,
        ATT,
        "fail",
        f"{SPOKE_ATT} (vpc {SPOKE}) is {state}: it carries nothing",
        code="TGW_ATTACH_BAD_STATE",
        fix=f"{SPOKE_ATT} is {state}: it carries nothing until it is available (an attachment "
        "pending acceptance: aws ec2 accept-transit-gateway-vpc-attachment "
        f"--transit-gateway-attachment-id {SPOKE_ATT}; a deleting one: recreate it)",
        leg="forward",
    )


def test_the_first_attachment_of_a_vpc_in_the_snapshot_is_the_one_followed() -> None:
    s = egress()
    known = s.transit_gateway_attachments or {}
    first = known[SPOKE_ATT]
    second = replace(first, id="tgw-attach-0000000000000second", state="deleting")
    atts = {first.id: first, second.id: second, EGRESS_ATT: known[EGRESS_ATT]}
    assert vpc_attachment(replace(s, transit_gateway_attachments=atts), TGW, SPOKE) == first
    reverse = {second.id: second, first.id: first}
    assert vpc_attachment(replace(s, transit_gateway_attachments=reverse), TGW, SPOKE) == second


def test_each_snapshot_finds_its_own_attachments() -> None:
    """The index of attachments by VPC is per snapshot: a second snapshot with other
    attachments is not answered from the first one's."""
    s = egress()
    assert isinstance(vpc_attachment(s, TGW, SPOKE), TransitGatewayAttachment)
    other = replace(s, transit_gateway_attachments={})
    assert isinstance(vpc_attachment(other, TGW, SPOKE), str)
    moved = _with_att(s, SPOKE_ATT, resource_id="vpc-0000000000000moved")
    assert isinstance(vpc_attachment(moved, TGW, SPOKE), str)
    assert (
        vpc_attachment(moved, TGW, "vpc-0000000000000moved")
        == (moved.transit_gateway_attachments or {})[SPOKE_ATT]
    )


# ---- entry_subnet: a transit gateway takes traffic only from AZs of its attachment ----------


def _entry_subnet(s: Snapshot, subnet: Subnet | None = None, **changes: Any) -> Subnet | Hop:
    att = replace((s.transit_gateway_attachments or {})[SPOKE_ATT], **changes)
    return entry_subnet(s, att, subnet or (s.subnets or {})[SPOKE_C])


def test_no_attachment_subnet_in_the_sources_az_blocks_with_the_add_subnet_fix() -> None:
    s = egress()
    assert _entry_subnet(s, subnet_ids=(SPOKE_TGW_A,)) == Hop(
        SPOKE_ATT,
        ATT,
        "fail",
        f"{SPOKE_ATT} has no subnet in {AZ_C}, where {SPOKE_C} is: a transit gateway takes "
        "traffic only from Availability Zones where its attachment has a subnet",
        code="TGW_ATTACH_VPC_AZ_RESTRICTION",
        fix=f"add a subnet of {SPOKE} in {AZ_C} to {SPOKE_ATT}: aws ec2 "
        f"modify-transit-gateway-vpc-attachment --transit-gateway-attachment-id {SPOKE_ATT} "
        f"--add-subnet-ids <a subnet of {SPOKE} in {AZ_C}>",
    )


def test_an_attachment_subnet_of_the_az_is_found_past_unknown_ones() -> None:
    s = egress()
    found = _entry_subnet(s, subnet_ids=("subnet-0000000000notthere", SPOKE_TGW_C))
    assert found == (s.subnets or {})[SPOKE_TGW_C]


def test_what_entry_subnet_does_not_know_is_unknown() -> None:
    s = egress()
    src = (s.subnets or {})[SPOKE_C]
    assert _entry_subnet(s, subnet_ids=None) == Hop(
        SPOKE_ATT,
        ATT,
        "unknown",
        f"the subnets of {SPOKE_ATT} are not in the snapshot (TransitGatewayVpcAttachments): "
        f"whether it serves {AZ_C} is unknown",
    )
    no_az = replace(src, availability_zone=None)
    silent = _entry_subnet(s, no_az, subnet_ids=None)
    assert isinstance(silent, Hop) and silent.reason == (
        f"the subnets of {SPOKE_ATT} are not in the snapshot (TransitGatewayVpcAttachments): "
        f"whether it serves the AZ of {SPOKE_C} is unknown"
    )
    assert _entry_subnet(s, no_az) == Hop(
        SPOKE_ATT,
        ATT,
        "unknown",
        f"the AvailabilityZone of {SPOKE_C} is not in the snapshot (Subnets)",
    )
    subnets = dict(s.subnets or {})
    subnets[SPOKE_TGW_A] = replace(subnets[SPOKE_TGW_A], availability_zone=None)
    gone = "subnet-0000000000notthere"
    hop = _entry_subnet(replace(s, subnets=subnets), subnet_ids=(SPOKE_TGW_A, gone))
    assert hop == Hop(
        SPOKE_ATT,
        ATT,
        "unknown",
        f"the Availability Zone of {SPOKE_TGW_A}, {gone} (subnets of {SPOKE_ATT}) is not in "
        f"the snapshot (Subnets): whether {SPOKE_ATT} serves {AZ_C} is unknown",
    )
    hop = _entry_subnet(replace(s, subnets=None), src, subnet_ids=(SPOKE_TGW_C,))
    assert isinstance(hop, Hop) and hop.status == "unknown" and SPOKE_TGW_C in hop.reason


# ---- associated_table: the route table of the arriving attachment ------------------------


def _associated(
    s: Snapshot, leg: Any = "forward", **changes: Any
) -> TransitGatewayRouteTable | Hop:
    att = replace((s.transit_gateway_attachments or {})[SPOKE_ATT], **changes)
    return associated_table(s, att, leg)


@pytest.mark.parametrize("leg", ["forward", "return"])
def test_the_associated_route_table_or_why_there_is_none(leg: str) -> None:
    s = egress()
    assert _associated(s, leg) == (s.transit_gateway_route_tables or {})[RTB_SPOKES]
    assert _associated(s, leg, association_collected=False) == Hop(
        SPOKE_ATT,
        ATT,
        "unknown",
        f"what {SPOKE_ATT} is associated with is not in the snapshot "
        "(TransitGatewayAttachments: Association)",
        leg=leg,  # type: ignore[arg-type]
    )
    fix = (
        f"associate {SPOKE_ATT} with a route table of {TGW}: aws ec2 "
        "associate-transit-gateway-route-table --transit-gateway-route-table-id <tgw-rtb-...> "
        f"--transit-gateway-attachment-id {SPOKE_ATT}"
    )
    assert _associated(s, leg, route_table_id=None) == Hop(
        SPOKE_ATT,
        ATT,
        "fail",
        f"{SPOKE_ATT} is associated with no route table of {TGW}: packets arriving from it "
        "are not routed",
        code="TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION",
        fix=fix,
        leg=leg,  # type: ignore[arg-type]
    )
    for state, said in [
        ("associating", "associating"),
        ("unknown", "unknown"),
        (None, "not known"),
    ]:
        assert _associated(s, leg, association_state=state) == Hop(
            SPOKE_ATT,
            ATT,
            "unknown",
            f"the association of {SPOKE_ATT} with {RTB_SPOKES} is {said}",
            leg=leg,  # type: ignore[arg-type]
        )
    for state in ("disassociating", "disassociated"):
        assert _associated(s, leg, association_state=state) == Hop(
            SPOKE_ATT,
            ATT,
            "fail",
            f"the association of {SPOKE_ATT} with {RTB_SPOKES} is {state}",
            code="TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION",
            fix=fix,
            leg=leg,  # type: ignore[arg-type]
        )
    assert _associated(replace(s, transit_gateway_route_tables=None), leg) == Hop(
        RTB_SPOKES,
        RTB,
        "unknown",
        s.missing_reason("TransitGatewayRouteTableRoutes"),
        leg=leg,  # type: ignore[arg-type]
    )
    assert "TransitGatewayRouteTableRoutes" in s.missing_reason("TransitGatewayRouteTableRoutes")
    hidden = (
        f"the routes of {RTB_SPOKES} are not in the snapshot (TransitGatewayRouteTableRoutes; "
        "a transit gateway's route tables are visible only to its owner account)"
    )
    tables = dict(s.transit_gateway_route_tables or {})
    for gone in ({}, {RTB_SPOKES: replace(tables[RTB_SPOKES], routes=None)}):
        got = _associated(replace(s, transit_gateway_route_tables=gone), leg)
        assert got == Hop(RTB_SPOKES, RTB, "unknown", hidden, leg=leg)  # type: ignore[arg-type]


# ---- a transit gateway route table: longest prefix, static before propagated -------------


def _table(*routes: TransitGatewayRoute, more: bool = False) -> TransitGatewayRouteTable:
    return TransitGatewayRouteTable(RTB_SPOKES, TGW, "available", routes, more)


def _route(
    cidr: str | None,
    *atts: str,
    type_: str = "static",
    state: str = "active",
    pl: str | None = None,
) -> TransitGatewayRoute:
    return TransitGatewayRoute(net(cidr) if cidr else None, pl, atts, type_, state)


NAT_IP = (net("10.100.101.25/32"),)


def _hop(
    table: TransitGatewayRouteTable, dest: tuple[IPNetwork, ...] = NAT_IP, leg: Any = "forward"
) -> Hop:
    (match,) = tgw_lookup(table, dest, None)
    return route_hop(table, match, "10.100.101.25", leg, attachment_hint=EGRESS_ATT)


@pytest.mark.parametrize("leg", ["forward", "return"])
def test_a_transit_gateway_route_passes_on_an_active_route_to_one_attachment(leg: str) -> None:
    assert _hop(_table(_route("10.100.0.0/16", EGRESS_ATT)), leg=leg) == Hop(
        RTB_SPOKES,
        RTB,
        "pass",
        f"10.100.101.25 takes static route 10.100.0.0/16 -> {EGRESS_ATT}",
        leg=leg,  # type: ignore[arg-type]
    )
    propagated = _table(_route("10.100.0.0/16", EGRESS_ATT, type_="propagated"))
    assert _hop(propagated, leg=leg).reason == (
        f"10.100.101.25 takes propagated route 10.100.0.0/16 -> {EGRESS_ATT}"
    )


@pytest.mark.parametrize("first", ["static", "propagated"])
def test_at_equal_length_the_static_transit_gateway_route_wins(first: str) -> None:
    static = _route("10.100.0.0/16", EGRESS_ATT)
    propagated = _route("10.100.0.0/16", SPOKE_ATT, type_="propagated")
    routes = (static, propagated) if first == "static" else (propagated, static)
    (match,) = tgw_lookup(_table(*routes), NAT_IP, None)
    assert match.route is not None and match.route.target_id == EGRESS_ATT
    assert not match.route.propagated
    # a longer propagated route still beats a shorter static one
    longer = _route("10.100.101.0/24", SPOKE_ATT, type_="propagated")
    (match,) = tgw_lookup(_table(static, longer), NAT_IP, None)
    assert match.route is not None and match.route.target_id == SPOKE_ATT


def test_a_prefix_list_route_of_a_transit_gateway_table_matches_its_entries() -> None:
    s = peered()
    pl_id, pl = next(iter((s.prefix_lists or {}).items()))
    inside = (next(iter(pl.cidrs)),) if pl.cidrs else ()
    assert inside, "the sample's prefix list has entries"
    table = _table(_route(None, EGRESS_ATT, pl=pl_id))
    (match,) = tgw_lookup(table, inside, s.prefix_lists)
    assert match.status == "route" and match.route is not None
    assert match.route.destination_text == pl_id and match.route.target_id == EGRESS_ATT


def test_a_changed_route_table_of_the_same_id_is_looked_up_afresh() -> None:
    first = _table(_route("10.100.0.0/16", EGRESS_ATT))
    assert _hop(first).status == "pass"
    blackholed = _table(_route("10.100.0.0/16", EGRESS_ATT, state="blackhole"))
    assert _hop(blackholed).status == "fail"
    assert _hop(first).status == "pass"


def test_no_transit_gateway_route_blocks_with_the_create_route_fix() -> None:
    assert _hop(_table(_route("10.1.0.0/16", SPOKE_ATT))) == Hop(
        RTB_SPOKES,
        RTB,
        "fail",
        f"{RTB_SPOKES} has no route for 10.100.101.25",
        code="TGW_RTB_CANNOT_ROUTE",
        fix=f"add a route for 10.100.101.25/32 to {RTB_SPOKES}: aws ec2 "
        f"create-transit-gateway-route --transit-gateway-route-table-id {RTB_SPOKES} "
        f"--destination-cidr-block 10.100.101.25/32 --transit-gateway-attachment-id "
        f"{EGRESS_ATT} (or propagate it: aws ec2 enable-transit-gateway-route-table-propagation "
        f"--transit-gateway-route-table-id {RTB_SPOKES} --transit-gateway-attachment-id "
        f"{EGRESS_ATT})",
    )
    assert _hop(_table(more=True)) == Hop(
        RTB_SPOKES,
        RTB,
        "unknown",
        f"no listed route of {RTB_SPOKES} matches 10.100.101.25, and the snapshot says more "
        "routes exist (AdditionalRoutesAvailable: the API returns at most 1,000)",
    )
    assert _hop(_table(), leg="return").leg == "return"


@pytest.mark.parametrize(("atts", "in_fix"), [((EGRESS_ATT,), EGRESS_ATT), ((), EGRESS_ATT)])
def test_a_blackhole_transit_gateway_route_blocks(atts: tuple[str, ...], in_fix: str) -> None:
    table = _table(_route("10.100.0.0/16", *atts, type_="propagated", state="blackhole"))
    assert _hop(table, leg="return") == Hop(
        RTB_SPOKES,
        RTB,
        "fail",
        f"route 10.100.0.0/16 in {RTB_SPOKES} is a blackhole (propagated): it drops 10.100.101.25",
        code="TGW_RTB_BAD_STATE_ROUTE",
        fix=f"replace the blackhole route 10.100.0.0/16 in {RTB_SPOKES}: aws ec2 "
        f"replace-transit-gateway-route --transit-gateway-route-table-id {RTB_SPOKES} "
        f"--destination-cidr-block 10.100.0.0/16 --transit-gateway-attachment-id {in_fix}",
        leg="return",
    )


def test_a_route_that_is_not_active_or_leads_to_several_attachments_is_unknown() -> None:
    pending = _table(_route("10.100.0.0/16", EGRESS_ATT, state="pending"))
    assert _hop(pending, leg="return") == Hop(
        RTB_SPOKES, RTB, "unknown", f"route 10.100.0.0/16 in {RTB_SPOKES} is pending", leg="return"
    )
    two = _table(_route("10.100.0.0/16", EGRESS_ATT, SPOKE_ATT))
    assert _hop(two) == Hop(
        RTB_SPOKES,
        RTB,
        "unknown",
        f"route 10.100.0.0/16 in {RTB_SPOKES} leads to {EGRESS_ATT},{SPOKE_ATT}: netgraph "
        "follows one VPC attachment",
    )
    none = _table(_route("10.100.0.0/16"))
    assert _hop(none).reason == (
        f"route 10.100.0.0/16 in {RTB_SPOKES} leads to no attachment: netgraph follows one "
        "VPC attachment"
    )
    assert _hop(none).status == "unknown"


def test_an_unknown_match_is_unknown_with_its_reason() -> None:
    table = _table(_route("10.100.0.0/16", EGRESS_ATT))
    for status in ("unknown", "ambiguous"):
        match = RouteMatch(status, NAT_IP, reason="why not known")
        assert route_hop(table, match, "x", "return", attachment_hint=EGRESS_ATT) == Hop(
            RTB_SPOKES, RTB, "unknown", "why not known", leg="return"
        )
    # a "route" match without its route is not a pass either
    match = RouteMatch("route", NAT_IP, reason="no route object")
    hop = route_hop(table, match, "x", "forward", attachment_hint=EGRESS_ATT)
    assert hop == Hop(RTB_SPOKES, RTB, "unknown", "no route object")


# ---- return_route_hop: the reply must go back to the attachment the request came from -----


def test_the_reply_route_of_the_far_table_must_lead_to_the_source_attachment() -> None:
    table = _table(_route("10.1.0.0/16", SPOKE_ATT, type_="propagated"))
    src = (net("10.1.1.0/24"),)
    (match,) = tgw_lookup(table, src, None)
    assert return_route_hop(table, match, "10.1.1.0/24", SPOKE_ATT) == Hop(
        RTB_SPOKES,
        RTB,
        "pass",
        f"10.1.1.0/24 takes propagated route 10.1.0.0/16 -> {SPOKE_ATT}",
        leg="return",
    )
    assert return_route_hop(table, match, "10.1.1.0/24", "tgw-attach-0000000000000other") == Hop(
        RTB_SPOKES,
        RTB,
        "fail",
        f"{RTB_SPOKES} sends the reply to 10.1.1.0/24 to {SPOKE_ATT}, not to "
        "tgw-attach-0000000000000other, the attachment the request came from",
        code="TGW_RTB_CANNOT_ROUTE",
        fix=f"add a route for 10.1.1.0/24 to {RTB_SPOKES}: aws ec2 "
        f"create-transit-gateway-route --transit-gateway-route-table-id {RTB_SPOKES} "
        "--destination-cidr-block 10.1.1.0/24 --transit-gateway-attachment-id "
        "tgw-attach-0000000000000other (or propagate it: aws ec2 "
        "enable-transit-gateway-route-table-propagation --transit-gateway-route-table-id "
        f"{RTB_SPOKES} --transit-gateway-attachment-id tgw-attach-0000000000000other)",
        leg="forward",
    )
    (none,) = tgw_lookup(_table(), src, None)
    missing = return_route_hop(_table(), none, "10.1.1.0/24", SPOKE_ATT)
    assert (missing.status, missing.leg, missing.code) == ("fail", "return", "TGW_RTB_CANNOT_ROUTE")
    assert f"--transit-gateway-attachment-id {SPOKE_ATT}" in (missing.fix or "")


# ---- exit_to: the attachment a route leads to and the subnets the packet leaves by --------


def _exit(
    s: Snapshot, az: str | None = AZ_A, att: str = EGRESS_ATT
) -> tuple[tuple[Hop, ...], Exit | None]:
    judged = exit_to(s, att, az)
    return judged.hops, judged.next


def test_the_packet_leaves_through_the_far_attachment_subnet_of_its_az() -> None:
    s = egress()
    hops, ex = _exit(s, AZ_C)
    assert hops == (
        Hop(EGRESS_ATT, ATT, "pass", f"{EGRESS_ATT} delivers into {EGRESS} through {HUB_TGW_C}"),
    )
    subnets = s.subnets or {}
    assert ex == Exit(
        (s.transit_gateway_attachments or {})[EGRESS_ATT],
        (s.vpcs or {})[EGRESS],
        (subnets[HUB_TGW_C],),
    )


@pytest.mark.parametrize("az", [None, "ap-northeast-1d"])
def test_without_a_far_subnet_in_the_az_any_may_be_used(az: str | None) -> None:
    s = egress()
    hops, ex = _exit(s, az)
    assert hops == (
        Hop(
            EGRESS_ATT,
            ATT,
            "pass",
            f"{EGRESS_ATT} delivers into {EGRESS} through {HUB_TGW_A}, {HUB_TGW_C}; appliance "
            "mode is off: the reply may enter another AZ (a stateful appliance on this path is "
            "not verified)",
        ),
    )
    assert ex is not None and [x.id for x in ex.subnets] == [HUB_TGW_A, HUB_TGW_C]


@pytest.mark.parametrize("az", [AZ_A, None])
def test_appliance_mode_is_said_on_the_far_attachment(az: str | None) -> None:
    s = _with_att(egress(), EGRESS_ATT, appliance_mode=True)
    hops, ex = _exit(s, az)
    leave = HUB_TGW_A if az else f"{HUB_TGW_A}, {HUB_TGW_C}"
    assert hops[0].reason == (
        f"{EGRESS_ATT} delivers into {EGRESS} through {leave}; appliance mode is on: the flow "
        "keeps one AZ of it both ways"
    )
    assert ex is not None


def test_what_the_exit_does_not_know_is_unknown() -> None:
    s = egress()

    def unknown(snapshot: Snapshot, reason: str, att: str = EGRESS_ATT) -> None:
        hops, ex = _exit(snapshot, att=att)
        assert ex is None
        assert hops == (Hop(att, ATT, "unknown", reason),)

    gone = "tgw-attach-00000000000000gone"
    unknown(s, f"{gone} is not in the snapshot (TransitGatewayAttachments)", gone)
    unknown(
        replace(s, transit_gateway_attachments=None),
        f"{EGRESS_ATT} is not in the snapshot (TransitGatewayAttachments)",
    )
    unknown(
        _with_att(s, EGRESS_ATT, resource_type="vpn", resource_id="vpn-0123"),
        f"{EGRESS_ATT} leads to a vpn (vpn-0123); netgraph follows transit gateway "
        "attachments of VPCs only",
    )
    unknown(
        _with_att(s, EGRESS_ATT, state="unknown"),
        f"the State of {EGRESS_ATT} is not in the snapshot (TransitGatewayAttachments)",
    )
    unknown(
        replace(s, vpcs={}),
        f"{EGRESS_ATT} leads to {EGRESS}, which is not in Vpcs (owned by {build.ACCOUNT} that "
        "was not collected?)",
    )
    unknown(
        replace(_with_att(s, EGRESS_ATT, resource_owner_id=None), vpcs=None),
        f"{EGRESS_ATT} leads to {EGRESS}, which is not in Vpcs (owned by an account that was "
        "not collected?)",
    )
    unknown(
        _with_att(s, EGRESS_ATT, resource_id=None),
        f"{EGRESS_ATT} leads to None, which is not in Vpcs (owned by {build.ACCOUNT} that "
        "was not collected?)",
    )
    unknown(
        _with_att(s, EGRESS_ATT, subnet_ids=None),
        f"the subnets of {EGRESS_ATT} are not in the snapshot (TransitGatewayVpcAttachments)",
    )
    unknown(
        _with_att(s, EGRESS_ATT, subnet_ids=(HUB_TGW_A, "subnet-1", "subnet-2")),
        f"the subnets subnet-1, subnet-2 of {EGRESS_ATT} are not in Subnets",
    )
    unknown(
        replace(s, subnets=None),
        f"the subnets {HUB_TGW_A}, {HUB_TGW_C} of {EGRESS_ATT} are not in Subnets",
    )
    unknown(_with_att(s, EGRESS_ATT, subnet_ids=()), f"{EGRESS_ATT} lists no subnet")


def test_a_far_attachment_that_is_not_available_blocks() -> None:
    hops, ex = _exit(_with_att(egress(), EGRESS_ATT, state="deleting"))
    assert ex is None
    assert (hops[0].id, hops[0].status, hops[0].code, hops[0].leg) == (
        EGRESS_ATT,
        "fail",
        "TGW_ATTACH_BAD_STATE",
        "forward",
    )
    assert hops[0].reason == f"{EGRESS_ATT} (vpc {EGRESS}) is deleting: it carries nothing"


# ---- security-group referencing across the transit gateway ------------------------------


def test_referencing_across_needs_the_gateway_and_both_attachments() -> None:
    s = egress()
    tgw = (s.transit_gateways or {})[TGW]
    a, b = (
        (s.transit_gateway_attachments or {})[SPOKE_ATT],
        (s.transit_gateway_attachments or {})[EGRESS_ATT],
    )

    def across(t: bool | None, x: bool | None, y: bool | None) -> bool | None:
        return security_groups_reference_across(
            replace(tgw, security_group_referencing=t),
            replace(a, security_group_referencing=x),
            replace(b, security_group_referencing=y),
        )

    assert across(True, True, True) is True
    assert across(False, True, True) is False
    assert across(True, True, False) is False
    assert across(True, False, None) is False
    assert across(None, True, True) is None
    assert across(True, True, None) is None


# ---- reply_route_hop: the far side's route back to the transit gateway or peering ---------


SRC = (net("10.1.1.0/24"),)


def _reply(routes: tuple[Route, ...], gateway: str = TGW, src: tuple[IPNetwork, ...] = SRC) -> Hop:
    s = egress()
    table = replace((s.route_tables or {})[HUB_PUBLIC_RTB], routes=routes)
    from netgraph.evaluate.routing import lookup

    matches = lookup(table, src, None)
    return reply_route_hop(
        table, matches, (s.subnets or {})[HUB_PUBLIC_A], gateway, "10.1.1.0/24", "10.1.0.0/16"
    )


def _vpc_route(cidr: str, kind: Any, target: str, state: str = "active") -> Route:
    return Route(net(cidr), None, kind, target, state, "CreateRoute")


LOCAL = _vpc_route("10.100.0.0/16", "local", "local")


def test_a_reply_with_a_route_back_to_the_gateway_passes() -> None:
    for gateway, kind in ((TGW, "tgw"), (PCX, "pcx")):
        assert _reply((LOCAL, _vpc_route("10.0.0.0/8", kind, gateway)), gateway) == Hop(
            HUB_PUBLIC_RTB,
            HopKind.ROUTE_TABLE,
            "pass",
            f"the reply to 10.1.1.0/24 takes a route back to {gateway}",
            leg="return",
        )


@pytest.mark.parametrize(
    ("route", "found"),
    [
        (
            _vpc_route("0.0.0.0/0", "igw", "igw-0e9e5500000000001"),
            "route 0.0.0.0/0 -> igw-0e9e5500000000001",
        ),
        (_vpc_route("0.0.0.0/0", "nat", "nat-1"), "route 0.0.0.0/0 -> nat-1"),
        (_vpc_route("10.0.0.0/8", "local", "local"), "route 10.0.0.0/8 -> local"),
        (_vpc_route("0.0.0.0/0", "gateway-endpoint", "vpce-1"), "route 0.0.0.0/0 -> vpce-1"),
        (_vpc_route("0.0.0.0/0", "eigw", "eigw-1"), "route 0.0.0.0/0 -> eigw-1"),
        (
            _vpc_route("10.0.0.0/8", "tgw", TGW, "blackhole"),
            f"a blackhole route 10.0.0.0/8 -> {TGW}",
        ),
        (None, "no route"),
    ],
)
@pytest.mark.parametrize("gateway", [TGW, PCX])
def test_a_reply_routed_elsewhere_is_blamed_on_the_far_route_table(
    route: Route | None, found: str, gateway: str
) -> None:
    routes = (LOCAL, route) if route is not None else (LOCAL,)
    hop = _reply(routes, gateway)
    peering = gateway == PCX
    assert hop == Hop(
        HUB_PUBLIC_RTB,
        HopKind.ROUTE_TABLE,
        "fail",
        f"the reply to 10.1.1.0/24 leaves {HUB_PUBLIC_A}, whose route table {HUB_PUBLIC_RTB} "
        f"has {found} for 10.1.1.0/24, not a route to {gateway}",
        code="RESPONSE_RTB_HAS_NO_ROUTE_TO_PEERING"
        if peering
        else "RESPONSE_RTB_HAS_NO_ROUTE_TO_TRANSIT_GATEWAY",
        fix=f"add the return route to {HUB_PUBLIC_RTB} (the route table of {HUB_PUBLIC_A}): aws "
        f"ec2 create-route --route-table-id {HUB_PUBLIC_RTB} --destination-cidr-block "
        f"10.1.0.0/16 --{'vpc-peering-connection-id' if peering else 'transit-gateway-id'} "
        f"{gateway}",
        leg="return",
    )


def test_a_reply_whose_route_back_is_not_known_is_unknown() -> None:
    stateless = _vpc_route("10.0.0.0/8", "tgw", TGW, "unknown")
    assert _reply((LOCAL, stateless)) == Hop(
        HUB_PUBLIC_RTB,
        HopKind.ROUTE_TABLE,
        "unknown",
        f"route 10.0.0.0/8 -> {TGW} of {HUB_PUBLIC_RTB} has no State in the snapshot "
        "(RouteTables): it may be a blackhole",
        leg="return",
    )
    other = _vpc_route("10.0.0.0/8", "vgw", "vgw-1")
    assert _reply((LOCAL, other)) == Hop(
        HUB_PUBLIC_RTB,
        HopKind.ROUTE_TABLE,
        "unknown",
        f"{HUB_PUBLIC_RTB} sends the reply to 10.1.1.0/24 to vgw-1, not back to {TGW}; netgraph "
        "does not follow a reply by another way",
        leg="return",
    )


def _matches(*ms: RouteMatch) -> Hop:
    s = egress()
    table = (s.route_tables or {})[HUB_PUBLIC_RTB]
    return reply_route_hop(
        table, list(ms), (s.subnets or {})[HUB_PUBLIC_A], TGW, "src", "10.1.0.0/16"
    )


def test_of_the_parts_of_a_reply_a_failure_decides_and_else_the_first_unknown() -> None:
    a, b = (net("10.1.1.0/25"),), (net("10.1.1.128/25"),)
    back = RouteMatch("route", a, _vpc_route("10.0.0.0/8", "tgw", TGW))
    odd = RouteMatch("ambiguous", a, reason="first")
    other = RouteMatch("unknown", b, reason="second")
    stateless = RouteMatch("route", b, _vpc_route("10.1.0.0/16", "tgw", TGW, "unknown"))
    lost = RouteMatch("no-route", b)
    assert _matches(odd, other) == Hop(
        HUB_PUBLIC_RTB, HopKind.ROUTE_TABLE, "unknown", "first", leg="return"
    )
    assert _matches(odd, stateless).reason == "first"
    assert _matches(stateless, odd).reason.startswith("route 10.1.0.0/16 -> ")
    vgw = RouteMatch("route", a, _vpc_route("10.0.0.0/8", "vgw", "vgw-1"))
    assert _matches(vgw, odd).reason.startswith(f"{HUB_PUBLIC_RTB} sends the reply to src to vgw-1")
    failed = _matches(odd, back, lost)
    assert (failed.status, failed.code) == ("fail", "RESPONSE_RTB_HAS_NO_ROUTE_TO_TRANSIT_GATEWAY")
    assert "has no route for 10.1.1.128/25" in failed.reason
    assert _matches(back, RouteMatch("route", b, None)).status == "fail"
    assert _matches(back).status == "pass"
    assert _matches().status == "pass"


# ---- peering_hops -----------------------------------------------------------------------


HUB_NAT_ENI = Peer((net("10.100.101.25/32"),), "10.100.101.25")


def _spoke_pcx_route(s: Snapshot) -> tuple[RouteTable, Route]:
    table = next(
        t
        for t in (s.route_tables or {}).values()
        if any(r.target_kind == "pcx" for r in t.routes) and t.vpc_id == SPOKE
    )
    return table, next(r for r in table.routes if r.target_kind == "pcx")


def _cross(
    s: Snapshot, peer: Peer = HUB_NAT_ENI, table: RouteTable | None = None
) -> tuple[tuple[Hop, ...], Crossed | None]:
    t, route = _spoke_pcx_route(s)
    judged = peering_hops(s, table or t, route, peer)
    return judged.hops, judged.next


def _with_pcx(s: Snapshot, **changes: Any) -> Snapshot:
    pcx = replace((s.vpc_peering_connections or {})[PCX], **changes)
    return replace(s, vpc_peering_connections={PCX: pcx})


def _side(s: Snapshot, which: str, **changes: Any) -> Snapshot:
    pcx = (s.vpc_peering_connections or {})[PCX]
    return _with_pcx(s, **{which: replace(getattr(pcx, which), **changes)})


def test_an_active_peering_carries_to_an_address_of_the_peer() -> None:
    s = peered()
    hops, crossed = _cross(s)
    assert hops == (
        Hop(
            PCX,
            HopKind.PEERING_CONNECTION,
            "pass",
            f"{PCX} is active and {EGRESS} holds 10.100.101.25",
        ),
    )
    assert crossed == Crossed(
        (s.vpc_peering_connections or {})[PCX], (s.vpcs or {})[EGRESS], HUB_NAT_ENI.networks
    )


def test_the_peering_is_crossed_from_the_accepter_side_too() -> None:
    s = peered()
    table = replace(_spoke_pcx_route(s)[0], id="rtb-0e9e550000000000ff", vpc_id=EGRESS)
    hops, crossed = _cross(s, Peer((net("10.1.1.10/32"),), "10.1.1.10"), table)
    assert (
        hops[0].status == "pass"
        and hops[0].reason == f"{PCX} is active and {SPOKE} holds 10.1.1.10"
    )
    assert crossed is not None and crossed.vpc.id == SPOKE


def test_the_part_of_a_wider_destination_inside_the_peer_is_what_crosses() -> None:
    s = _side(peered(), "accepter", cidrs=(net("10.100.0.0/17"), net("10.100.128.0/17")))
    hops, crossed = _cross(s, Peer((net("10.100.0.0/16"),), "the hub"))
    assert hops[0].status == "pass"
    assert crossed is not None and crossed.networks == (
        net("10.100.0.0/17"),
        net("10.100.128.0/17"),
    )


@pytest.mark.parametrize("status", ["pending-acceptance", "rejected", "deleted"])
def test_a_peering_that_is_not_active_blocks(status: str) -> None:
    hops, crossed = _cross(_with_pcx(peered(), status=status))
    assert crossed is None
    assert hops == (
        Hop(
            PCX,
            HopKind.PEERING_CONNECTION,
            "fail",
            f"{PCX} is {status}: only an active peering connection carries traffic",
            code="PCX_BAD_STATE",
            fix=f"{PCX} is {status}: only an active peering carries traffic (pending acceptance: "
            f"aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id {PCX}, in the "
            "accepter VPC's account; failed, expired, rejected or deleted: create it again)",
        ),
    )


def test_an_address_outside_the_peer_blocks_with_the_route_elsewhere_fix() -> None:
    s = peered()
    table, _ = _spoke_pcx_route(s)
    hops, crossed = _cross(s, Peer((net("10.100.0.0/15"),), "the far side"))
    assert crossed is None
    assert hops == (
        Hop(
            PCX,
            HopKind.PEERING_CONNECTION,
            "fail",
            f"10.101.0.0/16 (the far side) is outside {EGRESS}'s CIDR blocks (10.100.0.0/16): a "
            "peering connection carries only traffic to the peer VPC itself, never through its "
            "NAT gateway, internet gateway or gateway endpoint",
            code="PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",
            fix=f"10.101.0.0/16 is outside {EGRESS}'s CIDR blocks (10.100.0.0/16): route it in "
            f"{table.id} to a NAT gateway or endpoint of the source VPC, or through a transit "
            f"gateway, not to {PCX}",
        ),
    )
    # a named service is somewhere in its addresses: partly inside the peer is not known
    hops, _ = _cross(s, Peer((net("10.100.0.0/15"),), "ecr.api", approximate=True))
    assert hops == (
        Hop(
            PCX,
            HopKind.PEERING_CONNECTION,
            "unknown",
            f"ecr.api may be outside {EGRESS}'s CIDR blocks (10.100.0.0/16), which is all {PCX} "
            "carries",
        ),
    )
    # wholly outside is blocked even when approximate
    hops, _ = _cross(s, Peer((net("52.0.0.0/8"),), "ecr.api", approximate=True))
    assert (hops[0].status, hops[0].code) == ("fail", "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR")


def test_a_peer_with_several_cidr_blocks_names_them_all() -> None:
    s = _side(peered(), "accepter", cidrs=(net("10.100.0.0/16"), net("10.200.0.0/16")))
    hops, _ = _cross(s, Peer((net("10.150.0.0/16"),), "x"))
    assert "CIDR blocks (10.100.0.0/16, 10.200.0.0/16)" in hops[0].reason
    hops, crossed = _cross(s, Peer((net("10.200.1.0/24"),), "x"))
    assert crossed is not None and crossed.networks == (net("10.200.1.0/24"),)


def test_what_the_peering_rule_does_not_know_is_unknown() -> None:
    s = peered()

    def unknown(
        snapshot: Snapshot, reason: str, hop_id: str = PCX, table: RouteTable | None = None
    ) -> None:
        hops, crossed = _cross(snapshot, table=table)
        assert crossed is None
        assert hops[-1] == Hop(hop_id, hops[-1].kind, "unknown", reason)
        assert hops[-1].kind == (HopKind.VPC if hop_id != PCX else HopKind.PEERING_CONNECTION)

    unknown(replace(s, vpc_peering_connections=None), s.missing_reason("VpcPeeringConnections"))
    assert "VpcPeeringConnections" in s.missing_reason("VpcPeeringConnections")
    table, _ = _spoke_pcx_route(s)
    unknown(
        replace(s, vpc_peering_connections={}),
        f"{table.id} routes to {PCX}, which is not in VpcPeeringConnections",
    )
    unknown(
        _with_pcx(s, status="unknown"),
        f"the Status of {PCX} is not in the snapshot (VpcPeeringConnections)",
    )
    stranger = replace(table, vpc_id="vpc-0000000000000third")
    unknown(
        s,
        f"{table.id} of vpc-0000000000000third routes to {PCX}, which connects {SPOKE} and "
        f"{EGRESS}",
        table=stranger,
    )
    far = f"the far side of {PCX} (its VpcId, CidrBlockSet) is not in the snapshot"
    unknown(_side(s, "accepter", vpc_id=None), far)
    unknown(_side(s, "accepter", cidrs=()), far)
    unknown(
        _side(s, "accepter", region="us-east-1"),
        f"{PCX} leads to {EGRESS} in us-east-1: netgraph follows peering within the "
        "snapshot's Region (ap-northeast-1) only",
    )
    near = _side(s, "requester", region="us-east-1")
    hops, _ = _cross(near)
    assert (
        hops[0].status == "unknown"
        and "within the snapshot's Region (ap-northeast-1)" in hops[0].reason
    )
    assert _cross(_side(_side(s, "requester", region=None), "accepter", region=None))[1] is not None
    hops, crossed = _cross(replace(s, vpcs={}))
    assert crossed is None
    assert hops == (
        Hop(
            PCX,
            HopKind.PEERING_CONNECTION,
            "pass",
            f"{PCX} is active and {EGRESS} holds 10.100.101.25",
        ),
        Hop(
            EGRESS,
            HopKind.VPC,
            "unknown",
            f"{EGRESS}, the peer of {PCX}, is not in Vpcs (owned by {build.ACCOUNT} that was not "
            "collected?)",
        ),
    )
    hops, _ = _cross(replace(_side(s, "accepter", owner_id=None), vpcs=None))
    assert hops[-1].reason == (
        f"{EGRESS}, the peer of {PCX}, is not in Vpcs (owned by an account that was not collected?)"
    )


def test_peering_side_is_read_from_the_snapshot() -> None:
    pcx = (peered().vpc_peering_connections or {})[PCX]
    assert pcx.accepter == PeeringSide(
        EGRESS, build.ACCOUNT, "ap-northeast-1", (net(build.EGRESS_CIDR),)
    )


# ---- more of what the rules say, where a part of them was not pinned above ---------------


def test_an_entry_without_an_attachment_subnet_in_the_az_stops_at_the_attachment() -> None:
    s = _with_att(egress(), SPOKE_ATT, subnet_ids=(SPOKE_TGW_A,))
    hops, ent = _enter(s, SPOKE_C)
    assert ent is None
    assert hops[0] == Hop(TGW, HopKind.TRANSIT_GATEWAY, "pass", f"{TGW} is available")
    assert (hops[1].id, hops[1].status, hops[1].code) == (
        SPOKE_ATT,
        "fail",
        "TGW_ATTACH_VPC_AZ_RESTRICTION",
    )
    assert len(hops) == 2


def test_the_reply_legs_unknown_transit_gateway_routes_are_said_on_the_return_leg() -> None:
    src = (net("10.1.1.0/24"),)
    more = _table(more=True)
    (none,) = tgw_lookup(more, src, None)
    hop = return_route_hop(more, none, "10.1.1.0/24", SPOKE_ATT)
    assert (hop.status, hop.leg) == ("unknown", "return")
    assert "AdditionalRoutesAvailable" in hop.reason
    two = _table(_route("10.1.0.0/16", SPOKE_ATT, "tgw-attach-0000000000000other"))
    (match,) = tgw_lookup(two, src, None)
    hop = return_route_hop(two, match, "10.1.1.0/24", SPOKE_ATT)
    assert (hop.status, hop.leg) == ("unknown", "return")
    assert "netgraph follows one VPC attachment" in hop.reason


@pytest.mark.parametrize(
    ("state", "status", "code"),
    [("blackhole", "fail", "TGW_RTB_BAD_STATE_ROUTE"), ("pending", "unknown", None)],
)
def test_a_reply_route_that_does_not_pass_is_said_as_it_is_not_as_a_wrong_attachment(
    state: str, status: str, code: str | None
) -> None:
    """A blackhole or pending route back to another attachment is blamed for what it is."""
    table = _table(_route("10.1.0.0/16", "tgw-attach-0000000000000other", state=state))
    (match,) = tgw_lookup(table, (net("10.1.1.0/24"),), None)
    hop = return_route_hop(table, match, "10.1.1.0/24", SPOKE_ATT)
    assert (hop.status, hop.code, hop.leg) == (status, code, "return")
    assert hop.reason.startswith("route 10.1.0.0/16 in ")


def test_a_transit_gateway_route_to_a_prefix_list_not_in_the_snapshot_is_unknown() -> None:
    table = _table(_route(None, EGRESS_ATT, pl="pl-0000000000000gone"))
    assert _hop(table, leg="return") == Hop(
        RTB_SPOKES,
        RTB,
        "unknown",
        f"{RTB_SPOKES} routes to prefix list pl-0000000000000gone, whose entries are not in "
        "the snapshot (add PrefixLists or PrefixListEntries)",
        leg="return",
    )


def test_a_failing_part_of_a_reply_decides_after_one_not_known_or_routed_elsewhere() -> None:
    a, b = (net("10.1.1.0/25"),), (net("10.1.1.128/25"),)
    stateless = RouteMatch("route", a, _vpc_route("10.1.0.0/16", "tgw", TGW, "unknown"))
    vgw = RouteMatch("route", a, _vpc_route("10.0.0.0/8", "vgw", "vgw-1"))
    lost = RouteMatch("no-route", b)
    for first in (stateless, vgw):
        hop = _matches(first, lost)
        assert (hop.status, hop.code) == ("fail", "RESPONSE_RTB_HAS_NO_ROUTE_TO_TRANSIT_GATEWAY")
        assert "has no route for 10.1.1.128/25" in hop.reason


def test_an_attachment_whose_vpc_is_not_said_leads_to_no_vpc_even_one_with_an_empty_id() -> None:
    """Was a pass into the VPC whose VpcId is "" (the loader takes an empty id) when the
    attachment had neither ResourceId nor VpcId: absent data must stay unknown."""
    s = _with_att(egress(), EGRESS_ATT, resource_id=None)
    blank = replace((s.vpcs or {})[EGRESS], id="")
    s = replace(s, vpcs={**(s.vpcs or {}), "": blank})
    hops, ex = _exit(s)
    assert ex is None
    assert hops == (
        Hop(
            EGRESS_ATT,
            ATT,
            "unknown",
            f"{EGRESS_ATT} leads to None, which is not in Vpcs (owned by {build.ACCOUNT} that "
            "was not collected?)",
        ),
    )


def test_the_fork_of_an_unknown_referencing_names_the_resources_that_do_not_say() -> None:
    s = egress()
    atts = s.transit_gateway_attachments or {}
    tgw = replace((s.transit_gateways or {})[TGW], security_group_referencing=None)
    spoke = replace(atts[SPOKE_ATT], security_group_referencing=True)
    hub = replace(atts[EGRESS_ATT], security_group_referencing=None)
    assert referencing_unknown(tgw, spoke, hub) == Hop(
        TGW,
        HopKind.TRANSIT_GATEWAY,
        "pass",
        f"whether a security group can name one of another VPC across {TGW} is not known: "
        f"SecurityGroupReferencingSupport of {TGW}, {EGRESS_ATT} is not in the snapshot (add "
        "the Options of describe-transit-gateways and describe-transit-gateway-vpc-attachments)",
    )
    said = replace(tgw, security_group_referencing=True)
    assert f"SecurityGroupReferencingSupport of {EGRESS_ATT} is not" in (
        referencing_unknown(said, spoke, hub).reason
    )
    for on, state in ((True, "on"), (False, "off")):
        assert referencing_assumed(TGW, on) == Hop(
            TGW,
            HopKind.TRANSIT_GATEWAY,
            "pass",
            f"if security-group referencing is {state} across {TGW}",
            summary=f"security-group referencing is {state}",
        )
