"""Security groups: stateful, allow-only; the rules of all groups on an ENI are unioned.

AWS: https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
A rule admits a flow by protocol and destination port, and by peer: an IPv4/IPv6 CIDR, a
prefix list's CIDRs (or the prefix list itself, for AWS services reached through a gateway
endpoint), or a referenced security group, which matches the *private* addresses of the ENIs
that carry it. Being stateful, the reply needs no rule.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from netgraph.evaluate.addresses import Peer, describe_networks, split
from netgraph.findings import fix_for
from netgraph.flows import Source
from netgraph.hop import Hop, HopKind, flow_text
from netgraph.model import (
    ALL_PROTOCOLS,
    ICMP,
    ICMPV6,
    IPNetwork,
    PrefixList,
    SecurityGroup,
    SecurityGroupRule,
    Snapshot,
    Vpc,
)

Status = Literal["pass", "fail", "unknown"]


@dataclass(frozen=True)
class SgDecision:
    status: Status
    reason: str
    matched: tuple[str, ...] = ()  # "sg-…: tcp 443 to 0.0.0.0/0" for each rule used
    uncovered: tuple[IPNetwork, ...] = ()


def rule_text(group_id: str, rule: SecurityGroupRule, egress: bool) -> str:
    proto = {"-1": "all traffic", "6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6"}.get(
        rule.protocol, f"protocol {rule.protocol}"
    )
    ports = ""
    if rule.protocol in ("6", "17") and rule.from_port is not None:
        ports = (
            f" {rule.from_port}"
            if rule.from_port == rule.to_port
            else f" {rule.from_port}-{rule.to_port}"
        )
    direction = "to" if egress else "from"
    return f"{group_id}: {proto}{ports} {direction} {rule.peer_text}"


def rule_admits_traffic(rule: SecurityGroupRule, protocol: str, port: int | None) -> bool:
    """Does the rule's protocol/port part admit the flow (peer aside)?"""
    if rule.protocol == ALL_PROTOCOLS:
        return True
    if protocol == ALL_PROTOCOLS or rule.protocol != protocol:
        return False
    if protocol in (ICMP, ICMPV6) or rule.protocol not in ("6", "17"):
        return True  # ICMP type/code and other protocols: port plays no part here
    if rule.from_port is None or rule.to_port is None:
        # The loader refuses TCP/UDP rules without ports; never read them as "all ports".
        return False
    if port is None:
        return rule.from_port == 0 and rule.to_port == 65535
    return rule.from_port <= port <= rule.to_port


def evaluate_security_groups(
    groups: Sequence[SecurityGroup],
    *,
    egress: bool,
    protocol: str,
    port: int | None,
    peer: Peer,
    prefix_lists: Mapping[str, PrefixList] | None,
) -> SgDecision:
    """Do the groups (unioned) admit the flow to/from every address of ``peer``?"""
    if not peer.networks:
        # Admitting "every address of nobody" would pass vacuously.
        return SgDecision("unknown", f"the addresses of {peer.label} are not known")
    remaining: list[IPNetwork] = list(peer.networks)
    matched: list[str] = []
    maybe: list[str] = []
    for group in groups:
        for rule in group.egress if egress else group.ingress:
            if not remaining:
                break
            if not rule_admits_traffic(rule, protocol, port):
                continue
            covered: list[IPNetwork] = []
            if rule.peer_kind == "cidr" and rule.cidr is not None:
                covered, remaining = split(remaining, rule.cidr)
            elif rule.peer_kind == "group":
                if rule.group_id in peer.group_ids and (
                    peer.vpc_id is None or group.vpc_id in (None, peer.vpc_id)
                ):
                    covered, remaining = remaining, []
            elif rule.peer_kind == "prefix-list" and rule.prefix_list_id is not None:
                if rule.prefix_list_id == peer.prefix_list_id:
                    covered, remaining = remaining, []
                else:
                    pl = (prefix_lists or {}).get(rule.prefix_list_id)
                    if pl is None or pl.cidrs is None:
                        maybe.append(rule.prefix_list_id)
                        continue
                    for net in pl.cidrs:
                        inside, remaining = split(remaining, net)
                        covered.extend(inside)
            if covered:
                matched.append(rule_text(group.id, rule, egress))
    ids = ", ".join(g.id for g in groups)
    direction = "egress" if egress else "ingress"
    what = _flow_text(protocol, port, egress, peer)
    if not remaining:
        return SgDecision(
            "pass", f"{direction} of {ids} admits {what} ({'; '.join(matched)})", tuple(matched)
        )
    if maybe:
        return SgDecision(
            "unknown",
            f"{direction} of {ids} admits {what} only if prefix list "
            f"{', '.join(sorted(set(maybe)))} holds it, and its entries are not in the snapshot",
            tuple(matched),
            tuple(remaining),
        )
    if matched and peer.approximate:
        return SgDecision(
            "unknown",
            f"{direction} of {ids} admits {what} only for "
            f"{describe_networks(_covered(peer, remaining))}; whether its "
            "addresses fall there is not known",
            tuple(matched),
            tuple(remaining),
        )
    if matched:
        return SgDecision(
            "fail",
            f"{direction} of {ids} admits {what} only in part: no rule for "
            f"{describe_networks(remaining)}",
            tuple(matched),
            tuple(remaining),
        )
    return SgDecision("fail", f"no {direction} rule of {ids} admits {what}", (), tuple(remaining))


