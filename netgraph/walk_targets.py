"""What routes lead to: one handler per kind of route target, listed in ``graph.ROUTE_TARGETS``.

A handler asks the target's rule (``evaluate/``) for its judged hops, adds them to the walk,
and follows where the packet goes on; the rule never walks. Each takes the walk, the node of
the route-table hop, the table and route, the part of the destination the route carries,
the hop the path ends at and, inside the VPC, the far side.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from netgraph.evaluate.addresses import (
    EPHEMERAL_LINUX,
    EPHEMERAL_NAT_GATEWAY,
    Peer,
    within,
)
from netgraph.evaluate.endpoints import gateway_endpoint
from netgraph.evaluate.internet_gateway import NO_PUBLIC_IP, internet_gateway_hop, non_public
from netgraph.evaluate.nat_gateway import nat_gateway_hops, nat_subnet_route
from netgraph.evaluate.routing import lookup, route_table_for_subnet
from netgraph.evaluate.security_groups import groups_by_id
from netgraph.hop import FarSide, Hop, HopKind
from netgraph.model import (
    Route,
    RouteTable,
    SecurityGroup,
    Subnet,
    Vpc,
)

if TYPE_CHECKING:
    # Only for annotations: graph.py imports this module for its dispatch table.
    from netgraph.graph import Step, Walk


def to_local(
    w: Walk,
    node: int,
    table: RouteTable,
    route: Route,
    peer: Peer,
    terminal: Hop,
    far: FarSide | None,
) -> None:
    """Inside the VPC: the far side's NACL and security groups, and back; or, with no far
    side, the subnet the address falls in, where nothing holds it."""
    assert w.vpc is not None and w.subnet is not None
    if far is None or far.subnet.vpc_id != w.vpc.id:
        # (A far side in another VPC reached by the local route: overlapping CIDRs; the
        # packet stays in this VPC.)
        nowhere(w, node, w.vpc, peer)
        return
    subnet = w.subnet
    same_subnet = far.subnet.id == subnet.id
    groups = (
        far.groups_unknown or groups_by_id(w.snapshot, far.group_ids)
        if far.group_ids is not None
        else None
    )
    steps = arrival_steps(w, far, groups, through_nacl=not same_subnet)
    if not same_subnet:
        steps += [
            lambda n: w.acl_hop(
                n,
                far.subnet,
                egress=True,
                ports=EPHEMERAL_LINUX,
                peer=w.src_peer,
                leg="return",
            ),
            lambda n: w.acl_hop(
                n, subnet, egress=False, ports=EPHEMERAL_LINUX, peer=far.peer, leg="return"
            ),
        ]
    steps.append(lambda n: w.add(n, far.terminal))
    w.chain(node, steps)


def arrival_steps(
    w: Walk, far: FarSide, groups: list[SecurityGroup] | str | None, *, through_nacl: bool
) -> list[Step]:
    """The destination's side, as the packet arrives: its subnet's NACL inbound (when the
    packet crosses into that subnet), its security groups (``groups``; None: it has none, and
    ``far`` says why), and an endpoint's state and policy."""
    steps: list[Step] = []
    if through_nacl:
        steps.append(
            lambda n: w.acl_hop(
                n,
                far.subnet,
                egress=False,
                ports=None,
                peer=w.src_peer,
                far_label=f"{far.subnet.id} (destination side)",
            )
        )
    if groups is None:
        no_group = Hop(far.terminal.id, HopKind.SECURITY_GROUP_INGRESS, "pass", far.no_group_reason)
        steps.append(lambda n: w.add(n, no_group))
    elif isinstance(groups, str):
        # Not known whoever sends: the hop is the destination's, not the source's subnet's.
        unknown = Hop(far.terminal.id, HopKind.SECURITY_GROUP_INGRESS, "unknown", groups)
        steps.append(lambda n: w.add(n, unknown))
    else:
        steps.append(lambda n: w.sg_hop(n, groups, egress=False, peer=w.src_peer))
    endpoint = far.endpoint
    if endpoint is not None:
        steps.append(lambda n: w.endpoint_hop(n, endpoint, HopKind.INTERFACE_ENDPOINT))
    return steps


