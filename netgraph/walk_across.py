"""The route targets that lead out of the VPC: transit gateways and peering connections
(aws-semantics.md section 12.6), listed in ``graph.ROUTE_TARGETS`` with the others
(``walk_targets.py``).

The packet enters the far VPC through the transit gateway attachment's subnet in its
Availability Zone, or across the peering; the far VPC's route table leads on (to the
destination's ENIs, or to a NAT gateway and its internet gateway), and the reply is routed
on its own, back through the far side's route table and the transit gateway or peering.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Literal

from netgraph.evaluate.addresses import (
    EPHEMERAL_LINUX,
    Peer,
    describe_networks,
    within,
)
from netgraph.evaluate.nat_gateway import nat_gateway_hops, nat_subnet_route
from netgraph.evaluate.peering import peering_hops
from netgraph.evaluate.routing import RouteMatch, lookup, route_hop, route_table_for_subnet
from netgraph.evaluate.security_groups import groups_by_id
from netgraph.evaluate.transit_gateway import (
    Entry,
    Exit,
    associated_table,
    entry,
    exit_to,
    referencing_assumed,
    referencing_unknown,
    reply_route_hop,
    return_route_hop,
    security_groups_reference_across,
    tgw_lookup,
    vpc_attachment,
)
from netgraph.evaluate.transit_gateway import route_hop as tgw_route_hop
from netgraph.hop import FarSide, Hop, HopKind, Judged, Leg
from netgraph.model import (
    Route,
    RouteTable,
    SecurityGroup,
    Snapshot,
    Subnet,
    TransitGatewayAttachment,
    TransitGatewayRouteTable,
    Vpc,
)
from netgraph.walk_targets import arrival_steps, nat_out_steps, nowhere, unfollowable

if TYPE_CHECKING:
    # Only for annotations: graph.py imports this module for its dispatch table.
    from netgraph.graph import Step, Walk


@dataclass(frozen=True)
class Crossing:
    """How a packet left the source VPC: what the way into the far VPC and the reply's way
    back depend on. ``exit_subnet``: the far VPC's attachment subnet it arrives through
    (transit gateway only); ``groups_across``: the far side's security groups may name the
    source's (a same-Region peering; a transit gateway with security-group referencing)."""

    kind: Literal["tgw", "pcx"]
    gateway: str
    vpc: Vpc
    entry: Entry | None = None
    exit: TransitGatewayAttachment | None = None
    exit_subnet: Subnet | None = None
    groups_across: bool | None = False  # None: not known (the option is not in the snapshot)


def _attachment_side(subnet: Subnet) -> str:
    return f"{subnet.id} (transit gateway attachment subnet)"


