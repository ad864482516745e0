"""Network ACLs: stateless, numbered rules, lowest number first, first match wins.

AWS: https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html
A rule matches on protocol, the *destination* port of the packet in that direction and the
peer CIDR (destination for outbound rules, source for inbound). What no rule matches is
denied by the `*` rule (returned by the API as rule 32767).
"""

from __future__ import annotations

from dataclasses import dataclass

from netgraph.evaluate.addresses import (
    EPHEMERAL_RECOMMENDED,
    Peer,
    PortRange,
    describe_networks,
    split,
    split_ports,
    within,
)
from netgraph.findings import fix_for
from netgraph.hop import Hop, HopKind, Leg, Status, flow_text
from netgraph.model import ALL_PROTOCOLS, IPNetwork, NetworkAcl, NetworkAclEntry, Vpc

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


def acl_verdict(
    decision: AclDecision,
    acl: NetworkAcl,
    *,
    where: str,
    egress: bool,
    ports: PortRange | None,
    span: PortRange,
    peer: Peer,
    leg: Leg,
    protocol: str,
    port: int | None,
    vpc: Vpc | None,
) -> Hop:
    """The hop of one NACL crossing, worded from ``decision`` (``evaluate_acl`` of ``span``).
    ``ports``: the ports the crossing names (a leg's ephemeral range), None for the flow's
    own; ``where``: the subnet (or side) the NACL guards."""

    def flow(ports: int | PortRange | None) -> str:
        return flow_text(protocol, port if ports is None else ports)

    kind = HopKind.NETWORK_ACL_OUTBOUND if egress else HopKind.NETWORK_ACL_INBOUND
    direction = "outbound" if egress else "inbound"
    to_from = "to" if egress else "from"
    what = f"{flow(span if ports else None)} {to_from} {peer.label}"
    leg_text = " (return traffic)" if leg == "return" else ""
    if decision.allows_all:
        rules = sorted({p.rule_number for p in decision.pieces})
        return Hop(
            acl.id,
            kind,
            "pass",
            f"{direction} rule {', '.join(map(str, rules))} of "
            f"{acl.id} ({where}) allows {what}{leg_text}",
            leg=leg,
        )
    denied = decision.denied()
    deny_rule = min(p.rule_number for p in denied)
    rule_text = "the default rule (*)" if deny_rule == DEFAULT_DENY_RULE else f"rule {deny_rule}"
    denied_nets = sorted(
        {n for p in denied for n in p.networks},
        key=lambda n: (n.version, int(n.network_address)),
    )
    denied_ports = sorted({p.ports for p in denied})
    if (
        not decision.denies_all
        and peer.approximate
        and len(denied_ports) == 1
        and denied_ports[0] == span
    ):
        status: Status = "unknown"
        reason = (
            f"{direction} rules of {acl.id} ({where}) allow {what} only for part of "
            f"the addresses; {rule_text} denies {describe_networks(denied_nets)}"
        )
    else:
        status = "fail"
        part = "" if decision.denies_all else " for part of the flow"
        denied_text = peer.label if decision.denies_all else describe_networks(denied_nets)
        reason = (
            f"{rule_text} of {acl.id} ({where}) denies {direction} "
            f"{flow(denied_ports[0] if ports else None)} {to_from} "
            f"{denied_text}{part}{leg_text}"
        )
    if status == "unknown":
        return Hop(acl.id, kind, status, reason, leg=leg)
    fix_ports = EPHEMERAL_RECOMMENDED if leg == "return" else span
    rule_clause = (
        f", with a rule number below {deny_rule}" if deny_rule != DEFAULT_DENY_RULE else ""
    )
    return Hop(
        acl.id,
        kind,
        "fail",
        reason,
        code="SUBNET_ACL_RESTRICTION",
        fix=fix_for(
            "SUBNET_ACL_RESTRICTION",
            direction=direction,
            acl=acl.id,
            rule_clause=rule_clause,
            flow=f"{flow(fix_ports)} {to_from} {acl_fix_peer(vpc, peer, denied_nets)}",
        ),
        leg=leg,
        partial=not decision.denies_all,
    )


def acl_fix_peer(vpc: Vpc | None, peer: Peer, denied: list[IPNetwork]) -> str:
    """The CIDR to name in a NACL fix: one rule that mends every flow of this kind."""
    if peer.approximate:
        return "0.0.0.0/0"
    if peer.prefix_list_id:
        # NACLs cannot name prefix lists: their CIDRs, or everything.
        return f"0.0.0.0/0 (or each CIDR of {peer.prefix_list_id})"
    vpc_cidrs = [c for c in (vpc.cidrs if vpc else ()) if all(within(n, c) for n in denied)]
    if vpc_cidrs:
        return str(vpc_cidrs[0])
    return describe_networks(denied)
