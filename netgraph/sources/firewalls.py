"""Security groups and network ACLs (EC2 describe responses) -> model.

Security-group permissions, which a large account has by the hundred thousand, are read by a
fast path over plain dicts; anything it does not recognise goes to the validating reader,
which names the error. Both refuse what ``sg_ports_problem`` refuses.
"""

from __future__ import annotations

from typing import Any

from netgraph.model import (
    TCP,
    UDP,
    NetworkAcl,
    NetworkAclEntry,
    SecurityGroup,
    SecurityGroupRule,
)
from netgraph.sources.reader import (
    Obj,
    SnapshotError,
    _cidr_fast,
    has_empty_id,
    normalize_protocol,
)


def _sg_rules(o: Obj, key: str) -> tuple[SecurityGroupRule, ...]:
    fast = _sg_rules_fast(o.data.get(key))
    return fast if fast is not None else _sg_rules_read(o, key)


_SG_PEERS = (
    ("IpRanges", "CidrIp", "cidr"),
    ("Ipv6Ranges", "CidrIpv6", "cidr"),
    ("PrefixListIds", "PrefixListId", "prefix-list"),
    ("UserIdGroupPairs", "GroupId", "group"),
)


def _sg_rules_fast(perms: Any) -> tuple[SecurityGroupRule, ...] | None:
    """``_sg_rules_read`` for well-formed permissions (a large account has hundreds of
    thousands of rules), checking the same types without the reader's bookkeeping. None:
    something is off; let ``_sg_rules_read`` read them and name the error."""
    if perms is None:
        return ()
    if type(perms) is not list:
        return None
    rules: list[SecurityGroupRule] = []
    for perm in perms:
        if type(perm) is not dict:
            return None
        protocol = perm.get("IpProtocol")
        low = perm.get("FromPort")
        high = perm.get("ToPort")
        if (
            type(protocol) is not str
            or (low is not None and type(low) is not int)
            or (high is not None and type(high) is not int)
        ):
            return None
        protocol = normalize_protocol(protocol)
        if sg_ports_problem(protocol, low, high) is not None:
            return None
        for list_key, key, peer_kind in _SG_PEERS:
            peers = perm.get(list_key)
            if peers is None:
                continue
            if type(peers) is not list:
                return None
            for peer in peers:
                if type(peer) is not dict or has_empty_id(peer):
                    return None
                value = peer.get(key)
                if peer_kind == "cidr":
                    if value is None:
                        continue  # a range without its CIDR names no peer
                    cidr = _cidr_fast(value)
                    if cidr is None:
                        return None
                    rules.append(SecurityGroupRule(protocol, low, high, "cidr", cidr=cidr))
                elif type(value) is not str:
                    return None
                elif peer_kind == "group":
                    rules.append(SecurityGroupRule(protocol, low, high, "group", group_id=value))
                else:
                    rules.append(
                        SecurityGroupRule(protocol, low, high, "prefix-list", prefix_list_id=value)
                    )
    return tuple(rules)


def sg_ports_problem(protocol: str, low: int | None, high: int | None) -> str | None:
    """What is wrong with a security-group permission's ports, if anything.

    AWS returns FromPort and ToPort on every TCP and UDP permission, 0-65535 with
    FromPort <= ToPort (all ports: 0-65535). Read as "all ports", a permission without them
    would admit what AWS may not: so it is refused, never widened."""
    if protocol not in (TCP, UDP):
        return None
    if low is None or high is None:
        missing = " and ".join(k for k, v in (("FromPort", low), ("ToPort", high)) if v is None)
        return f"a TCP/UDP permission without {missing} (AWS always returns both)"
    if not (0 <= low <= 65535 and 0 <= high <= 65535):
        return f"ports {low}-{high} are outside 0-65535"
    if low > high:
        return f"FromPort {low} is above ToPort {high}"
    return None