def to_transit_gateway(
    w: Walk,
    node: int,
    table: RouteTable,
    route: Route,
    peer: Peer,
    terminal: Hop,
    far: FarSide | None,
) -> None:
    """Into the transit gateway through the VPC's attachment subnet in the source's AZ, by
    the route table associated with that attachment, out of the attachment it leads to."""
    snap = w.snapshot
    assert w.subnet is not None
    if (
        snap.transit_gateways is None
        and snap.transit_gateway_attachments is None
        and snap.transit_gateway_route_tables is None
    ):
        # A snapshot without any transit gateway key reads as it always did.
        unfollowable(w, node, table, route, peer, terminal, far)
        return
    # Every source of a subnet meets the same entry, whatever the destination.
    at = (route.target_id, route.destination, route.prefix_list_id, w.subnet.id)
    judged = w.memo(
        ("tgw-entry", table.id, *at),
        entry,
        snap,
        table,
        route,
        w.subnet,
    )
    for hop in judged.hops:
        node = w.add(node, hop)
    if judged.next is None:
        return
    ent = judged.next
    if ent.subnet.id != w.subnet.id:
        # From the VPC to the TGW: the attachment subnet's inbound rules, on the source.
        after = w.acl_hop(
            node,
            ent.subnet,
            egress=False,
            ports=None,
            peer=w.src_peer,
            far_label=_attachment_side(ent.subnet),
        )
        if after is None:
            return
        node = after
    rt = w.memo(("tgw-associated", ent.attachment.id, "forward"), _associated, snap, ent, "forward")
    if isinstance(rt, Hop):
        w.add(node, rt)
        return
    hint = "<the attachment of the VPC that holds it>"
    if far is not None:
        held = w.memo(
            ("tgw-vpc-attachment", ent.tgw.id, far.subnet.vpc_id),
            vpc_attachment,
            snap,
            ent.tgw.id,
            far.subnet.vpc_id,
        )
        if not isinstance(held, str):
            hint = held.id
    # The spokes of one transit gateway route table share the hub side: its route to the
    # destination and the attachment it leaves by (per AZ), looked up and worded once.
    az = ent.subnet.availability_zone
    ways = w.memo(
        ("tgw-forward", rt.id, w.netkey(peer.networks), peer.label, hint, az),
        _tgw_forward,
        w,
        rt,
        peer,
        hint,
        az,
    )
    for match, hop, out in ways:
        part = replace(peer, networks=match.networks) if len(ways) > 1 else peer
        n = w.add(node, hop)
        if out is None:
            continue
        for h in out.hops:
            n = w.add(n, h)
        if out.next is None:
            continue
        ex = out.next
        across = security_groups_reference_across(ent.tgw, ent.attachment, ex.attachment)
        if len(ex.subnets) == 1:
            crossing = Crossing(
                "tgw", ent.tgw.id, ex.vpc, ent, ex.attachment, ex.subnets[0], across
            )
            _into_far_vpc(w, n, crossing, part, terminal, far)
            continue
        base = Crossing("tgw", ent.tgw.id, ex.vpc, ent, ex.attachment, None, across)
        # No attachment subnet in the entry's AZ: the transit gateway picks one of the
        # others, and the snapshot cannot say which.
        choice = w.add(
            n,
            Hop(
                ex.attachment.id,
                HopKind.TRANSIT_GATEWAY_ATTACHMENT,
                "pass",
                f"{ex.attachment.id} has no subnet in {ent.subnet.availability_zone}: the "
                f"transit gateway leaves through one of {', '.join(s.id for s in ex.subnets)}",
            ),
            combine="any",
        )
        for s in ex.subnets:
            branch = w.add(
                choice,
                Hop(
                    s.id,
                    HopKind.SUBNET,
                    "pass",
                    f"into {ex.vpc.id} through {s.id} ({s.availability_zone})",
                    summary=f"it enters {ex.vpc.id} through {s.id}",
                ),
            )
            _into_far_vpc(w, branch, replace(base, exit_subnet=s), part, terminal, far)


def _associated(snap: Snapshot, ent: Entry, leg: Leg) -> TransitGatewayRouteTable | Hop:
    return associated_table(snap, ent.attachment, leg)


def _tgw_forward(
    w: Walk, rt: TransitGatewayRouteTable, peer: Peer, hint: str, az: str | None
) -> tuple[tuple[RouteMatch, Hop, Judged[Exit] | None], ...]:
    """``to_transit_gateway``'s memo miss: each part of the destination with its route's
    hop and, where that passes, the attachment it leaves by (``exit_to``)."""
    matches = w.memo(
        ("tgw-route", rt.id, w.netkey(peer.networks)),
        tgw_lookup,
        rt,
        peer.networks,
        w.snapshot.prefix_lists,
    )
    ways = []
    for match in matches:
        # Every part is worded with the whole destination's label (see forward()).
        hop = tgw_route_hop(rt, match, peer.label, "forward", attachment_hint=hint)
        out = None
        if hop.status == "pass" and match.route is not None:
            out = exit_to(w.snapshot, match.route.target_id, az)
        ways.append((match, hop, out))
    return tuple(ways)


def to_peering(
    w: Walk,
    node: int,
    table: RouteTable,
    route: Route,
    peer: Peer,
    terminal: Hop,
    far: FarSide | None,
) -> None:
    """Across an active peering, to an address of the peer VPC itself."""
    if w.snapshot.vpc_peering_connections is None:
        # A snapshot without VpcPeeringConnections reads as it always did.
        unfollowable(w, node, table, route, peer, terminal, far)
        return
    judged = peering_hops(w.snapshot, table, route, peer)
    for hop in judged.hops:
        node = w.add(node, hop)
    if judged.next is None:
        return
    crossed = judged.next
    part = peer if crossed.networks == peer.networks else replace(peer, networks=crossed.networks)
    crossing = Crossing("pcx", crossed.pcx.id, crossed.vpc, groups_across=True)
    _far_local(w, node, crossing, part, terminal, far)


