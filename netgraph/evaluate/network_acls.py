"""Network ACLs: stateless, numbered rules, lowest number first, first match wins.

AWS: https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html
A rule matches on protocol, the *destination* port of the packet in that direction and the
peer CIDR (destination for outbound rules, source for inbound). What no rule matches is
denied by the `*` rule (returned by the API as rule 32767).
"""

from __future__ import annotations

from dataclasses import dataclass

from netgraph.evaluate.addresses import PortRange, split, split_ports
from netgraph.model import ALL_PROTOCOLS, IPNetwork, NetworkAcl, NetworkAclEntry

DEFAULT_DENY_RULE = 32767


@dataclass(frozen=True)
class AclPiece:
    """One part of the flow (addresses x ports) and the rule that decided it."""

    networks: tuple[IPNetwork, ...]
    ports: PortRange
    rule_number: int  # 32767 for the default `*` rule
    allow: bool


@dataclass(frozen=True)
class AclDecision:
    acl_id: str
    egress: bool
    pieces: tuple[AclPiece, ...]

    @property
    def allows_all(self) -> bool:
        # No piece means no address was asked about: nothing is shown to be allowed.
        return bool(self.pieces) and all(p.allow for p in self.pieces)

    @property
    def denies_all(self) -> bool:
        return not any(p.allow for p in self.pieces)

    def denied(self) -> list[AclPiece]:
        return [p for p in self.pieces if not p.allow]

    def allowed(self) -> list[AclPiece]:
        return [p for p in self.pieces if p.allow]


def _protocol_matches(entry: NetworkAclEntry, protocol: str) -> bool:
    # A flow of protocol -1 ("any IP packet") is matched only by all-protocol rules.
    return entry.protocol == ALL_PROTOCOLS or entry.protocol == protocol


def evaluate_acl(
    acl: NetworkAcl,
    *,
    egress: bool,
    protocol: str,
    ports: PortRange,
    peer: tuple[IPNetwork, ...],
) -> AclDecision:
    """Decide every address x port of the flow by the first rule that matches it."""
    boxes: list[tuple[list[IPNetwork], PortRange]] = [(list(peer), ports)]
    decided: list[AclPiece] = []
    for entry in acl.entries:
        if entry.egress != egress or not _protocol_matches(entry, protocol):
            continue
        rule_ports = (
            None
            if entry.port_from is None or entry.port_to is None
            else (entry.port_from, entry.port_to)
        )
        next_boxes: list[tuple[list[IPNetwork], PortRange]] = []
        for nets, box_ports in boxes:
            inside, outside = split(nets, entry.cidr)
            if outside:
                next_boxes.append((outside, box_ports))
            if not inside:
                continue
            hit, rest = split_ports(box_ports, rule_ports)
            for r in rest:
                next_boxes.append((inside, r))
            if hit is not None:
                decided.append(AclPiece(tuple(inside), hit, entry.rule_number, entry.allow))
        boxes = next_boxes
        if not boxes:
            break
    for nets, box_ports in boxes:
        decided.append(AclPiece(tuple(nets), box_ports, DEFAULT_DENY_RULE, False))
    return AclDecision(acl_id=acl.id, egress=egress, pieces=tuple(decided))


def acl_allows(
    acl: NetworkAcl, *, egress: bool, protocol: str, port: int, address: IPNetwork
) -> tuple[bool, int]:
    """One packet: allowed?, and the number of the rule that decided."""
    decision = evaluate_acl(
        acl, egress=egress, protocol=protocol, ports=(port, port), peer=(address,)
    )
    piece = decision.pieces[0]
    return piece.allow, piece.rule_number
