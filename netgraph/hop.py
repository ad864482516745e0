"""One hop of a path: the AWS component a packet (or a request) meets, and its verdict.

Below ``evaluate/`` and ``graph.py`` both: the rules of each route target (``evaluate/``)
return judged hops, and the walk (``graph.py``) strings them together, so the hop type
cannot live in either without an import circle.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Generic, Literal, TypeVar, get_args

from netgraph.evaluate.addresses import Peer, PortRange, describe_ports
from netgraph.findings import fix_for
from netgraph.model import IPAddress, Subnet, VpcEndpoint

if TYPE_CHECKING:
    from netgraph.evaluate.dns import AwsService
    from netgraph.requirements import ApiCall

T = TypeVar("T")

Status = Literal["pass", "fail", "unknown"]
Leg = Literal["forward", "return"]


class HopKind(StrEnum):
    """What a hop is. A ``str`` enum: a kind compares, hashes, formats and serializes as its
    value, which is what the JSON contract, the text and the diagrams print."""

    SOURCE = "source"
    DNS = "dns"
    SECURITY_GROUP_EGRESS = "security-group-egress"
    SECURITY_GROUP_INGRESS = "security-group-ingress"
    NETWORK_ACL_OUTBOUND = "network-acl-outbound"
    NETWORK_ACL_INBOUND = "network-acl-inbound"
    ROUTE_TABLE = "route-table"
    INTERNET_GATEWAY = "internet-gateway"
    NAT_GATEWAY = "nat-gateway"
    GATEWAY_ENDPOINT = "gateway-endpoint"
    INTERFACE_ENDPOINT = "interface-endpoint"
    VPC = "vpc"
    SUBNET = "subnet"
    # Where the path ends.
    AWS_SERVICE = "aws-service"
    INTERNET = "internet"
    ADDRESS = "address"
    NETWORK_INTERFACE = "network-interface"
    INSTANCE = "instance"
    DESTINATION = "destination"
    # Route targets netgraph cannot follow: the hop is named by the route's target kind.
    TRANSIT_GATEWAY = "tgw"
    PEERING_CONNECTION = "pcx"
    VIRTUAL_PRIVATE_GATEWAY = "vgw"
    APPLIANCE_INTERFACE = "eni"
    EGRESS_ONLY_INTERNET_GATEWAY = "eigw"
    OTHER_TARGET = "other"
    # Across VPCs (aws-semantics.md section 12): the transit gateway's own parts.
    TRANSIT_GATEWAY_ATTACHMENT = "transit-gateway-attachment"
    TRANSIT_GATEWAY_ROUTE_TABLE = "transit-gateway-route-table"
    # The execution-role check (permissions.py).
    TASK_DEFINITION = "task-definition"
    IAM_ROLE = "iam-role"
    IAM_TRUST_POLICY = "iam-trust-policy"
    IAM_PERMISSION = "iam-permission"


@dataclass(frozen=True, slots=True)
class Hop:
    id: str  # the AWS id of the component (or the service name / address at the end)
    kind: HopKind
    status: Status
    reason: str
    code: str | None = None
    fix: str | None = None
    leg: Leg = "forward"
    summary: str = ""  # for one of several DNS answers: what that answer is
    # The hop admits part of the addresses it was asked about: a narrower question (one ENI
    # instead of its whole subnet) may get another answer.
    partial: bool = False

    def __post_init__(self) -> None:
        # The solver takes every status but "fail" and "unknown" as a pass, so a misspelt
        # one would pass silently: refused where the hop is made.
        if self.status not in _STATUSES:
            raise ValueError(f"hop {self.id}: status {self.status!r} is not pass, fail or unknown")
        if self.leg not in _LEGS:
            raise ValueError(f"hop {self.id}: leg {self.leg!r} is not forward or return")


_STATUSES = frozenset(get_args(Status))
_LEGS = frozenset(get_args(Leg))


@dataclass(frozen=True)
class Judged(Generic[T]):
    """What a rule says of the component a route leads to: its hops, in the order the packet
    meets them (the last decides), and, where the packet goes on past them, the next place
    for the walk to follow. A rule never walks on itself."""

    hops: tuple[Hop, ...]
    next: T | None = None


# The label of the `internet` target: what the words of its hops call it.
INTERNET_LABEL = "the internet"


@dataclass(frozen=True)
class Destination:
    """What a flow is aimed at, as the user named it."""

    kind: Literal["service", "internet", "address", "interface", "hostname"]
    label: str
    service: AwsService | None = None
    address: IPAddress | None = None
    interface_id: str | None = None  # eni-… or i-…
    # The requests the task makes to this target (for endpoint policies), and as whom.
    calls: tuple[ApiCall, ...] = ()
    role_arn: str | None = None


@dataclass(frozen=True)
class FarSide:
    """A destination inside a VPC: its subnet, its security groups and what it is."""

    peer: Peer
    subnet: Subnet
    group_ids: tuple[str, ...] | None  # None: the ENI carries no security group
    terminal: Hop
    endpoint: VpcEndpoint | None = None
    no_group_reason: str = ""
    groups_unknown: str = ""  # why its security groups are not known


def blocking(hop_id: str, kind: HopKind, reason: str, code: str, **fields: object) -> Hop:
    """The hop that drops the packet, with its finding code and its fix."""
    return Hop(hop_id, kind, "fail", reason, code=code, fix=fix_for(code, **fields))


@lru_cache(maxsize=1024)
def flow_text(protocol: str, port: int | PortRange | None) -> str:
    """The flow as the hops word it ("TCP 443", "TCP 1024-65535", "all traffic"): NACL hops
    ask this tens of thousands of times in a scan, for a handful of flows."""
    proto = {"-1": "all traffic", "6": "TCP", "17": "UDP", "1": "ICMP"}.get(
        protocol, f"protocol {protocol}"
    )
    if protocol not in ("6", "17") or port is None:
        return proto
    if isinstance(port, tuple):
        return f"{proto} {describe_ports([port])}"
    return f"{proto} {port}"
