"""One builder per resource type of the mapping table (plan-input.md "Mapping to the
snapshot model"): each writes its object, in AWS's describe shape, into ``Mapper.o``."""

from __future__ import annotations

import json
from typing import Any

from netgraph.sources.plan_map import (
    AFTER_APPLY,
    ATTACHED,
    DETACH,
    FULL_ACCESS,
    KEY_OF,
    PRIMARY,
    Mapper,
    _associate_nacl,
    _default_nacl,
    _deny,
    unknown_id,
)
from netgraph.sources.plan_read import Change
from netgraph.sources.plan_refs import Unknown

_NACL_PROTOCOLS = {"tcp": "6", "udp": "17", "icmp": "1", "all": "-1", "icmpv6": "58"}
_SG_PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "all": "-1"}


def _upsert(m: Mapper, key: str, oid: str, fields: dict[str, Any]) -> dict[str, Any]:
    record = m.o.get(key, oid)
    if record is None:
        return m.o.put(key, oid, {**fields, "_plan": True})
    record.update(fields)
    record["_plan"] = True
    return record


def _before(c: Change) -> Change:
    """The change as it was before: to find what a deleted rule or association denoted."""
    return Change(
        c.address, c.module_address, c.mode, c.type, c.name, c.index, ("no-op",),
        c.before, c.before, {}, c.provider,
    )  # fmt: skip


# ---- EC2: VPCs, subnets, gateways ------------------------------------------------------


def vpc(m: Mapper, c: Change) -> None:
    oid = m.name(c)
    fields: dict[str, Any] = {"VpcId": oid}
    cidr = m.one(c, "cidr_block")
    if cidr:
        fields["CidrBlock"] = cidr
        existing = m.o.get("Vpcs", oid)
        if existing is None or not existing.get("CidrBlockAssociationSet"):
            fields["CidrBlockAssociationSet"] = [
                {"CidrBlock": cidr, "CidrBlockState": {"State": "associated"}}
            ]
    known, dhcp = m.raw(c, "dhcp_options_id")
    if known and isinstance(dhcp, str) and dhcp:
        fields["DhcpOptionsId"] = dhcp
    record = _upsert(m, "Vpcs", oid, fields)
    attrs: dict[str, Any] = {"VpcId": oid}
    support = m.flag(c, "enable_dns_support", default=True if c.created else None)
    # Not set in the configuration: unknown in the plan, and false on a new VPC.
    hostnames = m.flag(c, "enable_dns_hostnames", default=False if c.created else None)
    if support is not None:
        attrs["EnableDnsSupport"] = {"Value": support}
    if hostnames is not None:
        attrs["EnableDnsHostnames"] = {"Value": hostnames}
    _upsert(m, "VpcAttributes", oid, attrs)
    if c.created:
        m.new_vpcs[oid] = record


def vpc_cidr(m: Mapper, c: Change) -> None:
    vpc_id = m.one(c, "vpc_id")
    cidr = m.one(c, "cidr_block")
    record = m.o.get("Vpcs", vpc_id or "")
    if record is not None and cidr:
        record.setdefault("CidrBlockAssociationSet", []).append(
            {"CidrBlock": cidr, "CidrBlockState": {"State": "associated"}}
        )


def subnet(m: Mapper, c: Change) -> None:
    oid = m.name(c)
    fields: dict[str, Any] = {"SubnetId": oid, "VpcId": m.one(c, "vpc_id")}
    cidr = m.one(c, "cidr_block")
    if cidr:
        fields["CidrBlock"] = cidr
    zone = m.one(c, "availability_zone")
    if zone and not zone.endswith(")"):
        fields["AvailabilityZone"] = zone
    public = m.flag(c, "map_public_ip_on_launch", default=None)
    if public is not None:
        fields["MapPublicIpOnLaunch"] = public
    _upsert(m, "Subnets", oid, fields)


def internet_gateway(m: Mapper, c: Change) -> None:
    oid = m.name(c)
    m.kinds[oid] = "igw"
    vpc_id = m.one(c, "vpc_id")
    attachments = [{"VpcId": vpc_id, "State": "available"}] if vpc_id else []
    _upsert(m, "InternetGateways", oid, {"InternetGatewayId": oid, "Attachments": attachments})


def igw_attachment(m: Mapper, c: Change) -> None:
    igw = m.one(c, "internet_gateway_id")
    vpc_id = m.one(c, "vpc_id")
    record = m.o.get("InternetGateways", igw or "")
    if record is not None and vpc_id:
        record.setdefault("Attachments", []).append({"VpcId": vpc_id, "State": "available"})


def egress_only_gateway(m: Mapper, c: Change) -> None:
    oid = m.name(c)
    m.kinds[oid] = "eigw"
    vpc_id = m.one(c, "vpc_id")
    _upsert(
        m,
        "EgressOnlyInternetGateways",
        oid,
        {
            "EgressOnlyInternetGatewayId": oid,
            "Attachments": [{"VpcId": vpc_id, "State": "attached"}],
        },
    )