def nowhere(w: Walk, node: int, vpc: Vpc, peer: Peer) -> None:
    """A destination in ``vpc``'s CIDR that no interface of the snapshot holds: the subnet
    the address falls in, where nothing holds it (or the VPC, if no subnet holds it)."""
    snap = w.snapshot
    subnet = next(
        (
            s
            for s in (snap.subnets or {}).values()
            if s.vpc_id == vpc.id
            and s.cidr is not None
            and all(within(n, s.cidr) for n in peer.networks)
        ),
        None,
    )
    if subnet is None and (snap.subnets is None or not snap.collected("Subnets", vpc.id)):
        # Several accounts: the account of this VPC did not collect its subnets.
        reason = snap.missing_reason("Subnets", vpc.id)
        w.add(node, Hop(vpc.id, HopKind.VPC, "unknown", f"{peer.label}: {reason}"))
        return
    if subnet is None:
        w.block(
            node,
            vpc.id,
            HopKind.VPC,
            f"{peer.label} is in {vpc.id}'s CIDR but in none of its subnets: nothing receives it",
            "ADDRESS_NOT_IN_SUBNET",
            destination=peer.label,
        )
        return
    if snap.network_interfaces is None or not snap.collected("NetworkInterfaces", vpc.id):
        w.add(
            node,
            Hop(
                subnet.id,
                HopKind.SUBNET,
                "unknown",
                f"{peer.label} is in {subnet.id}; which interface holds it "
                f"is unknown: {snap.missing_reason('NetworkInterfaces', vpc.id)}",
            ),
        )
        return
    w.block(
        node,
        subnet.id,
        HopKind.SUBNET,
        f"no network interface in the snapshot holds {peer.label} in {subnet.id}",
        "NO_INTERFACE_AT_ADDRESS",
        destination=peer.label,
    )


def igw_hop(w: Walk, table: RouteTable, route: Route, peer: Peer, from_nat: str | None) -> Hop:
    hop = internet_gateway_hop(
        w.snapshot,
        table,
        route,
        peer.networks,
        w.source,
        from_nat=from_nat,
        private=lambda: w.memo(("not-public", w.netkey(peer.networks)), non_public, peer.networks),
    )
    if hop.code == NO_PUBLIC_IP:
        w.kind_used = True  # its fix is worded for the kind of source
    return hop


def to_internet_gateway(
    w: Walk,
    node: int,
    table: RouteTable,
    route: Route,
    peer: Peer,
    terminal: Hop,
    far: FarSide | None,
) -> None:
    hop = igw_hop(w, table, route, peer, from_nat=None)
    node = w.add(node, hop)
    if hop.status != "pass":
        return
    assert w.subnet is not None
    back = w.acl_hop(node, w.subnet, egress=False, ports=EPHEMERAL_LINUX, peer=peer, leg="return")
    if back is not None:
        w.add(back, terminal)


def to_nat_gateway(
    w: Walk,
    node: int,
    table: RouteTable,
    route: Route,
    peer: Peer,
    terminal: Hop,
    far: FarSide | None,
) -> None:
    judged = nat_gateway_hops(w.snapshot, table, route, peer)
    for hop in judged.hops:
        node = w.add(node, hop)
    if judged.next is None:
        return
    nat, nat_subnet = judged.next
    assert w.subnet is not None
    same = nat_subnet.id == w.subnet.id
    side = f"{nat_subnet.id} (NAT gateway side)"
    # The task side keeps the remote address on both legs; the NAT rewrites only its own
    # side (source port 1024-65535 out, back to the task's port on the way in).
    cur = (
        node
        if same
        else w.acl_hop(node, nat_subnet, egress=False, ports=None, peer=w.src_peer, far_label=side)
    )
    if cur is None:
        return
    choice = route_table_for_subnet(w.snapshot, nat_subnet)
    if choice.table is None:
        w.add(cur, Hop(nat_subnet.id, HopKind.ROUTE_TABLE, "unknown", choice.reason))
        return
    nat_table = choice.table
    prefix_lists = w.snapshot.prefix_lists
    nat_matches = w.memo(
        ("route", nat_table.id, w.netkey(peer.networks), None, frozenset()),
        lambda: lookup(nat_table, peer.networks, prefix_lists),
    )
    for match in nat_matches:
        part = replace(peer, networks=match.networks)
        hop = nat_subnet_route(nat.id, nat_subnet, nat_table, match, part)
        if hop.status != "pass" or match.route is None:
            w.add(cur, hop)
            continue
        _nat_to_internet(w, cur, hop, nat.id, nat_subnet, nat_table, match.route, part, terminal)


