"""Internet gateways: attached to the VPC, a public destination, and a public address on the
sender's side (the ENI's public IP, or the Elastic IP of the NAT gateway that sends it).

https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from netgraph.evaluate.addresses import describe_networks, is_wholly_public
from netgraph.evaluate.routing import route_target
from netgraph.flows import Source
from netgraph.hop import Hop, HopKind, blocking
from netgraph.model import IPNetwork, Route, RouteTable, Snapshot

# The hop's code when the sender has no public address: its fix speaks of the kind of source.
NO_PUBLIC_IP = "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"


def non_public(networks: Sequence[IPNetwork]) -> list[IPNetwork]:
    """The IPv4 networks an internet gateway will not carry: any not wholly public. (IPv6 is
    judged apart: ``internet_gateway_hop``.)"""
    return [n for n in networks if n.version == 4 and not is_wholly_public(n)]


def internet_gateway_hop(
    snapshot: Snapshot,
    table: RouteTable,
    route: Route,
    networks: Sequence[IPNetwork],
    source: Source,
    *,
    from_nat: str | None = None,
    private: Callable[[], Sequence[IPNetwork]] | None = None,
) -> Hop:
    """The hop of the internet gateway ``route`` (in ``table``) names, for a packet to
    ``networks``; sent by ``source``, or by the NAT gateway ``from_nat`` on its behalf.
    ``private``: the memoized ``non_public(networks)``, if the caller keeps one."""
    igw_id = route.target_id
    igw = route_target(
        snapshot,
        table,
        snapshot.internet_gateways,
        igw_id,
        HopKind.INTERNET_GATEWAY,
        "InternetGateways",
    )
    if isinstance(igw, Hop):
        return igw
    if table.vpc_id in igw.unknown_state_vpc_ids:
        return Hop(
            igw_id,
            HopKind.INTERNET_GATEWAY,
            "unknown",
            f"the State of the attachment of {igw_id} to {table.vpc_id} is "
            "not in the snapshot (InternetGateways)",
        )
    if table.vpc_id not in igw.attached_vpc_ids:
        return blocking(
            igw_id,
            HopKind.INTERNET_GATEWAY,
            f"{igw_id} is not attached to {table.vpc_id}",
            "IGW_NOT_ATTACHED",
            igw=igw_id,
            vpc=table.vpc_id,
        )
    outside = private() if private is not None else non_public(networks)
    if outside:
        return blocking(
            igw_id,
            HopKind.INTERNET_GATEWAY,
            f"{igw_id} drops traffic to non-public addresses ({describe_networks(outside)})",
            "IGW_DESTINATION_ADDRESS_NOT_PUBLIC",
            destination=describe_networks(outside),
            igw=igw_id,
        )
    ipv6 = [n for n in networks if n.version == 6]
    if ipv6:
        # An internet gateway carries IPv6 untranslated, from the ENI's own IPv6 address,
        # which the snapshot model does not hold: neither a pass nor a drop is certain.
        return Hop(
            igw_id,
            HopKind.INTERNET_GATEWAY,
            "unknown",
            f"{igw_id} carries IPv6 ({describe_networks(ipv6)}) only from an ENI's own IPv6 "
            "address, and netgraph does not read the IPv6 addresses of ENIs, so whether "
            "it leaves is not known",
        )
    if from_nat is None and not source.public_ip:
        return Hop(
            igw_id,
            HopKind.INTERNET_GATEWAY,
            "fail",
            f"the task's ENI has no public IP, and {igw_id} translates "
            "only for ENIs with a public address",
            code=NO_PUBLIC_IP,
            fix=public_ip_fix(source, table),
        )
    why = (
        f"{from_nat} sends it out with its Elastic IP" if from_nat else "the source has a public IP"
    )
    return Hop(
        igw_id,
        HopKind.INTERNET_GATEWAY,
        "pass",
        f"{igw_id} is attached to {table.vpc_id}; {why}",
    )


def public_ip_fix(source: Source, table: RouteTable) -> str:
    """How to give the source a way out: worded for its kind (a service, an ENI, a task)."""
    if source.service is not None:
        return (
            "set assignPublicIp=ENABLED in the service's network configuration, or move "
            "it to subnets whose route table sends 0.0.0.0/0 to a NAT gateway (or add VPC "
            "endpoints)"
        )
    if source.kind in ("eni", "instance"):
        return (
            f"associate an Elastic IP with the ENI, or route 0.0.0.0/0 in {table.id} "
            "to a NAT gateway"
        )
    return (
        "run the task with --public-ip (assignPublicIp=ENABLED), or route 0.0.0.0/0 in "
        f"{table.id} to a NAT gateway"
    )