def nat_gateway(m: Mapper, c: Change) -> None:
    oid = m.name(c)
    m.kinds[oid] = "nat"
    subnet_id = m.one(c, "subnet_id")
    subnet_rec = m.o.get("Subnets", subnet_id or "")
    known, kind = m.raw(c, "connectivity_type")
    fields: dict[str, Any] = {
        "NatGatewayId": oid,
        "SubnetId": subnet_id,
        "State": "available",
        "ConnectivityType": kind if known and isinstance(kind, str) else "public",
    }
    if subnet_rec is not None and subnet_rec.get("VpcId"):
        fields["VpcId"] = subnet_rec["VpcId"]
    addresses: dict[str, Any] = {}
    for attr, key in (("public_ip", "PublicIp"), ("private_ip", "PrivateIp")):
        known, value = m.raw(c, attr)
        if known and isinstance(value, str) and value:
            addresses[key] = value
    if addresses:
        fields["NatGatewayAddresses"] = [addresses]
    _upsert(m, "NatGateways", oid, fields)


# ---- route tables ------------------------------------------------------------------------


def _inline_routes(m: Mapper, c: Change) -> list[dict[str, Any]]:
    known, routes = m.raw(c, "route")
    if not known or not isinstance(routes, list):
        return []
    out = []
    for i in range(len(routes)):
        r = m.route(c, ("route", i))
        if r is not None:
            out.append(r)
    return out


def _kept_routes(record: dict[str, Any] | None) -> list[dict[str, Any]]:
    """What aws_route_table never lists: the local route, propagated routes and gateway
    endpoint routes (kept as collected when the plan updates the table)."""
    if record is None:
        return []
    return [
        r
        for r in record.get("Routes") or []
        if r.get("GatewayId") == "local"
        or r.get("Origin") == "EnableVgwRoutePropagation"
        or (r.get("DestinationPrefixListId") and str(r.get("GatewayId", "")).startswith("vpce-"))
    ]


def route_table(m: Mapper, c: Change) -> None:
    oid = m.name(c)
    existing = m.o.get("RouteTables", oid)
    routes = _kept_routes(existing) + _inline_routes(m, c)
    _upsert(
        m,
        "RouteTables",
        oid,
        {
            "RouteTableId": oid,
            "VpcId": m.one(c, "vpc_id"),
            "Routes": routes,
            "Associations": (existing or {}).get("Associations") or [],
        },
    )


def default_route_table(m: Mapper, c: Change) -> None:
    oid = m.one(c, "default_route_table_id") or c.address
    if c.address in m.r.aliases.values():
        oid = c.address
    existing = m.o.get("RouteTables", oid)
    vpc_id = (existing or {}).get("VpcId") or _vpc_of_implicit(m, c.address)
    routes = _kept_routes(existing) + _inline_routes(m, c)
    assoc = (existing or {}).get("Associations") or [{"Main": True}]
    _upsert(
        m,
        "RouteTables",
        oid,
        {"RouteTableId": oid, "VpcId": vpc_id, "Routes": routes, "Associations": assoc},
    )


def _vpc_of_implicit(m: Mapper, address: str) -> str | None:
    for implicit, adopter in m.r.aliases.items():
        if adopter == address:
            return implicit.rsplit(".", 1)[0]
    return None


def route(m: Mapper, c: Change) -> None:
    table_id = m.one(c, "route_table_id")
    table = m.o.get("RouteTables", table_id or "")
    r = m.route(c, ())
    if table is None or r is None:
        return
    table["Routes"] = [x for x in table.get("Routes") or [] if not _same_destination(x, r)] + [r]
    table["_plan"] = True


def _same_destination(a: dict[str, Any], b: dict[str, Any]) -> bool:
    keys = ("DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId")
    return any(a.get(k) is not None and a.get(k) == b.get(k) for k in keys)


def route_detach(m: Mapper, c: Change) -> None:
    old = _before(c)
    table = m.o.get("RouteTables", m.one(old, "route_table_id") or "")
    r = m.route(old, ())
    if table is not None and r is not None:
        table["Routes"] = [x for x in table.get("Routes") or [] if not _same_destination(x, r)]


def route_table_association(m: Mapper, c: Change) -> None:
    subnet_id = m.one(c, "subnet_id")
    table_id = m.one(c, "route_table_id")
    if not subnet_id:
        return  # an edge association (gateway_id): not used for egress
    for t in m.o.all("RouteTables"):
        t["Associations"] = [
            a for a in t.get("Associations") or [] if a.get("SubnetId") != subnet_id
        ]
    table = m.o.get("RouteTables", table_id or "")
    if table is not None:
        table.setdefault("Associations", []).append(
            {"SubnetId": subnet_id, "RouteTableId": table_id, "Main": False}
        )
    elif table_id:
        # A table that is not in the model (unresolved, or not in the plan): its routes are
        # unknown, not the main table's. Only the local route is certain; everything else
        # leaves through a target netgraph cannot follow (unknown, never reachable).
        m.o.put(
            "RouteTables",
            table_id,
            {
                "RouteTableId": table_id,
                "VpcId": (m.o.get("Subnets", subnet_id) or {}).get("VpcId") or table_id,
                "Routes": [
                    {"DestinationCidrBlock": dest, "GatewayId": table_id, "State": "active"}
                    for dest in ("0.0.0.0/0", "::/0")
                ],
                "Associations": [{"SubnetId": subnet_id, "Main": False}],
                "_plan": True,
            },
        )
        m.kinds[table_id] = "other"


def route_table_association_detach(m: Mapper, c: Change) -> None:
    old = _before(c)
    subnet_id = m.one(old, "subnet_id")
    for t in m.o.all("RouteTables"):
        t["Associations"] = [
            a for a in t.get("Associations") or [] if a.get("SubnetId") != subnet_id
        ]