def _into_far_vpc(
    w: Walk,
    node: int,
    crossing: Crossing,
    part: Peer,
    terminal: Hop,
    far: FarSide | None,
) -> None:
    """Out of the transit gateway into the far VPC: the attachment subnet's route table
    routes the packet on."""
    snap = w.snapshot
    x = crossing.exit_subnet
    assert x is not None and w.vpc is not None
    choice = route_table_for_subnet(snap, x)
    if choice.table is None:
        w.add(node, Hop(x.id, HopKind.ROUTE_TABLE, "unknown", choice.reason))
        return
    xt = choice.table
    # Every source that crosses into this subnet for this destination: worded once.
    ways = w.memo(
        ("far-route", xt.id, w.netkey(part.networks), part.prefix_list_id, part.label),
        _far_routes,
        w,
        xt,
        part,
    )
    for match, hop in ways:
        sub = replace(part, networks=match.networks) if len(ways) > 1 else part
        n = w.add(node, hop)
        route = match.route
        if hop.status != "pass" or route is None:
            continue
        kind = route.target_kind
        if kind == "local":
            _far_local(w, n, crossing, sub, terminal, far)
        elif kind == "nat":
            _far_nat(w, n, crossing, xt, route, sub, terminal)
        elif kind == "igw":
            w.block(
                n,
                route.target_id,
                HopKind.INTERNET_GATEWAY,
                f"{xt.id} sends {sub.label}, arriving from {crossing.gateway}, straight to "
                f"{route.target_id}: an internet gateway translates only the addresses of "
                f"public ENIs of {crossing.vpc.id}, so it drops this",
                "TGW_IGW_REQUIRES_NAT",
                destination=describe_networks(sub.networks),
                table=xt.id,
                subnet=x.id,
                igw=route.target_id,
            )
        elif kind == "gateway-endpoint":
            w.block(
                n,
                route.target_id,
                HopKind.GATEWAY_ENDPOINT,
                f"{route.target_id} is a gateway endpoint of {crossing.vpc.id}: it serves "
                f"only its own VPC, not traffic arriving from {crossing.gateway}",
                "VPCE_GATEWAY_NOT_ACROSS_VPC",
                vpc=w.vpc.id,
            )
        else:
            w.add(
                n,
                Hop(
                    route.target_id,
                    HopKind(kind),
                    "unknown",
                    f"{xt.id} sends {sub.label}, arriving from {crossing.gateway}, on to "
                    f"{route.target_id}; netgraph does not follow a second way out of "
                    f"{crossing.vpc.id}",
                ),
            )


def _far_routes(w: Walk, xt: RouteTable, part: Peer) -> tuple[tuple[RouteMatch, Hop], ...]:
    """``_into_far_vpc``'s memo miss: each part of the destination and its route's hop."""
    matches = w.memo(
        ("route", xt.id, w.netkey(part.networks), part.prefix_list_id, frozenset()),
        lambda: lookup(
            xt, part.networks, w.snapshot.prefix_lists, destination_prefix_list=part.prefix_list_id
        ),
    )
    # Every part is worded with the whole destination's label, as the walk always did.
    return tuple((m, route_hop(xt, m, part.label, None)) for m in matches)


def _far_groups(w: Walk, far: FarSide, across: bool) -> list[SecurityGroup] | str:
    groups = far.groups_unknown or groups_by_id(w.snapshot, far.group_ids or ())
    if across and not isinstance(groups, str):
        # A rule that names the source's group by id admits it across this connection:
        # the groups are judged as if they could name a group of any VPC.
        groups = [replace(g, vpc_id=None) for g in groups]
    return groups


def _names_other_groups(w: Walk, groups: list[SecurityGroup] | str) -> bool:
    """Whether an inbound rule of ``groups`` names a group that is not known to be of their
    own VPC: only then can referencing across the crossing change what they admit."""
    if isinstance(groups, str):
        return False
    known = w.snapshot.security_groups or {}
    return any(
        rule.peer_kind == "group"
        and (rule.group_id not in known or known[str(rule.group_id)].vpc_id != g.vpc_id)
        for g in groups
        for rule in g.ingress
    )


