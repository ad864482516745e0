"""Sets of addresses and ports, the shared arithmetic of routes, security groups and NACLs.

A flow's far end is rarely one address: a task gets any address of its subnet, S3 is the
CIDRs of a prefix list, a public AWS service is "somewhere in the public IPv4 space". Rules
are evaluated against the whole set, so a rule that admits only part of it is seen as such.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from netgraph.model import IPAddress, IPNetwork

PortRange = tuple[int, int]  # inclusive
ALL_PORTS: PortRange = (0, 65535)
# AWS recommends opening 1024-65535 for replies; a Fargate task is Linux, whose default
# ip_local_port_range is 32768-60999, so that is the least a return rule must admit.
EPHEMERAL_RECOMMENDED: PortRange = (1024, 65535)
EPHEMERAL_LINUX: PortRange = (32768, 60999)
# A NAT gateway translates to source ports 1024-65535 (AWS NAT gateway docs).
EPHEMERAL_NAT_GATEWAY: PortRange = (1024, 65535)

_NOT_PUBLIC = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "224.0.0.0/4",
        "240.0.0.0/4",
    )
)


@lru_cache(maxsize=1)
def public_ipv4() -> tuple[IPNetwork, ...]:
    """The public IPv4 space: where an AWS service's public endpoint may be."""
    nets: list[IPNetwork] = [ipaddress.ip_network("0.0.0.0/0")]
    for private in _NOT_PUBLIC:
        nets = split(nets, private)[1]
    return tuple(sorted(nets, key=lambda n: (int(n.network_address), n.prefixlen)))


_NOT_PUBLIC_INTS = tuple((int(n.network_address), int(n.broadcast_address)) for n in _NOT_PUBLIC)


def is_wholly_public(network: IPNetwork) -> bool:
    """Every address of ``network`` is public IPv4: it overlaps none of the blocks above (its
    two ends are not enough: 8.0.0.0/5 starts and ends public and holds 10.0.0.0/8)."""
    return network.version == 4 and not any(network.overlaps(block) for block in _NOT_PUBLIC)


def has_public_part(network: IPNetwork) -> bool:
    """Some address of ``network`` is public IPv4 (224.0.0.0/3 is wholly non-public though
    no one block above holds it)."""
    if network.version != 4:
        return False
    rest: list[IPNetwork] = [network]
    for block in _NOT_PUBLIC:
        rest = split(rest, block)[1]
    return bool(rest)


def is_public(address: IPAddress) -> bool:
    if address.version != 4:
        return False
    value = int(address)
    return not any(lo <= value <= hi for lo, hi in _NOT_PUBLIC_INTS)


@dataclass(frozen=True)
class Peer:
    """The other end of a flow, as rules see it.

    ``approximate`` says what ``networks`` means: False, every address in it is used (a
    task may get any address of its subnet; S3 serves from every CIDR of its prefix list),
    so a rule that covers only part of it breaks some flows. True, the peer is *somewhere*
    in it and we do not know where (a public service name), so partial cover is unknown.
    """

    networks: tuple[IPNetwork, ...]
    label: str
    approximate: bool = False
    prefix_list_id: str | None = None  # the peer is exactly this AWS-managed prefix list
    group_ids: frozenset[str] = frozenset()  # security groups of the peer ENI
    vpc_id: str | None = None  # private peers: the VPC whose security groups can name it

    @staticmethod
    def address(ip: IPAddress, label: str | None = None, **kw: object) -> Peer:
        net = ipaddress.ip_network(ip)
        return Peer(networks=(net,), label=label or str(ip), **kw)  # type: ignore[arg-type]


def within(inner: IPNetwork, outer: IPNetwork) -> bool:
    """inner lies wholly inside outer (never across IPv4/IPv6)."""
    return inner.version == outer.version and inner.subnet_of(outer)  # type: ignore[arg-type]


def split(
    networks: Iterable[IPNetwork], rule: IPNetwork
) -> tuple[list[IPNetwork], list[IPNetwork]]:
    """Split networks into the parts inside ``rule`` and the parts outside it."""
    inside: list[IPNetwork] = []
    outside: list[IPNetwork] = []
    r_lo, r_hi = int(rule.network_address), int(rule.broadcast_address)
    for net in networks:
        if net.version != rule.version:
            outside.append(net)
            continue
        lo, hi = int(net.network_address), int(net.broadcast_address)
        if r_lo <= lo and hi <= r_hi:
            inside.append(net)
        elif lo <= r_lo and r_hi <= hi:
            inside.append(rule)
            outside.extend(net.address_exclude(rule))  # type: ignore[arg-type]
        else:
            outside.append(net)
    return inside, outside


def split_ports(
    ports: PortRange, rule: PortRange | None
) -> tuple[PortRange | None, list[PortRange]]:
    """The part of ``ports`` inside ``rule`` (None: no overlap) and the parts outside it."""
    if rule is None:
        return ports, []
    lo, hi = max(ports[0], rule[0]), min(ports[1], rule[1])
    if lo > hi:
        return None, [ports]
    rest: list[PortRange] = []
    if ports[0] < lo:
        rest.append((ports[0], lo - 1))
    if hi < ports[1]:
        rest.append((hi + 1, ports[1]))
    return (lo, hi), rest


@lru_cache(maxsize=65536)
def _text(network: IPNetwork) -> str:
    # Explanations name the same few networks tens of thousands of times in a scan.
    return str(network)


def describe_networks(networks: Sequence[IPNetwork], limit: int = 3) -> str:
    shown = ", ".join(_text(n) for n in networks[:limit])
    more = len(networks) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def describe_ports(ranges: Sequence[PortRange]) -> str:
    return ", ".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in ranges)