def main_route_table_association(m: Mapper, c: Change) -> None:
    vpc_id = m.one(c, "vpc_id")
    table_id = m.one(c, "route_table_id")
    for t in m.o.all("RouteTables"):
        if t.get("VpcId") == vpc_id:
            t["Associations"] = [a for a in t.get("Associations") or [] if not a.get("Main")]
    table = m.o.get("RouteTables", table_id or "")
    if table is not None:
        table.setdefault("Associations", []).append({"Main": True})


# ---- VPC endpoints ------------------------------------------------------------------------


def _default_group_of(m: Mapper, vpc_id: str | None) -> list[str]:
    for sg in m.o.all("SecurityGroups"):
        if sg.get("VpcId") == vpc_id and sg.get("GroupName") == "default":
            return [str(sg["GroupId"])]
    if vpc_id in m.new_vpcs:
        return [
            m.r.aliases.get(
                f"{vpc_id}.default_security_group_id", f"{vpc_id}.default_security_group_id"
            )
        ]
    return [f"the default security group of {vpc_id}"]


def vpc_endpoint(m: Mapper, c: Change) -> None:
    oid = m.name(c)
    known, kind = m.raw(c, "vpc_endpoint_type")
    kind = kind if known and isinstance(kind, str) else "Gateway"
    vpc_id = m.one(c, "vpc_id")
    service = m.one(c, "service_name") or ""
    existing = m.o.get("VpcEndpoints", oid)
    fields: dict[str, Any] = {
        "VpcEndpointId": oid,
        "VpcId": vpc_id,
        "VpcEndpointType": kind,
        "ServiceName": service,
        "State": (existing or {}).get("State") or "available",
    }
    if kind == "Interface":
        fields["SubnetIds"] = m.many(c, "subnet_ids", default=list)
        for sid in fields["SubnetIds"]:
            if sid.endswith(AFTER_APPLY) and m.o.get("Subnets", sid) is None:
                _unknown_subnet(m, sid, vpc_id)
        fields["Groups"] = [
            {"GroupId": g}
            for g in m.many(c, "security_group_ids", default=lambda: _default_group_of(m, vpc_id))
        ]
        fields["PrivateDnsEnabled"] = bool(m.flag(c, "private_dns_enabled", default=False))
        if existing is not None:
            enis = {e.get("NetworkInterfaceId"): e for e in m.o.all("NetworkInterfaces")}
            fields["NetworkInterfaceIds"] = [
                e
                for e in existing.get("NetworkInterfaceIds") or []
                if (enis.get(e) or {}).get("SubnetId") in fields["SubnetIds"]
            ]
    else:
        m.kinds[oid] = "gateway-endpoint"
        fields["RouteTableIds"] = m.many(c, "route_table_ids", default=list)
        fields["PrivateDnsEnabled"] = False
    known, policy = m.raw(c, "policy")
    if known and isinstance(policy, str) and policy:
        fields["PolicyDocument"] = policy
    elif m.r.expression(c, ("policy",)) is None:
        fields["PolicyDocument"] = FULL_ACCESS  # none given: full access
    else:
        got = m.r.resolve(c, ("policy",), single=True)
        doc = got[0].value if not isinstance(got, Unknown) and len(got) == 1 else None
        if doc is not None and doc.lstrip().startswith("{"):
            fields["PolicyDocument"] = doc
        else:
            why = got if isinstance(got, Unknown) else Unknown("its policy cannot be resolved")
            m.unresolved.append(_unresolved(c, "policy", why))
            fields.pop("PolicyDocument", None)
            if existing is not None:
                existing.pop("PolicyDocument", None)
    _upsert(m, "VpcEndpoints", oid, fields)


def _unknown_subnet(m: Mapper, sid: str, vpc_id: str | None) -> None:
    """The subnets of an endpoint known only after apply: one subnet somewhere in the VPC,
    with no network ACL known, so every path to its network interfaces is unknown (an
    endpoint without subnets would read as one without network interfaces: blocked)."""
    m.o.put("Subnets", sid, {"SubnetId": sid, "VpcId": vpc_id, "_somewhere": True})


def _unresolved(c: Change, attribute: str, why: Unknown) -> Any:
    from netgraph.sources.plan_map import Unresolved

    return Unresolved(c.address, attribute, why.why)


def endpoint_route_table(m: Mapper, c: Change) -> None:
    ep = m.o.get("VpcEndpoints", m.one(c, "vpc_endpoint_id") or "")
    table = m.one(c, "route_table_id")
    if ep is not None and table:
        ep.setdefault("RouteTableIds", []).append(table)
        ep["_plan"] = True


def endpoint_route_table_detach(m: Mapper, c: Change) -> None:
    old = _before(c)
    ep_id = m.one(old, "vpc_endpoint_id") or ""
    table_id = m.one(old, "route_table_id") or ""
    ep = m.o.get("VpcEndpoints", ep_id)
    if ep is not None:
        ep["RouteTableIds"] = [t for t in ep.get("RouteTableIds") or [] if t != table_id]
    table = m.o.get("RouteTables", table_id)
    if table is not None:
        table["Routes"] = [r for r in table.get("Routes") or [] if r.get("GatewayId") != ep_id]


def endpoint_subnet(m: Mapper, c: Change) -> None:
    ep = m.o.get("VpcEndpoints", m.one(c, "vpc_endpoint_id") or "")
    subnet_id = m.one(c, "subnet_id")
    if ep is not None and subnet_id:
        ep.setdefault("SubnetIds", []).append(subnet_id)