def nat_out_steps(
    w: Walk,
    passed: Hop,
    nat_id: str,
    nat_subnet: Subnet,
    nat_table: RouteTable,
    route: Route,
    part: Peer,
) -> list[Step]:
    """A NAT gateway's way to the internet and the answer's way into its subnet: its
    subnet's route hop (``passed``), NACL out, the internet gateway, NACL in on the NAT's
    ports. The reply's way on to the source is the caller's (in the VPC, or back across a
    transit gateway: ``walk_across``)."""
    side = f"{nat_subnet.id} (NAT gateway side)"

    def igw(n: int) -> int | None:
        hop = igw_hop(w, nat_table, route, part, from_nat=nat_id)
        node = w.add(n, hop)
        return node if hop.status == "pass" else None

    return [
        lambda n: w.add(n, passed),
        lambda n: w.acl_hop(n, nat_subnet, egress=True, ports=None, peer=part, far_label=side),
        igw,
        lambda n: w.acl_hop(
            n,
            nat_subnet,
            egress=False,
            ports=EPHEMERAL_NAT_GATEWAY,
            peer=part,
            leg="return",
            far_label=side,
        ),
    ]


def _nat_to_internet(
    w: Walk,
    parent: int,
    passed: Hop,
    nat_id: str,
    nat_subnet: Subnet,
    nat_table: RouteTable,
    route: Route,
    part: Peer,
    terminal: Hop,
) -> None:
    """From the NAT gateway out of its subnet to the internet gateway, and back."""
    assert w.subnet is not None
    subnet = w.subnet
    side = f"{nat_subnet.id} (NAT gateway side)"
    steps = nat_out_steps(w, passed, nat_id, nat_subnet, nat_table, route, part)
    if nat_subnet.id != subnet.id:
        steps += [
            lambda n: w.acl_hop(
                n,
                nat_subnet,
                egress=True,
                ports=EPHEMERAL_LINUX,
                peer=w.src_peer,
                leg="return",
                far_label=side,
            ),
            lambda n: w.acl_hop(
                n, subnet, egress=False, ports=EPHEMERAL_LINUX, peer=part, leg="return"
            ),
        ]
    steps.append(lambda n: w.add(n, terminal))
    w.chain(parent, steps)


def to_gateway_endpoint(
    w: Walk,
    node: int,
    table: RouteTable,
    route: Route,
    peer: Peer,
    terminal: Hop,
    far: FarSide | None,
) -> None:
    ep = gateway_endpoint(w.snapshot, table, route, w.protocol)
    if isinstance(ep, Hop):
        w.add(node, ep)
        return
    after = w.endpoint_hop(node, ep, HopKind.GATEWAY_ENDPOINT)
    if after is None:
        return
    assert w.subnet is not None
    back = w.acl_hop(after, w.subnet, egress=False, ports=EPHEMERAL_LINUX, peer=peer, leg="return")
    if back is not None:
        w.add(back, terminal)


_UNFOLLOWABLE = {
    "tgw": "transit gateway",
    "pcx": "VPC peering connection",
    "vgw": "virtual private gateway",
    "eni": "network interface (appliance)",
    "instance": "instance (appliance)",
    "eigw": "egress-only internet gateway",
}


def unfollowable(
    w: Walk,
    node: int,
    table: RouteTable,
    route: Route,
    peer: Peer,
    terminal: Hop,
    far: FarSide | None,
) -> None:
    what = _UNFOLLOWABLE.get(route.target_kind, "gateway")
    reason = (
        f"the path leaves {table.vpc_id} through {what} {route.target_id}; "
        "netgraph cannot follow it from this snapshot"
    )
    w.add(node, Hop(route.target_id, HopKind(route.target_kind), "unknown", reason))