def _far_local(
    w: Walk,
    node: int,
    crossing: Crossing,
    part: Peer,
    terminal: Hop,
    far: FarSide | None,
) -> None:
    """In the far VPC, to the destination ENI: its subnet's NACL and its security groups,
    and the reply's way back."""
    if far is None or far.subnet.vpc_id != crossing.vpc.id:
        nowhere(w, node, crossing.vpc, part)
        return
    x = crossing.exit_subnet
    # From the TGW into the VPC: the attachment subnet's outbound rules and the destination
    # subnet's inbound rules; neither when they are one subnet.
    together = x is not None and x.id == far.subnet.id
    steps: list[Step] = []
    if x is not None and not together:
        steps.append(
            lambda n: w.acl_hop(
                n, x, egress=True, ports=None, peer=part, far_label=_attachment_side(x)
            )
        )

    def rest(across: bool) -> list[Step]:
        groups = _far_groups(w, far, across) if far.group_ids is not None else None
        return [
            *arrival_steps(w, far, groups, through_nacl=not together),
            *_way_back(w, crossing, far.subnet, far.peer),
            lambda n: w.add(n, far.terminal),
        ]

    if crossing.groups_across is not None or far.group_ids is None:
        w.chain(node, [*steps, *rest(bool(crossing.groups_across))])
        return
    at = w.chain(node, steps)
    if at is None:
        return
    if not _names_other_groups(w, _far_groups(w, far, False)):
        w.chain(at, rest(False))
        return
    # The far groups name groups of other VPCs, and whether they may name the source's is
    # not known: either may happen, and the verdict is certain only if both agree.
    assert crossing.entry is not None and crossing.exit is not None
    fork = w.add(
        at,
        referencing_unknown(crossing.entry.tgw, crossing.entry.attachment, crossing.exit),
        combine="any",
    )
    for across in (True, False):
        side = w.add(fork, referencing_assumed(crossing.gateway, across))
        w.chain(side, rest(across))


def _far_nat(
    w: Walk,
    node: int,
    crossing: Crossing,
    table: RouteTable,
    route: Route,
    part: Peer,
    terminal: Hop,
) -> None:
    """A NAT gateway in the far VPC (centralised egress): into its subnet, out by its
    subnet's route to an internet gateway, and the reply back through the crossing."""
    snap = w.snapshot
    x = crossing.exit_subnet
    assert x is not None
    judged = nat_gateway_hops(snap, table, route, part)
    for hop in judged.hops:
        node = w.add(node, hop)
    if judged.next is None:
        return
    nat, nat_subnet = judged.next
    side = f"{nat_subnet.id} (NAT gateway side)"
    cur: int | None = node
    if nat_subnet.id != x.id:
        cur = w.chain(
            node,
            [
                lambda n: w.acl_hop(
                    n, x, egress=True, ports=None, peer=part, far_label=_attachment_side(x)
                ),
                lambda n: w.acl_hop(
                    n, nat_subnet, egress=False, ports=None, peer=w.src_peer, far_label=side
                ),
            ],
        )
    if cur is None:
        return
    choice = route_table_for_subnet(snap, nat_subnet)
    if choice.table is None:
        w.add(cur, Hop(nat_subnet.id, HopKind.ROUTE_TABLE, "unknown", choice.reason))
        return
    nat_table = choice.table
    prefix_lists = snap.prefix_lists
    nat_matches = w.memo(
        ("route", nat_table.id, w.netkey(part.networks), None, frozenset()),
        lambda: lookup(nat_table, part.networks, prefix_lists),
    )
    for match in nat_matches:
        sub = replace(part, networks=match.networks)
        hop = nat_subnet_route(nat.id, nat_subnet, nat_table, match, sub)
        if hop.status != "pass" or match.route is None:
            w.add(cur, hop)
            continue
        _far_nat_out(
            w, cur, hop, crossing, nat.id, nat_subnet, nat_table, match.route, sub, terminal
        )


def _far_nat_out(
    w: Walk,
    parent: int,
    passed: Hop,
    crossing: Crossing,
    nat_id: str,
    nat_subnet: Subnet,
    nat_table: RouteTable,
    route: Route,
    part: Peer,
    terminal: Hop,
) -> None:
    steps = [
        *nat_out_steps(w, passed, nat_id, nat_subnet, nat_table, route, part),
        *_way_back(w, crossing, nat_subnet, part),
        lambda n: w.add(n, terminal),
    ]
    w.chain(parent, steps)