def endpoint_group(m: Mapper, c: Change) -> None:
    ep = m.o.get("VpcEndpoints", m.one(c, "vpc_endpoint_id") or "")
    group = m.one(c, "security_group_id")
    if ep is None or not group:
        return
    if m.flag(c, "replace_default_association", default=False):
        ep["Groups"] = []
    ep.setdefault("Groups", []).append({"GroupId": group})


def endpoint_policy(m: Mapper, c: Change) -> None:
    ep = m.o.get("VpcEndpoints", m.one(c, "vpc_endpoint_id") or "")
    known, policy = m.raw(c, "policy")
    if ep is None:
        return
    if known and isinstance(policy, str):
        ep["PolicyDocument"] = policy
    else:
        ep.pop("PolicyDocument", None)
        m.unresolved.append(_unresolved(c, "policy", Unknown("its document is unknown")))


# ---- security groups ------------------------------------------------------------------


def _permission(
    m: Mapper,
    c: Change,
    path: tuple[Any, ...],
    *,
    protocol: str,
    ports: tuple[Any, Any],
    peers: dict[str, list[str]],
) -> dict[str, Any]:
    proto = _SG_PROTOCOLS.get(str(protocol).lower(), str(protocol).lower())
    perm: dict[str, Any] = {"IpProtocol": proto}
    if proto != "-1" and ports[0] is not None:
        perm["FromPort"], perm["ToPort"] = int(ports[0]), int(ports[1])
    if peers.get("cidr"):
        perm["IpRanges"] = [{"CidrIp": x} for x in peers["cidr"]]
    if peers.get("cidr6"):
        perm["Ipv6Ranges"] = [{"CidrIpv6": x} for x in peers["cidr6"]]
    if peers.get("pl"):
        perm["PrefixListIds"] = [{"PrefixListId": x} for x in peers["pl"]]
    if peers.get("sg"):
        perm["UserIdGroupPairs"] = [{"GroupId": x} for x in peers["sg"]]
    return perm


