"""VPC peering: only an active connection carries traffic, only to the peer VPC's own CIDR
blocks (no transitive peering, no edge-to-edge routing through the peer's NAT gateway,
internet gateway, VPN or gateway endpoint), within one Region for security-group references
(aws-semantics.md section 12.2).

https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html
https://docs.aws.amazon.com/vpc/latest/peering/invalid-peering-configurations.html
"""

from __future__ import annotations

from dataclasses import dataclass

from netgraph.evaluate.addresses import Peer, describe_networks, split
from netgraph.hop import Hop, HopKind, Judged, blocking
from netgraph.model import IPNetwork, Route, RouteTable, Snapshot, Vpc, VpcPeeringConnection

_PCX = HopKind.PEERING_CONNECTION


@dataclass(frozen=True)
class Crossed:
    """The peering a packet crosses, the VPC on the far side and the part of the
    destination inside that VPC's CIDR blocks."""

    pcx: VpcPeeringConnection
    vpc: Vpc
    networks: tuple[IPNetwork, ...]


def peering_hops(
    snapshot: Snapshot, table: RouteTable, route: Route, peer: Peer
) -> Judged[Crossed]:
    """The peering ``route`` (in ``table``) names, for a packet to ``peer``."""
    pcx_id = route.target_id
    known = snapshot.vpc_peering_connections
    if known is None:
        return Judged(
            (Hop(pcx_id, _PCX, "unknown", snapshot.missing_reason("VpcPeeringConnections")),)
        )
    pcx = known.get(pcx_id)
    if pcx is None:
        reason = f"{table.id} routes to {pcx_id}, which is not in VpcPeeringConnections"
        return Judged((Hop(pcx_id, _PCX, "unknown", reason),))
    if pcx.status == "unknown":
        reason = f"the Status of {pcx_id} is not in the snapshot (VpcPeeringConnections)"
        return Judged((Hop(pcx_id, _PCX, "unknown", reason),))
    if pcx.status != "active":
        hop = blocking(
            pcx_id,
            _PCX,
            f"{pcx_id} is {pcx.status}: only an active peering connection carries traffic",
            "PCX_BAD_STATE",
            pcx=pcx_id,
            state=pcx.status,
        )
        return Judged((hop,))
    if pcx.requester.vpc_id == table.vpc_id:
        near, far = pcx.requester, pcx.accepter
    elif pcx.accepter.vpc_id == table.vpc_id:
        near, far = pcx.accepter, pcx.requester
    else:
        reason = (
            f"{table.id} of {table.vpc_id} routes to {pcx_id}, which connects "
            f"{pcx.requester.vpc_id} and {pcx.accepter.vpc_id}"
        )
        return Judged((Hop(pcx_id, _PCX, "unknown", reason),))
    if far.vpc_id is None or not far.cidrs:
        reason = f"the far side of {pcx_id} (its VpcId, CidrBlockSet) is not in the snapshot"
        return Judged((Hop(pcx_id, _PCX, "unknown", reason),))
    region = snapshot.region
    if (far.region or region) != region or (near.region or region) != region:
        reason = (
            f"{pcx_id} leads to {far.vpc_id} in {far.region}: netgraph follows peering "
            f"within the snapshot's Region ({region}) only"
        )
        return Judged((Hop(pcx_id, _PCX, "unknown", reason),))
    inside: list[IPNetwork] = []
    outside: list[IPNetwork] = list(peer.networks)
    for cidr in far.cidrs:
        got, outside = split(outside, cidr)
        inside.extend(got)
    cidrs = ", ".join(str(c) for c in far.cidrs)
    if outside:
        if inside and peer.approximate:
            reason = (
                f"{peer.label} may be outside {far.vpc_id}'s CIDR blocks ({cidrs}), "
                f"which is all {pcx_id} carries"
            )
            return Judged((Hop(pcx_id, _PCX, "unknown", reason),))
        hop = blocking(
            pcx_id,
            _PCX,
            f"{describe_networks(outside)} ({peer.label}) is outside {far.vpc_id}'s CIDR blocks "
            f"({cidrs}): a peering connection carries only traffic to the peer VPC itself, "
            "never through its NAT gateway, internet gateway or gateway endpoint",
            "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",
            pcx=pcx_id,
            vpc=far.vpc_id,
            cidrs=cidrs,
            destination=describe_networks(outside),
            table=table.id,
        )
        return Judged((hop,))
    vpc = (snapshot.vpcs or {}).get(far.vpc_id)
    passed = Hop(pcx_id, _PCX, "pass", f"{pcx_id} is active and {far.vpc_id} holds {peer.label}")
    if vpc is None:
        reason = (
            f"{far.vpc_id}, the peer of {pcx_id}, is not in Vpcs (owned by "
            f"{far.owner_id or 'an account'} that was not collected?)"
        )
        return Judged((passed, Hop(far.vpc_id, HopKind.VPC, "unknown", reason)))
    return Judged((passed,), Crossed(pcx, vpc, tuple(inside)))
