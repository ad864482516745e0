"""Transit gateways: the attachment of a VPC and its subnet per Availability Zone, the route
table the arriving attachment is associated with, its longest-prefix match (static before
propagated), blackholes, and the attachment a route leads to (aws-semantics.md section 12.1).

https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html
https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from netgraph.evaluate.addresses import describe_networks
from netgraph.evaluate.routing import RouteMatch, lookup
from netgraph.hop import Hop, HopKind, Judged, Leg, blocking
from netgraph.model import (
    IPNetwork,
    PrefixList,
    Route,
    RouteTable,
    Snapshot,
    Subnet,
    TransitGateway,
    TransitGatewayAttachment,
    TransitGatewayRouteTable,
    Vpc,
)

# Attachments that carry traffic. `modifying` is a change of subnets or options of an
# attachment that stays in service.
_CARRYING = ("available", "modifying")
_ATT = HopKind.TRANSIT_GATEWAY_ATTACHMENT
_RTB = HopKind.TRANSIT_GATEWAY_ROUTE_TABLE


@dataclass(frozen=True)
class Entry:
    """Where a packet enters a transit gateway: the gateway, the VPC's attachment and that
    attachment's subnet in the source's Availability Zone."""

    tgw: TransitGateway
    attachment: TransitGatewayAttachment
    subnet: Subnet


@dataclass(frozen=True)
class Exit:
    """Where the transit gateway hands a packet to a VPC: the attachment, the VPC and the
    attachment subnets it may leave through (one: the entry's Availability Zone)."""

    attachment: TransitGatewayAttachment
    vpc: Vpc
    subnets: tuple[Subnet, ...]


def _attachment_state(att: TransitGatewayAttachment, leg: Leg) -> Hop | None:
    if att.state in _CARRYING:
        return None
    if att.state == "unknown":
        reason = f"the State of {att.id} is not in the snapshot (TransitGatewayAttachments)"
        return Hop(att.id, _ATT, "unknown", reason, leg=leg)
    hop = blocking(
        att.id,
        _ATT,
        f"{att.id} ({att.resource_type} {att.resource_id}) is {att.state}: it carries nothing",
        "TGW_ATTACH_BAD_STATE",
        attachment=att.id,
        state=att.state,
    )
    return replace(hop, leg=leg)


def vpc_attachment(snapshot: Snapshot, tgw_id: str, vpc_id: str) -> TransitGatewayAttachment | str:
    """The attachment of ``vpc_id`` to ``tgw_id``, or why it is not known."""
    atts = snapshot.transit_gateway_attachments
    if atts is None:
        return snapshot.missing_reason("TransitGatewayAttachments")
    found = _by_vpc(atts).get((tgw_id, vpc_id))
    if found is not None:
        return found
    return (
        f"no attachment of {vpc_id} to {tgw_id} is in the snapshot "
        "(TransitGatewayAttachments, TransitGatewayVpcAttachments)"
    )


# The attachments of each (transit gateway, VPC), indexed once per snapshot's mapping: a hub
# with 500 spokes asks for them per entry, and a scan of them each time was linear.
_BY_VPC: dict[
    int,
    tuple[
        Mapping[str, TransitGatewayAttachment],
        dict[tuple[str, str | None], TransitGatewayAttachment],
    ],
] = {}


def _by_vpc(
    atts: Mapping[str, TransitGatewayAttachment],
) -> dict[tuple[str, str | None], TransitGatewayAttachment]:
    cached = _BY_VPC.get(id(atts))
    if cached is not None and cached[0] is atts:
        return cached[1]
    index: dict[tuple[str, str | None], TransitGatewayAttachment] = {}
    for att in atts.values():
        # The first in the snapshot's order, as the linear search found it.
        index.setdefault((att.transit_gateway_id, att.resource_id), att)
    if len(_BY_VPC) > 64:
        _BY_VPC.clear()
    _BY_VPC[id(atts)] = (atts, index)
    return index


def entry(snapshot: Snapshot, table: RouteTable, route: Route, subnet: Subnet) -> Judged[Entry]:
    """The transit gateway ``route`` (in ``table``, the route table of ``subnet``) names:
    the gateway's state, the VPC's attachment, its state, and its subnet in ``subnet``'s
    Availability Zone, where the packet enters (else it is dropped at the attachment)."""
    tgw_id = route.target_id
    tgws = snapshot.transit_gateways
    if tgws is None:
        reason = snapshot.missing_reason("TransitGateways")
        return Judged((Hop(tgw_id, HopKind.TRANSIT_GATEWAY, "unknown", reason),))
    tgw = tgws.get(tgw_id)
    if tgw is None:
        reason = (
            f"{table.id} routes to {tgw_id}, which is not in TransitGateways (shared from an "
            "account that was not collected?)"
        )
        return Judged((Hop(tgw_id, HopKind.TRANSIT_GATEWAY, "unknown", reason),))
    if tgw.state == "unknown":
        reason = f"the State of {tgw_id} is not in the snapshot (TransitGateways)"
        return Judged((Hop(tgw_id, HopKind.TRANSIT_GATEWAY, "unknown", reason),))
    if tgw.state not in ("available", "modifying"):
        hop = blocking(
            table.id,
            HopKind.ROUTE_TABLE,
            f"route {route.destination_text} -> {tgw_id} leads to a transit gateway that "
            f"is {tgw.state}",
            "BAD_STATE_ROUTE",
            route=route.destination_text,
            table=table.id,
            target=tgw_id,
            state=tgw.state,
        )
        return Judged((hop,))
    passed = Hop(tgw_id, HopKind.TRANSIT_GATEWAY, "pass", f"{tgw_id} is {tgw.state}")
    att = vpc_attachment(snapshot, tgw_id, table.vpc_id)
    if isinstance(att, str):
        return Judged((passed, Hop(tgw_id, _ATT, "unknown", att)))
    bad = _attachment_state(att, "forward")
    if bad is not None:
        return Judged((passed, bad))
    where = entry_subnet(snapshot, att, subnet)
    if isinstance(where, Hop):
        return Judged((passed, where))
    hop = Hop(
        att.id,
        _ATT,
        "pass",
        f"{att.id} attaches {table.vpc_id} to {tgw_id} in {where.availability_zone} "
        f"through {where.id}",
    )
    return Judged((passed, hop), Entry(tgw, att, where))


def entry_subnet(snapshot: Snapshot, att: TransitGatewayAttachment, subnet: Subnet) -> Subnet | Hop:
    """The attachment's subnet in ``subnet``'s Availability Zone: a transit gateway takes
    traffic only from an AZ where its attachment has a subnet."""
    if att.subnet_ids is None:
        reason = (
            f"the subnets of {att.id} are not in the snapshot (TransitGatewayVpcAttachments): "
            f"whether it serves {subnet.availability_zone or 'the AZ of ' + subnet.id} is unknown"
        )
        return Hop(att.id, _ATT, "unknown", reason)
    az = subnet.availability_zone
    if az is None:
        reason = f"the AvailabilityZone of {subnet.id} is not in the snapshot (Subnets)"
        return Hop(att.id, _ATT, "unknown", reason)
    known = snapshot.subnets or {}
    unknown: list[str] = []
    for sid in att.subnet_ids:
        s = known.get(sid)
        if s is None or s.availability_zone is None:
            unknown.append(sid)
        elif s.availability_zone == az:
            return s
    if unknown:
        reason = (
            f"the Availability Zone of {', '.join(unknown)} (subnets of {att.id}) is not in "
            f"the snapshot (Subnets): whether {att.id} serves {az} is unknown"
        )
        return Hop(att.id, _ATT, "unknown", reason)
    return blocking(
        att.id,
        _ATT,
        f"{att.id} has no subnet in {az}, where {subnet.id} is: a transit gateway takes "
        "traffic only from Availability Zones where its attachment has a subnet",
        "TGW_ATTACH_VPC_AZ_RESTRICTION",
        attachment=att.id,
        vpc=subnet.vpc_id,
        az=az,
    )


def associated_table(
    snapshot: Snapshot, att: TransitGatewayAttachment, leg: Leg
) -> TransitGatewayRouteTable | Hop:
    """The route table that routes packets arriving from ``att``, with its routes; or the
    hop that says why there is none, or why it is not known."""
    if not att.association_collected:
        reason = (
            f"what {att.id} is associated with is not in the snapshot "
            "(TransitGatewayAttachments: Association)"
        )
        return Hop(att.id, _ATT, "unknown", reason, leg=leg)
    if att.route_table_id is None:
        hop = blocking(
            att.id,
            _ATT,
            f"{att.id} is associated with no route table of {att.transit_gateway_id}: "
            "packets arriving from it are not routed",
            "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION",
            attachment=att.id,
            tgw=att.transit_gateway_id,
        )
        return replace(hop, leg=leg)
    rt_id = att.route_table_id
    if att.association_state in ("associating", "unknown", None):
        reason = (
            f"the association of {att.id} with {rt_id} is {att.association_state or 'not known'}"
        )
        return Hop(att.id, _ATT, "unknown", reason, leg=leg)
    if att.association_state != "associated":
        hop = blocking(
            att.id,
            _ATT,
            f"the association of {att.id} with {rt_id} is {att.association_state}",
            "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION",
            attachment=att.id,
            tgw=att.transit_gateway_id,
        )
        return replace(hop, leg=leg)
    tables = snapshot.transit_gateway_route_tables
    if tables is None:
        reason = snapshot.missing_reason("TransitGatewayRouteTableRoutes")
        return Hop(rt_id, _RTB, "unknown", reason, leg=leg)
    table = tables.get(rt_id)
    if table is None or table.routes is None:
        reason = (
            f"the routes of {rt_id} are not in the snapshot (TransitGatewayRouteTableRoutes; "
            "a transit gateway's route tables are visible only to its owner account)"
        )
        return Hop(rt_id, _RTB, "unknown", reason, leg=leg)
    return table


# The shared longest-prefix match (evaluate/routing.py) ranks, at equal length, static over
# prefix-list over propagated routes: a transit gateway's order too. A TGW route table is put
# in the shape of a VPC one (no `local` route) once per table.
_AS_VPC_TABLE: dict[str, tuple[TransitGatewayRouteTable, RouteTable]] = {}


def _as_route_table(table: TransitGatewayRouteTable) -> RouteTable:
    cached = _AS_VPC_TABLE.get(table.id)
    if cached is not None and cached[0] is table:
        return cached[1]
    routes = tuple(
        Route(
            destination=r.destination,
            prefix_list_id=r.prefix_list_id,
            target_kind="other",
            target_id=",".join(r.attachment_ids),
            state=r.state,
            origin="EnableVgwRoutePropagation" if r.type == "propagated" else "CreateRoute",
        )
        for r in table.routes or ()
    )
    shaped = RouteTable(table.id, table.transit_gateway_id or "", routes, (), False)
    if len(_AS_VPC_TABLE) > 10_000:
        _AS_VPC_TABLE.clear()
    _AS_VPC_TABLE[table.id] = (table, shaped)
    return shaped


def tgw_lookup(
    table: TransitGatewayRouteTable,
    destination: tuple[IPNetwork, ...],
    prefix_lists: Mapping[str, PrefixList] | None,
) -> list[RouteMatch]:
    """Longest-prefix match of ``destination`` in a transit gateway route table."""
    return lookup(_as_route_table(table), destination, prefix_lists)


def route_hop(
    table: TransitGatewayRouteTable,
    match: RouteMatch,
    label: str,
    leg: Leg,
    *,
    attachment_hint: str,
) -> Hop:
    """The transit gateway route table's hop for the part of a destination ``match``
    carries; it passes only on an active route to one attachment.
    ``attachment_hint``: the attachment a missing route should lead to, for the fix."""
    nets = describe_networks(match.networks)
    if match.status == "no-route":
        if table.additional_routes_available:
            reason = (
                f"no listed route of {table.id} matches {label}, and the snapshot says more "
                "routes exist (AdditionalRoutesAvailable: the API returns at most 1,000)"
            )
            return Hop(table.id, _RTB, "unknown", reason, leg=leg)
        hop = blocking(
            table.id,
            _RTB,
            f"{table.id} has no route for {label}",
            "TGW_RTB_CANNOT_ROUTE",
            table=table.id,
            destination=nets,
            attachment=attachment_hint,
        )
        return replace(hop, leg=leg)
    if match.status != "route" or match.route is None:
        return Hop(table.id, _RTB, "unknown", match.reason, leg=leg)
    route = match.route
    kind = "propagated" if route.propagated else "static"
    if route.state == "blackhole":
        hop = blocking(
            table.id,
            _RTB,
            f"route {route.destination_text} in {table.id} is a blackhole ({kind}): it drops "
            f"{label}",
            "TGW_RTB_BAD_STATE_ROUTE",
            table=table.id,
            route=route.destination_text,
            attachment=route.target_id or attachment_hint,
        )
        return replace(hop, leg=leg)
    if route.state != "active":
        reason = f"route {route.destination_text} in {table.id} is {route.state}"
        return Hop(table.id, _RTB, "unknown", reason, leg=leg)
    if "," in route.target_id or not route.target_id:
        reason = (
            f"route {route.destination_text} in {table.id} leads to "
            f"{route.target_id or 'no attachment'}: netgraph follows one VPC attachment"
        )
        return Hop(table.id, _RTB, "unknown", reason, leg=leg)
    return Hop(
        table.id,
        _RTB,
        "pass",
        f"{label} takes {kind} route {route.destination_text} -> {route.target_id}",
        leg=leg,
    )


def exit_to(snapshot: Snapshot, attachment_id: str, az: str | None) -> Judged[Exit]:
    """The attachment a transit gateway route leads to, the VPC behind it and the subnets
    the packet may leave through: the one in ``az`` when the attachment has one (the
    transit gateway keeps a flow in its Availability Zone), else any of them."""
    atts = snapshot.transit_gateway_attachments or {}
    att = atts.get(attachment_id)
    if att is None:
        reason = f"{attachment_id} is not in the snapshot (TransitGatewayAttachments)"
        return Judged((Hop(attachment_id, _ATT, "unknown", reason),))
    if att.resource_type != "vpc":
        reason = (
            f"{att.id} leads to a {att.resource_type} ({att.resource_id}); netgraph follows "
            "transit gateway attachments of VPCs only"
        )
        return Judged((Hop(att.id, _ATT, "unknown", reason),))
    bad = _attachment_state(att, "forward")
    if bad is not None:
        return Judged((bad,))
    # No ResourceId (nor VpcId) in the snapshot: not known, whatever VPC an empty id names.
    vpc = None if att.resource_id is None else (snapshot.vpcs or {}).get(att.resource_id)
    if vpc is None:
        reason = (
            f"{att.id} leads to {att.resource_id}, which is not in Vpcs (owned by "
            f"{att.resource_owner_id or 'an account'} that was not collected?)"
        )
        return Judged((Hop(att.id, _ATT, "unknown", reason),))
    if att.subnet_ids is None:
        reason = f"the subnets of {att.id} are not in the snapshot (TransitGatewayVpcAttachments)"
        return Judged((Hop(att.id, _ATT, "unknown", reason),))
    known = snapshot.subnets or {}
    subnets = [known.get(s) for s in att.subnet_ids]
    missing = [sid for sid, s in zip(att.subnet_ids, subnets, strict=True) if s is None]
    if missing or not subnets:
        reason = (
            f"the subnets {', '.join(missing)} of {att.id} are not in Subnets"
            if missing
            else f"{att.id} lists no subnet"
        )
        return Judged((Hop(att.id, _ATT, "unknown", reason),))
    found = tuple(s for s in subnets if s is not None)
    same = tuple(s for s in found if az is not None and s.availability_zone == az)
    leave = same or found
    # Appliance mode changes which attachment ENI a flow uses, not whether a route exists:
    # said, not judged (a stateful appliance on an asymmetric path is not verified).
    if att.appliance_mode:
        note = "; appliance mode is on: the flow keeps one AZ of it both ways"
    elif not same:
        note = (
            "; appliance mode is off: the reply may enter another AZ (a stateful appliance "
            "on this path is not verified)"
        )
    else:
        note = ""
    hop = Hop(
        att.id,
        _ATT,
        "pass",
        f"{att.id} delivers into {vpc.id} through {', '.join(s.id for s in leave)}{note}",
    )
    return Judged((hop,), Exit(att, vpc, leave))


def return_route_hop(
    table: TransitGatewayRouteTable, match: RouteMatch, label: str, source_attachment: str
) -> Hop:
    """The reply's transit gateway route (the table of the far attachment): it must lead to
    the attachment the request came from."""
    hop = route_hop(table, match, label, "return", attachment_hint=source_attachment)
    if hop.status != "pass" or match.route is None:
        return hop
    if match.route.target_id != source_attachment:
        return blocking(
            table.id,
            _RTB,
            f"{table.id} sends the reply to {label} to {match.route.target_id}, not to "
            f"{source_attachment}, the attachment the request came from",
            "TGW_RTB_CANNOT_ROUTE",
            table=table.id,
            destination=describe_networks(match.networks),
            attachment=source_attachment,
        )
    return hop


def security_groups_reference_across(
    tgw: TransitGateway, *attachments: TransitGatewayAttachment
) -> bool | None:
    """Can a security group of one attached VPC name one of another? Only with
    SecurityGroupReferencingSupport on the transit gateway and both attachments; None when
    none of them says it is off and one of them does not say (the option is not in the
    snapshot)."""
    said = [tgw.security_group_referencing, *(a.security_group_referencing for a in attachments)]
    if False in said:
        return False
    return None if None in said else True


def referencing_unknown(tgw: TransitGateway, *attachments: TransitGatewayAttachment) -> Hop:
    """The fork of a crossing whose security-group referencing is not known: the far side's
    groups may or may not name the source's, and the snapshot cannot say which."""
    silent = [tgw.id] if tgw.security_group_referencing is None else []
    silent += [a.id for a in attachments if a.security_group_referencing is None]
    return Hop(
        tgw.id,
        HopKind.TRANSIT_GATEWAY,
        "pass",
        f"whether a security group can name one of another VPC across {tgw.id} is not "
        f"known: SecurityGroupReferencingSupport of {', '.join(silent)} is not in the "
        "snapshot (add the Options of describe-transit-gateways and "
        "describe-transit-gateway-vpc-attachments)",
    )


def referencing_assumed(tgw_id: str, on: bool) -> Hop:
    """One side of ``referencing_unknown``'s fork."""
    state = "on" if on else "off"
    return Hop(
        tgw_id,
        HopKind.TRANSIT_GATEWAY,
        "pass",
        f"if security-group referencing is {state} across {tgw_id}",
        summary=f"security-group referencing is {state}",
    )


def reply_route_hop(
    table: RouteTable,
    matches: list[RouteMatch],
    replier: Subnet,
    gateway: str,
    label: str,
    destination: str,
) -> Hop:
    """The far side's route back: the route table of the subnet the reply leaves from must
    send the source's addresses to ``gateway`` (the transit gateway or peering the request
    came through). Both directions are routed independently; a default route to an internet
    gateway does not bring a reply to a private address back."""
    peering = gateway.startswith("pcx-")
    code = (
        "RESPONSE_RTB_HAS_NO_ROUTE_TO_PEERING"
        if peering
        else "RESPONSE_RTB_HAS_NO_ROUTE_TO_TRANSIT_GATEWAY"
    )
    fields: dict[str, object] = {
        "table": table.id,
        "subnet": replier.id,
        "destination": destination,
        "pcx" if peering else "tgw": gateway,
    }
    unknown: Hop | None = None
    for m in matches:
        route = m.route
        if m.status in ("unknown", "ambiguous"):
            unknown = unknown or Hop(
                table.id, HopKind.ROUTE_TABLE, "unknown", m.reason, leg="return"
            )
            continue
        if m.status == "no-route" or route is None:
            found = "no route"
        elif route.state == "unknown":
            reason = (
                f"route {route.destination_text} -> {route.target_id} of {table.id} has no "
                "State in the snapshot (RouteTables): it may be a blackhole"
            )
            unknown = unknown or Hop(table.id, HopKind.ROUTE_TABLE, "unknown", reason, leg="return")
            continue
        elif route.state == "blackhole":
            found = f"a blackhole route {route.destination_text} -> {route.target_id}"
        elif route.target_id == gateway:
            continue
        elif route.target_kind in ("local", "igw", "nat", "gateway-endpoint", "eigw"):
            found = f"route {route.destination_text} -> {route.target_id}"
        else:
            reason = (
                f"{table.id} sends the reply to {label} to {route.target_id}, not back to "
                f"{gateway}; netgraph does not follow a reply by another way"
            )
            unknown = unknown or Hop(table.id, HopKind.ROUTE_TABLE, "unknown", reason, leg="return")
            continue
        hop = blocking(
            table.id,
            HopKind.ROUTE_TABLE,
            f"the reply to {label} leaves {replier.id}, whose route table {table.id} has "
            f"{found} for {describe_networks(m.networks)}, not a route to {gateway}",
            code,
            **fields,
        )
        return replace(hop, leg="return")
    if unknown is not None:
        return unknown
    return Hop(
        table.id,
        HopKind.ROUTE_TABLE,
        "pass",
        f"the reply to {label} takes a route back to {gateway}",
        leg="return",
    )