def _way_back(w: Walk, crossing: Crossing, replier: Subnet, reply_from: Peer) -> list[Step]:
    """The reply, from ``replier`` (the destination's or the NAT gateway's subnet) with the
    source address ``reply_from``: out of that subnet, by its route table back to the
    crossing (routed on its own: a missing route back is blamed on that table), through the
    transit gateway's table of the far attachment, into the source subnet."""
    assert w.subnet is not None
    subnet = w.subnet
    x = crossing.exit_subnet
    steps: list[Step] = [
        lambda n: w.acl_hop(
            n,
            replier,
            egress=True,
            ports=EPHEMERAL_LINUX,
            peer=w.src_peer,
            leg="return",
            far_label=f"{replier.id} (reply side)",
        ),
        lambda n: _reply_route(w, n, crossing, replier),
    ]
    if crossing.kind == "pcx" or x is None or crossing.entry is None:
        steps.append(
            lambda n: w.acl_hop(
                n, subnet, egress=False, ports=EPHEMERAL_LINUX, peer=reply_from, leg="return"
            )
        )
        return steps
    if x.id != replier.id:
        steps.append(
            lambda n: w.acl_hop(
                n,
                x,
                egress=False,
                ports=EPHEMERAL_LINUX,
                peer=reply_from,
                leg="return",
                far_label=_attachment_side(x),
            )
        )
    steps.append(lambda n: _tgw_reply(w, n, crossing))
    ent = crossing.entry.subnet
    if ent.id != subnet.id:
        # Into the source VPC from the TGW: the attachment subnet's outbound rules and the
        # source subnet's inbound rules; neither when they are one subnet.
        steps += [
            lambda n: w.acl_hop(
                n,
                ent,
                egress=True,
                ports=EPHEMERAL_LINUX,
                peer=w.src_peer,
                leg="return",
                far_label=_attachment_side(ent),
            ),
            lambda n: w.acl_hop(
                n, subnet, egress=False, ports=EPHEMERAL_LINUX, peer=reply_from, leg="return"
            ),
        ]
    return steps


def _reply_route(w: Walk, node: int, crossing: Crossing, replier: Subnet) -> int | None:
    assert w.vpc is not None
    src = w.src_peer
    # The sources of one subnet (one source address) get the same reply from a replier.
    back = (w.netkey(src.networks), src.label, w.vpc.id)
    hop = w.memo(
        ("reply-route", replier.id, crossing.gateway, *back),
        _reply_route_hop,
        w,
        crossing.gateway,
        replier,
    )
    added = w.add(node, hop)
    return None if hop.status == "fail" else added


def _reply_route_hop(w: Walk, gateway: str, replier: Subnet) -> Hop:
    """``_reply_route``'s memo miss."""
    snap = w.snapshot
    choice = route_table_for_subnet(snap, replier)
    if choice.table is None:
        return Hop(replier.id, HopKind.ROUTE_TABLE, "unknown", choice.reason, leg="return")
    table = choice.table
    src = w.src_peer
    matches = w.memo(
        ("route", table.id, w.netkey(src.networks), None, frozenset()),
        lambda: lookup(table, src.networks, snap.prefix_lists),
    )
    # The fix routes the source's whole VPC back, as a hub routes its spokes.
    assert w.vpc is not None
    whole = [c for c in w.vpc.cidrs if all(within(n, c) for n in src.networks)]
    back_to = str(whole[0]) if whole else describe_networks(src.networks)
    return reply_route_hop(table, matches, replier, gateway, src.label, back_to)


def _tgw_reply(w: Walk, node: int, crossing: Crossing) -> int | None:
    """The reply in the transit gateway: the route table associated with the far
    attachment must send the source's addresses to the source's attachment."""
    assert crossing.exit is not None and crossing.entry is not None
    src = w.src_peer
    # The spokes' replies through one far attachment: one look-up per source address.
    key = ("tgw-reply", crossing.exit.id, w.netkey(src.networks), src.label)
    hop = w.memo((*key, crossing.entry.attachment.id), _tgw_reply_hop, w, crossing)
    added = w.add(node, hop)
    return None if hop.status == "fail" else added


def _tgw_reply_hop(w: Walk, crossing: Crossing) -> Hop:
    """``_tgw_reply``'s memo miss."""
    assert crossing.exit is not None and crossing.entry is not None
    snap = w.snapshot
    rt = associated_table(snap, crossing.exit, "return")
    if isinstance(rt, Hop):
        return rt
    src = w.src_peer
    matches = w.memo(
        ("tgw-route", rt.id, w.netkey(src.networks)),
        tgw_lookup,
        rt,
        src.networks,
        snap.prefix_lists,
    )
    hops = [return_route_hop(rt, m, src.label, crossing.entry.attachment.id) for m in matches] or [
        Hop(
            rt.id,
            HopKind.TRANSIT_GATEWAY_ROUTE_TABLE,
            "unknown",
            f"{src.label}: no address",
            leg="return",
        )
    ]
    return next(
        (h for h in hops if h.status == "fail"),
        next((h for h in hops if h.status == "unknown"), hops[0]),
    )