def _inline_rules(m: Mapper, c: Change, kind: str, group_id: str) -> list[dict[str, Any]]:
    known, blocks = m.raw(c, kind)
    if not known:
        # Unknown with no block configured: none (Terraform removes AWS's allow-all egress).
        if m.r.expression(c, (kind,)) is None:
            return []
        got = m.r.resolve(c, (kind,), single=False)
        m.unresolved.append(
            _unresolved(c, kind, got if isinstance(got, Unknown) else Unknown("its blocks"))
        )
        return [
            {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": unknown_id(c.address, kind)}]}
        ]
    out = []
    unknown_marks = (c.after_unknown or {}).get(kind) if isinstance(c.after_unknown, dict) else None
    for i, block in enumerate(blocks or []):
        peers: dict[str, list[str]] = {}
        marks = (
            unknown_marks[i] if isinstance(unknown_marks, list) and i < len(unknown_marks) else {}
        )
        for attr, slot in (
            ("cidr_blocks", "cidr"),
            ("ipv6_cidr_blocks", "cidr6"),
            ("prefix_list_ids", "pl"),
            ("security_groups", "sg"),
        ):
            if isinstance(marks, dict) and marks.get(attr) is True:
                single = sum(
                    1 for x in unknown_marks or [] if isinstance(x, dict) and x.get(attr) is True
                )
                got = (
                    m.r.resolve(c, (kind,), single=False)
                    if single == 1
                    else Unknown(f"several {kind} blocks have an unknown {attr}")
                )
                if isinstance(got, Unknown):
                    peers.setdefault(slot if slot != "cidr" else "sg", []).append(
                        m.unknown(c, f"{kind}.{attr}", got)
                    )
                else:
                    values = [m._pl(m._named(x)) for x in got]
                    peers.setdefault(slot, []).extend(values)
                continue
            peers.setdefault(slot, []).extend(str(v) for v in block.get(attr) or [] if v)
        if block.get("self"):
            peers.setdefault("sg", []).append(group_id)
        out.append(
            _permission(
                m,
                c,
                (kind, i),
                protocol=block.get("protocol", "-1"),
                ports=(block.get("from_port"), block.get("to_port")),
                peers=peers,
            )
        )
    return out


def security_group(m: Mapper, c: Change) -> None:
    oid = m.name(c)
    _sg(m, c, oid, name=str((c.after or {}).get("name") or ""))


def _sg(m: Mapper, c: Change, oid: str, name: str) -> None:
    fields: dict[str, Any] = {
        "GroupId": oid,
        "GroupName": name,
        "VpcId": m.one(c, "vpc_id"),
        "IpPermissions": _inline_rules(m, c, "ingress", oid),
        "IpPermissionsEgress": _inline_rules(m, c, "egress", oid),
    }
    _upsert(m, "SecurityGroups", oid, fields)


def default_security_group(m: Mapper, c: Change) -> None:
    vpc_id = m.one(c, "vpc_id")
    oid = None
    if not c.created:
        oid = m.name(c)
    elif vpc_id in m.new_vpcs or c.address in m.r.aliases.values():
        oid = c.address
    else:
        for sg in m.o.all("SecurityGroups"):
            if sg.get("VpcId") == vpc_id and sg.get("GroupName") == "default":
                oid = str(sg["GroupId"])
    _sg(m, c, oid or c.address, name="default")


def _rule_of(m: Mapper, c: Change) -> tuple[str | None, bool, dict[str, Any]]:
    """(group, egress, permission) of an SG rule resource."""
    if c.type == "aws_security_group_rule":
        group = m.one(c, "security_group_id")
        egress = (c.after or {}).get("type") == "egress"
        peers: dict[str, list[str]] = {
            "cidr": m.many(c, "cidr_blocks"),
            "cidr6": m.many(c, "ipv6_cidr_blocks"),
            "pl": m.many(c, "prefix_list_ids"),
        }
        other = m.one(c, "source_security_group_id")
        if (c.after or {}).get("self"):
            peers["sg"] = [group or ""]
        elif other:
            peers["sg"] = [other]
        after = c.after or {}
        perm = _permission(
            m, c, (), protocol=str(after.get("protocol", "-1")),
            ports=(after.get("from_port"), after.get("to_port")), peers=peers,
        )  # fmt: skip
        return group, egress, perm
    group = m.one(c, "security_group_id")
    egress = c.type.endswith("egress_rule")
    after = c.after or {}
    peers = {}
    for attr, slot in (
        ("cidr_ipv4", "cidr"),
        ("cidr_ipv6", "cidr6"),
        ("prefix_list_id", "pl"),
        ("referenced_security_group_id", "sg"),
    ):
        known, value = m.raw(c, attr)
        if known and value:
            peers[slot] = [m._pl(str(value))]
        elif not known:
            peers[slot] = [v for v in [m.one(c, attr)] if v]
    perm = _permission(
        m, c, (), protocol=str(after.get("ip_protocol", "-1")),
        ports=(after.get("from_port"), after.get("to_port")), peers=peers,
    )  # fmt: skip
    return group, egress, perm


def sg_rule(m: Mapper, c: Change) -> None:
    group, egress, perm = _rule_of(m, c)
    sg = m.o.get("SecurityGroups", group or "")
    if sg is not None:
        sg.setdefault("IpPermissionsEgress" if egress else "IpPermissions", []).append(perm)


def sg_rule_detach(m: Mapper, c: Change) -> None:
    group, egress, perm = _rule_of(m, _before(c))
    sg = m.o.get("SecurityGroups", group or "")
    if sg is None:
        return
    key = "IpPermissionsEgress" if egress else "IpPermissions"
    kept = []
    for p in sg.get(key) or []:
        same = all(p.get(k) == perm.get(k) for k in ("IpProtocol", "FromPort", "ToPort"))
        if same:
            for peers in ("IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs"):
                gone = perm.get(peers) or []
                p[peers] = [x for x in p.get(peers) or [] if not any(_peer_eq(x, g) for g in gone)]
            if not any(
                p.get(k) for k in ("IpRanges", "Ipv6Ranges", "PrefixListIds", "UserIdGroupPairs")
            ):
                continue
        kept.append(p)
    sg[key] = kept


def _peer_eq(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return all(a.get(k) == v for k, v in b.items())


# ---- network ACLs ---------------------------------------------------------------------------


def _entry(
    protocol: Any, action: Any, egress: bool, number: Any, cidr: Any, v6: Any, low: Any, high: Any
) -> dict[str, Any]:
    proto = _NACL_PROTOCOLS.get(str(protocol).lower(), str(protocol))
    e: dict[str, Any] = {
        "RuleNumber": int(number),
        "Protocol": proto,
        "RuleAction": str(action).lower(),
        "Egress": egress,
    }
    if v6:
        e["Ipv6CidrBlock"] = v6
    else:
        e["CidrBlock"] = cidr or "0.0.0.0/0"
    if proto not in ("-1",) and low is not None:
        e["PortRange"] = {"From": int(low), "To": int(high)}
    return e


def _acl_entries(m: Mapper, c: Change) -> list[dict[str, Any]]:
    out = []
    for kind, egress in (("ingress", False), ("egress", True)):
        known, blocks = m.raw(c, kind)
        for b in (blocks if known and isinstance(blocks, list) else []) or []:
            out.append(
                _entry(
                    b.get("protocol"), b.get("action"), egress, b.get("rule_no"),
                    b.get("cidr_block"), b.get("ipv6_cidr_block"), b.get("from_port"),
                    b.get("to_port"),
                )
            )  # fmt: skip
    return [*out, _deny(False), _deny(True)]


def network_acl(m: Mapper, c: Change) -> None:
    oid = m.name(c)
    subnets = m.many(c, "subnet_ids", default=list)
    _upsert(
        m,
        "NetworkAcls",
        oid,
        {
            "NetworkAclId": oid,
            "VpcId": m.one(c, "vpc_id"),
            "IsDefault": False,
            "Entries": _acl_entries(m, c),
            "Associations": [],
        },
    )
    for s in subnets:
        _associate_nacl(m.o, oid, s)


def default_network_acl(m: Mapper, c: Change) -> None:
    oid = m.one(c, "default_network_acl_id") or c.address
    if c.address in m.r.aliases.values():
        oid = c.address
    existing = m.o.get("NetworkAcls", oid)
    vpc_id = (existing or {}).get("VpcId") or _vpc_of_implicit(m, c.address) or m.one(c, "vpc_id")
    _upsert(
        m,
        "NetworkAcls",
        oid,
        {
            "NetworkAclId": oid,
            "VpcId": vpc_id,
            "IsDefault": True,
            "Entries": _acl_entries(m, c),
            "Associations": (existing or {}).get("Associations") or [],
        },
    )
    for s in m.many(c, "subnet_ids", default=list):
        _associate_nacl(m.o, oid, s)


def _nacl_rule(m: Mapper, c: Change) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    acl = m.o.get("NetworkAcls", m.one(c, "network_acl_id") or "")
    a = c.after or {}
    e = _entry(
        a.get("protocol"), a.get("rule_action"), bool(a.get("egress")), a.get("rule_number"),
        a.get("cidr_block"), a.get("ipv6_cidr_block"), a.get("from_port"), a.get("to_port"),
    )  # fmt: skip
    return acl, e


def nacl_rule(m: Mapper, c: Change) -> None:
    acl, e = _nacl_rule(m, c)
    if acl is None:
        return
    acl["Entries"] = [
        x
        for x in acl.get("Entries") or []
        if not (x.get("Egress") == e["Egress"] and x.get("RuleNumber") == e["RuleNumber"])
    ] + [e]


def nacl_rule_detach(m: Mapper, c: Change) -> None:
    acl, e = _nacl_rule(m, _before(c))
    if acl is not None:
        acl["Entries"] = [
            x
            for x in acl.get("Entries") or []
            if not (x.get("Egress") == e["Egress"] and x.get("RuleNumber") == e["RuleNumber"])
        ]


def nacl_association(m: Mapper, c: Change) -> None:
    acl = m.one(c, "network_acl_id")
    subnet_id = m.one(c, "subnet_id")
    if acl and subnet_id:
        _associate_nacl(m.o, acl, subnet_id)


def nacl_association_detach(m: Mapper, c: Change) -> None:
    old = _before(c)
    subnet_id = m.one(old, "subnet_id") or ""
    vpc = (m.o.get("Subnets", subnet_id) or {}).get("VpcId")
    default = _default_nacl(m.o, vpc)
    if default is not None:
        _associate_nacl(m.o, default, subnet_id)


# ---- DHCP options -------------------------------------------------------------------------


def dhcp_options(m: Mapper, c: Change) -> None:
    oid = m.name(c)
    after = c.after or {}
    confs = []
    servers = after.get("domain_name_servers")
    if servers:
        confs.append({"Key": "domain-name-servers", "Values": [{"Value": s} for s in servers]})
    if after.get("domain_name"):
        confs.append({"Key": "domain-name", "Values": [{"Value": after["domain_name"]}]})
    _upsert(m, "DhcpOptions", oid, {"DhcpOptionsId": oid, "DhcpConfigurations": confs})


def dhcp_association(m: Mapper, c: Change) -> None:
    vpc_id = m.one(c, "vpc_id")
    dhcp = m.one(c, "dhcp_options_id")
    record = m.o.get("Vpcs", vpc_id or "")
    if record is not None and dhcp:
        record["DhcpOptionsId"] = dhcp


# ---- managed prefix lists -----------------------------------------------------------------


def managed_prefix_list(m: Mapper, c: Change) -> None:
    oid = m.name(c)
    after = c.after or {}
    _upsert(
        m,
        "ManagedPrefixLists",
        oid,
        {
            k: v
            for k, v in (
                ("PrefixListId", oid),
                ("PrefixListName", after.get("name")),
                ("AddressFamily", after.get("address_family")),
                ("MaxEntries", after.get("max_entries")),
            )
            if v is not None
        },
    )
    m.o.present.add("PrefixListEntries")
    known, blocks = m.raw(c, "entry")
    if known and isinstance(blocks, list):
        entries = [
            {"Cidr": b["cidr"], "Description": b.get("description") or ""}
            for b in blocks
            if isinstance(b, dict) and isinstance(b.get("cidr"), str) and b["cidr"]
        ]
        if len(entries) == len(blocks):
            m.o.entries[oid] = entries
            return
    elif m.r.expression(c, ("entry",)) is None:
        # No entry block: none but the aws_ec2_managed_prefix_list_entry resources' (the
        # provider shows the computed set as unknown on create).
        m.o.entries[oid] = [] if c.created else m.o.entries_of(oid)
        return
    m.o.entries[oid] = None  # its CIDRs are unknown: what depends on them is unknown
    m.unresolved.append(_unresolved(c, "entry", Unknown("its entries are known only after apply")))


def _prefix_list_entry(m: Mapper, c: Change) -> tuple[str | None, str | None]:
    pl = m.one(c, "prefix_list_id")
    known, cidr = m.raw(c, "cidr")
    return pl, cidr if known and isinstance(cidr, str) and cidr else None


def prefix_list_entry(m: Mapper, c: Change) -> None:
    pl, cidr = _prefix_list_entry(m, c)
    if not pl:
        return
    entries = m.o.entries_of(pl)
    if entries is None:
        return
    if cidr is None:
        m.o.entries[pl] = None  # an entry whose CIDR is unknown: the list's CIDRs are
        m.unresolved.append(_unresolved(c, "cidr", Unknown("it is known only after apply")))
        return
    description = (c.after or {}).get("description") or ""
    m.o.entries[pl] = [e for e in entries if e.get("Cidr") != cidr] + [
        {"Cidr": cidr, "Description": description}
    ]


def prefix_list_entry_detach(m: Mapper, c: Change) -> None:
    pl, cidr = _prefix_list_entry(m, _before(c))
    entries = m.o.entries_of(pl) if pl else None
    if pl and entries is not None and cidr:
        m.o.entries[pl] = [e for e in entries if e.get("Cidr") != cidr]


# ---- ECS --------------------------------------------------------------------------------


def _cluster_name(m: Mapper, c: Change) -> str:
    value = m.one(c, "cluster", default=lambda: "default") or "default"
    cluster = m.plan.by_address.get(value)
    if cluster is not None:
        name = (cluster.after or {}).get("name")
        return str(name) if name else value
    return value.rsplit("/", 1)[-1]


def ecs_service(m: Mapper, c: Change) -> None:
    oid = m.name(c)
    after = c.after or {}
    known, conf = m.raw(c, "network_configuration")
    fields: dict[str, Any] = {
        "serviceName": str(after.get("name") or c.address),
        "serviceArn": oid,
        "clusterArn": f"cluster/{_cluster_name(m, c)}",
        "taskDefinition": m.one(c, "task_definition") or "",
    }
    known_lt, launch = m.raw(c, "launch_type")
    if known_lt and isinstance(launch, str) and launch:
        fields["launchType"] = launch
    if known and isinstance(conf, list) and conf:
        subnets = m.many(c, "network_configuration", 0, "subnets")
        groups = m.many(c, "network_configuration", 0, "security_groups", default=list)
        public = bool((conf[0] or {}).get("assign_public_ip"))
        fields["networkConfiguration"] = {
            "awsvpcConfiguration": {
                "subnets": subnets,
                "securityGroups": groups,
                "assignPublicIp": "ENABLED" if public else "DISABLED",
            }
        }
    _upsert(m, "services", oid, fields)


def task_definition(m: Mapper, c: Change) -> None:
    oid = m.name(c) if c.created else str((c.after or {}).get("arn") or m.name(c))
    after = c.after or {}
    fields: dict[str, Any] = {
        "taskDefinitionArn": oid,
        "family": str(after.get("family") or c.name),
        "networkMode": after.get("network_mode"),
        "requiresCompatibilities": after.get("requires_compatibilities") or [],
    }
    role = m.one(c, "execution_role_arn")
    if role:
        fields["executionRoleArn"] = role
    known, text = m.raw(c, "container_definitions")
    if known and isinstance(text, str):
        try:
            fields["containerDefinitions"] = json.loads(text)
        except ValueError:
            fields["containerDefinitions"] = []
    else:
        m.unresolved.append(
            _unresolved(
                c, "container_definitions", Unknown("its images are known only after apply")
            )
        )
    _upsert(m, "taskDefinitions", oid, fields)


# ---- IAM and ECR ------------------------------------------------------------------------


def _doc(value: Any) -> Any:
    return value if isinstance(value, str) and value else None


def iam_role(m: Mapper, c: Change) -> None:
    after = c.after or {}
    oid = c.address if c.created else str(after.get("arn") or (c.before or {}).get("arn") or "")
    fields: dict[str, Any] = {
        "Arn": oid,
        "RoleName": str(after.get("name") or c.name),
        "Path": after.get("path") or "/",
    }
    known, trust = m.raw(c, "assume_role_policy")
    if known and _doc(trust):
        fields["AssumeRolePolicyDocument"] = trust
    inline = []
    known, blocks = m.raw(c, "inline_policy")
    for b in (blocks if known and isinstance(blocks, list) else []) or []:
        if b.get("name") and _doc(b.get("policy")):
            inline.append({"PolicyName": b["name"], "PolicyDocument": b["policy"]})
    known, arns = m.raw(c, "managed_policy_arns")
    attached = [{"PolicyArn": a} for a in (arns if known and isinstance(arns, list) else []) if a]
    existing = m.o.get("RoleDetailList", oid)
    if existing is not None and not inline:
        inline = existing.get("RolePolicyList") or []
    if existing is not None and not attached:
        attached = existing.get("AttachedManagedPolicies") or []
    fields["RolePolicyList"] = inline
    fields["AttachedManagedPolicies"] = attached
    boundary = after.get("permissions_boundary")
    if boundary:
        fields["PermissionsBoundary"] = {"PermissionsBoundaryArn": boundary}
    _upsert(m, "RoleDetailList", oid, fields)


def _role_by_name(m: Mapper, c: Change) -> dict[str, Any] | None:
    name = m.one(c, "role")
    for r in m.o.all("RoleDetailList"):
        if r.get("RoleName") == name or r.get("Arn") == name:
            return r
    return None


def role_policy(m: Mapper, c: Change) -> None:
    role = _role_by_name(m, c)
    if role is None:
        return
    known, doc = m.raw(c, "policy")
    name = (c.after or {}).get("name") or c.name
    role["RolePolicyList"] = [
        p for p in role.get("RolePolicyList") or [] if p.get("PolicyName") != name
    ]
    if known and _doc(doc):
        role["RolePolicyList"].append({"PolicyName": name, "PolicyDocument": doc})
    else:
        got = m.r.resolve(c, ("policy",), single=True)
        text = got[0].value if not isinstance(got, Unknown) and len(got) == 1 else None
        if text and text.lstrip().startswith("{"):
            role["RolePolicyList"].append({"PolicyName": name, "PolicyDocument": text})
        else:
            why = got if isinstance(got, Unknown) else Unknown("its document cannot be resolved")
            m.unresolved.append(_unresolved(c, "policy", why))
            role["RolePolicyList"].append({"PolicyName": name, "PolicyDocument": "{unknown"})


def role_policy_detach(m: Mapper, c: Change) -> None:
    old = _before(c)
    role = _role_by_name(m, old)
    if role is not None:
        name = (c.before or {}).get("name")
        role["RolePolicyList"] = [
            p for p in role.get("RolePolicyList") or [] if p.get("PolicyName") != name
        ]


def role_policy_attachment(m: Mapper, c: Change) -> None:
    role = _role_by_name(m, c)
    arn = m.one(c, "policy_arn")
    if role is not None and arn:
        role.setdefault("AttachedManagedPolicies", []).append({"PolicyArn": arn})


def role_policy_attachment_detach(m: Mapper, c: Change) -> None:
    old = _before(c)
    role = _role_by_name(m, old)
    arn = (c.before or {}).get("policy_arn")
    if role is not None:
        role["AttachedManagedPolicies"] = [
            p for p in role.get("AttachedManagedPolicies") or [] if p.get("PolicyArn") != arn
        ]


def iam_policy(m: Mapper, c: Change) -> None:
    after = c.after or {}
    oid = c.address if c.created else str(after.get("arn") or "")
    known, doc = m.raw(c, "policy")
    versions = [{"Document": doc, "IsDefaultVersion": True}] if known and _doc(doc) else []
    _upsert(
        m,
        "Policies",
        oid,
        {"Arn": oid, "PolicyName": after.get("name"), "PolicyVersionList": versions},
    )


def ecr_repository(m: Mapper, c: Change) -> None:
    after = c.after or {}
    name = str(after.get("name") or c.name)
    account = m.account or "000000000000"
    arn = f"arn:aws:ecr:{m.region}:{account}:repository/{name}"
    _upsert(m, "repositories", arn, {"repositoryArn": arn, "repositoryName": name})


def ecr_repository_policy(m: Mapper, c: Change) -> None:
    repo = m.one(c, "repository") or ""
    repo_change = m.plan.by_address.get(repo)
    if repo_change is not None:
        repo = str((repo_change.after or {}).get("name") or repo)
    known, doc = m.raw(c, "policy")
    record: dict[str, Any] = {"registryId": m.account or "000000000000", "repositoryName": repo}
    if known and _doc(doc):
        record["policyText"] = doc
    else:
        m.unresolved.append(_unresolved(c, "policy", Unknown("its document is unknown")))
        record["policyText"] = "{unknown"
    _upsert(m, "RepositoryPolicies", repo, record)


PRIMARY.update(
    {
        "aws_vpc": vpc,
        "aws_subnet": subnet,
        "aws_internet_gateway": internet_gateway,
        "aws_egress_only_internet_gateway": egress_only_gateway,
        "aws_nat_gateway": nat_gateway,
        "aws_route_table": route_table,
        "aws_default_route_table": default_route_table,
        "aws_vpc_endpoint": vpc_endpoint,
        "aws_security_group": security_group,
        "aws_default_security_group": default_security_group,
        "aws_network_acl": network_acl,
        "aws_default_network_acl": default_network_acl,
        "aws_vpc_dhcp_options": dhcp_options,
        "aws_ecs_service": ecs_service,
        "aws_ecs_task_definition": task_definition,
        "aws_iam_role": iam_role,
        "aws_iam_policy": iam_policy,
        "aws_ecr_repository": ecr_repository,
        "aws_ec2_managed_prefix_list": managed_prefix_list,
    }
)
ATTACHED.update(
    {
        "aws_vpc_ipv4_cidr_block_association": vpc_cidr,
        "aws_internet_gateway_attachment": igw_attachment,
        "aws_route": route,
        "aws_route_table_association": route_table_association,
        "aws_main_route_table_association": main_route_table_association,
        "aws_vpc_endpoint_route_table_association": endpoint_route_table,
        "aws_vpc_endpoint_subnet_association": endpoint_subnet,
        "aws_vpc_endpoint_security_group_association": endpoint_group,
        "aws_vpc_endpoint_policy": endpoint_policy,
        "aws_security_group_rule": sg_rule,
        "aws_vpc_security_group_ingress_rule": sg_rule,
        "aws_vpc_security_group_egress_rule": sg_rule,
        "aws_network_acl_rule": nacl_rule,
        "aws_network_acl_association": nacl_association,
        "aws_vpc_dhcp_options_association": dhcp_association,
        "aws_iam_role_policy": role_policy,
        "aws_iam_role_policy_attachment": role_policy_attachment,
        "aws_ecr_repository_policy": ecr_repository_policy,
        "aws_ec2_managed_prefix_list_entry": prefix_list_entry,
    }
)
DETACH.update(
    {
        "aws_route": route_detach,
        "aws_route_table_association": route_table_association_detach,
        "aws_vpc_endpoint_route_table_association": endpoint_route_table_detach,
        "aws_security_group_rule": sg_rule_detach,
        "aws_vpc_security_group_ingress_rule": sg_rule_detach,
        "aws_vpc_security_group_egress_rule": sg_rule_detach,
        "aws_network_acl_rule": nacl_rule_detach,
        "aws_network_acl_association": nacl_association_detach,
        "aws_iam_role_policy": role_policy_detach,
        "aws_iam_role_policy_attachment": role_policy_attachment_detach,
        "aws_ec2_managed_prefix_list_entry": prefix_list_entry_detach,
    }
)
KEY_OF.update(
    {
        "aws_vpc": "Vpcs",
        "aws_subnet": "Subnets",
        "aws_internet_gateway": "InternetGateways",
        "aws_egress_only_internet_gateway": "EgressOnlyInternetGateways",
        "aws_nat_gateway": "NatGateways",
        "aws_route_table": "RouteTables",
        "aws_vpc_endpoint": "VpcEndpoints",
        "aws_security_group": "SecurityGroups",
        "aws_network_acl": "NetworkAcls",
        "aws_vpc_dhcp_options": "DhcpOptions",
        "aws_ecs_service": "services",
        "aws_ecs_task_definition": "taskDefinitions",
        "aws_iam_role": "RoleDetailList",
        "aws_iam_policy": "Policies",
        "aws_ec2_managed_prefix_list": "ManagedPrefixLists",
    }
)