def _covered(peer: Peer, remaining: list[IPNetwork]) -> list[IPNetwork]:
    out = list(peer.networks)
    for net in remaining:
        out = split(out, net)[1]
    return out


def _flow_text(protocol: str, port: int | None, egress: bool, peer: Peer) -> str:
    proto = {"-1": "all traffic", "6": "TCP", "17": "UDP", "1": "ICMP"}.get(
        protocol, f"protocol {protocol}"
    )
    port_text = f" {port}" if port is not None and protocol in ("6", "17") else ""
    return f"{proto}{port_text} {'to' if egress else 'from'} {peer.label}"


def groups_by_id(snapshot: Snapshot, ids: Sequence[str]) -> list[SecurityGroup] | str:
    """The groups of ``ids``, or why they cannot be judged."""
    known = snapshot.security_groups
    if known is None:
        return snapshot.missing_reason("SecurityGroups")
    missing = [g for g in ids if g not in known]
    if missing:
        return f"{', '.join(missing)} not in SecurityGroups"
    return [known[g] for g in ids]


def source_groups(snapshot: Snapshot, source: Source, vpc: Vpc | None) -> list[SecurityGroup] | str:
    """The groups on the source's ENI, or why they cannot be judged."""
    if source.groups_unknown:
        return source.groups_unknown
    if source.uses_default_group and not source.security_group_ids:
        return (
            "the service names no security group, so Fargate uses the default group "
            f"of {vpc.id if vpc else 'the VPC'}, which is not in the snapshot"
        )
    return groups_by_id(snapshot, source.security_group_ids)


def sg_judged(
    decision: SgDecision,
    groups: Sequence[SecurityGroup],
    *,
    egress: bool,
    peer: Peer,
    protocol: str,
    port: int | None,
    source_group_ids: tuple[str, ...],
    source_label: str,
) -> Hop:
    """The hop of the source's groups (``egress``) or the far side's (ingress, with the
    source as the peer: ``source_group_ids``, else ``source_label``), worded from
    ``decision`` (``evaluate_security_groups``)."""
    kind = HopKind.SECURITY_GROUP_EGRESS if egress else HopKind.SECURITY_GROUP_INGRESS
    hop_id = groups[0].id
    if decision.status == "fail":
        direction = "outbound" if egress else "inbound"
        if peer.group_ids:
            target = f"{sorted(peer.group_ids)[0]} (the destination's security group)"
        elif peer.prefix_list_id:
            target = f"the prefix list {peer.prefix_list_id}"
        elif peer.approximate:
            target = "0.0.0.0/0"
        else:
            target = describe_networks(decision.uncovered)
        if not egress:
            target = (
                f"{source_group_ids[0]} (the source's security group)"
                if source_group_ids
                else source_label
            )
        flow = f"{flow_text(protocol, port)} {'to' if egress else 'from'} {target}"
        return Hop(
            hop_id,
            kind,
            "fail",
            decision.reason,
            code="ENI_SG_RULES_MISMATCH",
            fix=fix_for("ENI_SG_RULES_MISMATCH", group=hop_id, direction=direction, flow=flow),
            partial=bool(decision.matched),
        )
    return Hop(hop_id, kind, decision.status, decision.reason)
