"""NAT gateways: `available`, public connectivity for a public destination, and a subnet of
their own whose route table sends the destination to an internet gateway.

https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html
"""

from __future__ import annotations

from netgraph.evaluate.addresses import Peer, has_public_part
from netgraph.evaluate.routing import RouteMatch, route_target
from netgraph.hop import Hop, HopKind, Judged, blocking
from netgraph.model import NatGateway, Route, RouteTable, Snapshot, Subnet

Onward = tuple[NatGateway, Subnet]


def nat_gateway_hops(
    snapshot: Snapshot, table: RouteTable, route: Route, peer: Peer
) -> Judged[Onward]:
    """The NAT gateway ``route`` (in ``table``) names, for a packet to ``peer``; where it
    goes on: the NAT gateway and its subnet, whose NACL and route table the packet meets
    next."""
    nat_id = route.target_id
    nat = route_target(
        snapshot, table, snapshot.nat_gateways, nat_id, HopKind.NAT_GATEWAY, "NatGateways"
    )
    if isinstance(nat, Hop):
        return Judged((nat,))
    if nat.state == "unknown":
        reason = f"the State of {nat_id} is not in the snapshot (NatGateways)"
        return Judged((Hop(nat_id, HopKind.NAT_GATEWAY, "unknown", reason),))
    if nat.state != "available":
        # AWS blames the route: it points at a gateway that cannot forward.
        hop = blocking(
            table.id,
            HopKind.ROUTE_TABLE,
            f"route {route.destination_text} -> {nat_id} leads to a NAT "
            f"gateway that is {nat.state}",
            "BAD_STATE_ROUTE",
            route=route.destination_text,
            table=table.id,
            target=nat_id,
            state=nat.state,
        )
        return Judged((hop,))
    if nat.connectivity_type == "private" and any(has_public_part(n) for n in peer.networks):
        hop = blocking(
            nat_id,
            HopKind.NAT_GATEWAY,
            f"{nat_id} is a private NAT gateway: it cannot reach the internet",
            "NGW_PRIVATE_CONNECTIVITY",
            nat=nat_id,
        )
        return Judged((hop,))
    passed = Hop(
        nat_id,
        HopKind.NAT_GATEWAY,
        "pass",
        f"{nat_id} is available ({nat.connectivity_type}) in {nat.subnet_id}",
    )
    nat_subnet = (snapshot.subnets or {}).get(nat.subnet_id)
    if nat_subnet is None:
        reason = f"the subnet {nat.subnet_id} of {nat_id} is not in Subnets"
        return Judged((passed, Hop(nat.subnet_id, HopKind.SUBNET, "unknown", reason)))
    return Judged((passed,), (nat, nat_subnet))


def nat_subnet_route(
    nat_id: str, nat_subnet: Subnet, nat_table: RouteTable, match: RouteMatch, part: Peer
) -> Hop:
    """The route the NAT gateway's own subnet takes for ``part``: it passes only to an
    internet gateway, which then carries the packet out (from the NAT's Elastic IP)."""
    route = match.route
    if (
        match.status == "route"
        and route is not None
        and route.state == "active"
        and route.target_kind == "igw"
    ):
        return Hop(
            nat_table.id,
            HopKind.ROUTE_TABLE,
            "pass",
            f"from {nat_id}, {part.label} takes route "
            f"{route.destination_text} -> {route.target_id}",
        )
    if match.status in ("unknown", "ambiguous"):
        return Hop(nat_table.id, HopKind.ROUTE_TABLE, "unknown", match.reason)
    if route is not None and route.state == "unknown":
        return Hop(
            nat_table.id,
            HopKind.ROUTE_TABLE,
            "unknown",
            f"route {route.destination_text} -> {route.target_id} has no "
            "State in the snapshot (RouteTables): it may be a blackhole",
        )
    if (
        route is not None
        and route.state != "blackhole"
        and route.target_kind not in ("igw", "nat", "local")
    ):
        return Hop(
            route.target_id,
            HopKind(route.target_kind),
            "unknown",
            f"{nat_table.id} sends {part.label} from {nat_id} to {route.target_id}; "
            "netgraph cannot follow it",
        )
    if route is not None and route.state != "blackhole" and route.target_kind == "local":
        # Only a route ahead of local (a subnet's CIDR sent to the NAT gateway: middlebox
        # routing) brings a VPC address here; the NAT's subnet then delivers it inside the
        # VPC, which is not "no internet route" but a delivery the walk does not follow.
        return Hop(
            nat_table.id,
            HopKind.ROUTE_TABLE,
            "unknown",
            f"{nat_table.id} sends {part.label} from {nat_id} by route "
            f"{route.destination_text} -> local back into {nat_table.vpc_id}; netgraph does "
            "not follow a NAT gateway's traffic inside its VPC",
        )
    found = (
        "no route"
        if route is None
        else f"route {route.destination_text} -> {route.target_id}"
        + (" (blackhole)" if route.state == "blackhole" else "")
    )
    return blocking(
        nat_table.id,
        HopKind.ROUTE_TABLE,
        f"{nat_id} lives in {nat_subnet.id}, whose route table {nat_table.id} has "
        f"{found} for {part.label}, not an internet gateway",
        "NGW_SUBNET_NO_INTERNET_ROUTE",
        table=nat_table.id,
        subnet=nat_subnet.id,
        nat=nat_id,
    )
