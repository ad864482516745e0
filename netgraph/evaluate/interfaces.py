"""The interfaces at either end of a flow: the source (its first hop, and itself as the far
end sees it) and the ENI or instance a destination names or whose address it is.

https://docs.aws.amazon.com/vpc/latest/userguide/vpc-eni.html
"""

from __future__ import annotations

import ipaddress

from netgraph.evaluate.addresses import Peer
from netgraph.flows import Source
from netgraph.hop import FarSide, Hop, HopKind
from netgraph.model import IPAddress, IPNetwork, Snapshot, Subnet, Vpc


def source_hop(snapshot: Snapshot, src: Source) -> Hop:
    """The first hop of every path: the source itself."""
    reason = f"{src.label}, security groups {', '.join(src.security_group_ids) or 'none'}"
    reason += ", public IP" if src.public_ip else ", no public IP"
    subnet = (snapshot.subnets or {}).get(src.subnet_id)
    if subnet is None or subnet.vpc_id not in (snapshot.vpcs or {}):
        missing = (
            f"{src.subnet_id} is not in Subnets" if subnet is None else ("its VPC is not in Vpcs")
        )
        return Hop(
            src.id, HopKind.SOURCE, "unknown", f"{reason}: {missing}; nothing can be checked"
        )
    return Hop(src.id, HopKind.SOURCE, "pass", reason)


def source_peer(subnet: Subnet, vpc: Vpc, src: Source) -> Peer:
    """The source as the far end sees it: its address, or any address of its subnet."""
    if src.address is not None:
        nets: tuple[IPNetwork, ...] = (ipaddress.ip_network(src.address),)
        label = str(src.address)
    else:
        nets = (subnet.cidr,) if subnet.cidr else ()
        label = (
            f"{subnet.id} ({subnet.cidr})"
            if subnet.cidr
            else f"{subnet.id} (its CidrBlock is not in the snapshot)"
        )
    return Peer(nets, label, group_ids=frozenset(src.security_group_ids), vpc_id=vpc.id)


def find_interface(snapshot: Snapshot, address: IPAddress) -> FarSide | None:
    """The ENI, instance, endpoint ENI or NAT gateway that holds an address."""
    for eni in (snapshot.network_interfaces or {}).values():
        if address in eni.private_ips:
            return side_for_eni(snapshot, eni.id)
    for inst in (snapshot.instances or {}).values():
        if inst.private_ip == address:
            return side_for_eni(snapshot, inst.id)
    return None


def side_for_eni(snapshot: Snapshot, interface_id: str) -> FarSide | None:
    """The far side of an instance (its primary interface) or of an ENI."""
    snap = snapshot
    unknown = ""
    if interface_id.startswith("i-"):
        inst = (snap.instances or {}).get(interface_id)
        if inst is None:
            return None
        subnet_id, ip, groups, vpc_id = (
            inst.subnet_id,
            inst.private_ip,
            inst.group_ids or (),
            inst.vpc_id,
        )
        unknown = inst.groups_unread
        kind, endpoint, no_group = HopKind.INSTANCE, None, ""
    else:
        eni = (snap.network_interfaces or {}).get(interface_id)
        if eni is None:
            return None
        subnet_id, ip, vpc_id = eni.subnet_id, eni.primary_ip, eni.vpc_id
        groups = eni.group_ids or ()
        if eni.group_ids is None:
            unknown = f"the security groups of {eni.id} (Groups) are not in the snapshot"
        kind = HopKind.NETWORK_INTERFACE
        endpoint = next(
            (
                ep
                for ep in (snap.vpc_endpoints or {}).values()
                if eni.id in ep.network_interface_ids
            ),
            None,
        )
        no_group = (
            f"{eni.id} ({eni.interface_type}) carries no security group, so none "
            "filters what reaches it"
        )
    subnet = (snap.subnets or {}).get(subnet_id or "")
    if subnet is None or ip is None:
        return None
    label = f"{interface_id} ({ip})"
    peer = Peer.address(ip, label, group_ids=frozenset(groups), vpc_id=vpc_id)
    # An instance always has groups; an ENI without any (NLB, NAT) is not filtered.
    group_ids = groups if kind == HopKind.INSTANCE or groups or unknown else None
    return FarSide(
        peer,
        subnet,
        group_ids,
        Hop(interface_id, kind, "pass", label),
        endpoint=endpoint,
        no_group_reason=no_group,
        groups_unknown=unknown,
    )


def missing_interface_hop(interface_id: str) -> Hop:
    """The end of a path to an ENI or instance ``side_for_eni`` did not find."""
    what = "Reservations" if interface_id.startswith("i-") else "NetworkInterfaces"
    return Hop(
        interface_id,
        HopKind.DESTINATION,
        "unknown",
        f"{interface_id} or its subnet is not in the snapshot ({what}, Subnets)",
    )