def _sg_rules_read(o: Obj, key: str) -> tuple[SecurityGroupRule, ...]:
    rules: list[SecurityGroupRule] = []
    for perm in o.objs(key):
        protocol = normalize_protocol(perm.req("IpProtocol"))
        ports = (perm.opt_int("FromPort"), perm.opt_int("ToPort"))
        problem = sg_ports_problem(protocol, *ports)
        if problem is not None:
            raise SnapshotError(f"{perm.at()}: {problem}")
        # AWS sends all four lists on every permission, most of them empty.
        present = perm.data
        if present.get("IpRanges", []) != []:
            for r in perm.objs("IpRanges"):
                rules.append(SecurityGroupRule(protocol, *ports, "cidr", cidr=r.network("CidrIp")))
        if present.get("Ipv6Ranges", []) != []:
            for r in perm.objs("Ipv6Ranges"):
                rules.append(
                    SecurityGroupRule(protocol, *ports, "cidr", cidr=r.network("CidrIpv6"))
                )
        if present.get("PrefixListIds", []) != []:
            for r in perm.objs("PrefixListIds"):
                rules.append(
                    SecurityGroupRule(
                        protocol, *ports, "prefix-list", prefix_list_id=r.req("PrefixListId")
                    )
                )
        if present.get("UserIdGroupPairs", []) != []:
            for r in perm.objs("UserIdGroupPairs"):
                rules.append(
                    SecurityGroupRule(protocol, *ports, "group", group_id=r.req("GroupId"))
                )
    return tuple(r for r in rules if r.peer_kind != "cidr" or r.cidr is not None)


def security_group(o: Obj) -> SecurityGroup:
    return SecurityGroup(
        id=o.req("GroupId"),
        vpc_id=o.opt_str("VpcId"),
        name=o.opt_str("GroupName") or "",
        ingress=_sg_rules(o, "IpPermissions"),
        egress=_sg_rules(o, "IpPermissionsEgress"),
    )


def network_acl(o: Obj) -> NetworkAcl:
    entries = []
    for e in o.objs("Entries"):
        cidr = e.network("CidrBlock") or e.network("Ipv6CidrBlock")
        if cidr is None:
            raise SnapshotError(e.wording.none_of(e.at(), "entry", ("CidrBlock", "Ipv6CidrBlock")))
        number = e.opt_int("RuleNumber")
        if number is None:
            raise SnapshotError(e.wording.missing(e.at(), "RuleNumber"))
        action = e.req("RuleAction").lower()
        if action not in ("allow", "deny"):
            raise SnapshotError(
                e.wording.wrong(e.at("RuleAction"), f"allow or deny, got '{action}'")
            )
        protocol = normalize_protocol(e.req("Protocol"))
        port_from = port_to = None
        if protocol in (TCP, UDP):
            # AWS returns a PortRange on every TCP/UDP entry; read as "all ports", one
            # without it would widen an allow rule: refused instead.
            ports = e.opt_obj("PortRange")
            if ports is None:
                raise SnapshotError(e.wording.without(e.at(), "a TCP/UDP entry", "PortRange"))
            port_from, port_to = ports.opt_int("From"), ports.opt_int("To")
            if port_from is None or port_to is None:
                got = (ports.data.get("From"), ports.data.get("To"))
                raise SnapshotError(ports.wording.missing_pair(ports.at(), ("From", "To"), got))
            if not (0 <= port_from <= port_to <= 65535):
                raise SnapshotError(
                    f"{ports.at()}: ports {port_from}-{port_to} are not a range within 0-65535"
                )
        entries.append(
            NetworkAclEntry(
                rule_number=number,
                egress=bool(e.opt_bool("Egress")),
                protocol=protocol,
                allow=action == "allow",
                cidr=cidr,
                port_from=port_from,
                port_to=port_to,
            )
        )
    entries.sort(key=lambda x: x.rule_number)
    return NetworkAcl(
        id=o.req("NetworkAclId"),
        vpc_id=o.req("VpcId"),
        is_default=bool(o.opt_bool("IsDefault")),
        entries=tuple(entries),
        subnet_ids=tuple(
            s for a in o.objs("Associations") if (s := a.opt_str("SubnetId")) is not None
        ),
        name=o.name_tag(),
    )
