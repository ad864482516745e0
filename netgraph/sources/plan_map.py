"""A plan's resources -> the snapshot's keys, in the shapes AWS's describe calls return
(plan-input.md "Mapping to the snapshot model", "AWS defaults the plan does not show").

``Objects`` holds, per snapshot key, the records by id; the plan's changes are applied to it
(onto an empty one for a plan alone, onto a snapshot's for an overlay), then it becomes a
``RawSnapshot`` for ``build_snapshot``. What stays unresolved is written as a placeholder id
(``unknown_id``) that names no object, so that everything depending on it is ``unknown``.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from netgraph.model import RouteTargetKind
from netgraph.sources.plan_read import Change, Plan
from netgraph.sources.plan_refs import Candidate, Resolver, Unknown, value_at
from netgraph.sources.plan_wording import PLAN

# The key of each snapshot list whose records have an id, and that id's field.
ID_FIELDS = {
    "Vpcs": "VpcId",
    "VpcAttributes": "VpcId",
    "DhcpOptions": "DhcpOptionsId",
    "Subnets": "SubnetId",
    "RouteTables": "RouteTableId",
    "InternetGateways": "InternetGatewayId",
    "EgressOnlyInternetGateways": "EgressOnlyInternetGatewayId",
    "NatGateways": "NatGatewayId",
    "VpcEndpoints": "VpcEndpointId",
    "SecurityGroups": "GroupId",
    "NetworkAcls": "NetworkAclId",
    "NetworkInterfaces": "NetworkInterfaceId",
    "ManagedPrefixLists": "PrefixListId",
    "services": "serviceArn",
    "taskDefinitions": "taskDefinitionArn",
    "RoleDetailList": "Arn",
    "Policies": "Arn",
    "repositories": "repositoryArn",
    "RepositoryPolicies": "repositoryName",
}
# The keys a plan alone describes completely: every object of them is in the plan.
PLAN_KEYS = (
    "Vpcs",
    "VpcAttributes",
    "DhcpOptions",
    "Subnets",
    "RouteTables",
    "InternetGateways",
    "EgressOnlyInternetGateways",
    "NatGateways",
    "VpcEndpoints",
    "SecurityGroups",
    "NetworkAcls",
    "NetworkInterfaces",
    "services",
    "taskDefinitions",
    "RoleDetailList",
    "Policies",
    "repositories",
    "RepositoryPolicies",
)

FULL_ACCESS = json.dumps(
    {"Statement": [{"Action": "*", "Effect": "Allow", "Principal": "*", "Resource": "*"}]}
)
AFTER_APPLY = " (known after apply)"

_NACL_PROTOCOLS = {"tcp": "6", "udp": "17", "icmp": "1", "all": "-1", "-1": "-1", "icmpv6": "58"}
_SG_PROTOCOLS = {"6": "tcp", "17": "udp", "1": "icmp", "all": "-1", "58": "icmpv6"}

# Route target fields of aws_route / aws_route_table.route -> (describe key, kind).
_ROUTE_TARGETS: tuple[tuple[str, str, RouteTargetKind | None], ...] = (
    ("gateway_id", "GatewayId", None),
    ("nat_gateway_id", "NatGatewayId", "nat"),
    ("vpc_endpoint_id", "GatewayId", "gateway-endpoint"),
    ("transit_gateway_id", "TransitGatewayId", "tgw"),
    ("vpc_peering_connection_id", "VpcPeeringConnectionId", "pcx"),
    ("network_interface_id", "NetworkInterfaceId", "eni"),
    ("egress_only_gateway_id", "EgressOnlyInternetGatewayId", "eigw"),
    ("local_gateway_id", "LocalGatewayId", "other"),
    ("carrier_gateway_id", "CarrierGatewayId", "other"),
    ("core_network_arn", "CoreNetworkArn", "other"),
)
# What a resource type's address names as a route target.
_TYPE_KINDS: dict[str, RouteTargetKind] = {
    "aws_internet_gateway": "igw",
    "aws_vpn_gateway": "vgw",
    "aws_vpc_endpoint": "gateway-endpoint",
    "aws_egress_only_internet_gateway": "eigw",
    "aws_nat_gateway": "nat",
    "aws_ec2_transit_gateway": "tgw",
    "aws_vpc_peering_connection": "pcx",
}


@dataclass
class Unresolved:
    address: str
    attribute: str
    reason: str  # "comes from data.aws_subnets.x, which is read during apply"

    def record(self) -> dict[str, str]:
        return {"address": self.address, "attribute": self.attribute, "reason": self.reason}


def unknown_id(address: str, attribute: str) -> str:
    return f"{address}.{attribute}{AFTER_APPLY}"


@dataclass
class Objects:
    """The snapshot's records per key, by id, with what the plan's mapping adds."""

    keys: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    present: set[str] = field(default_factory=set)
    # PrefixListEntries (an object-valued key): the entries of each managed prefix list the
    # plan writes (None: known only after apply), over those of the snapshot (``base``).
    entries: dict[str, list[dict[str, Any]] | None] = field(default_factory=dict)
    base_entries: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def entries_of(self, pl: str) -> list[dict[str, Any]] | None:
        """The entries of ``pl`` as the plan leaves them (written from now on by the plan)."""
        if pl not in self.entries:
            self.entries[pl] = [dict(e) for e in self.base_entries.get(pl, [])]
        return self.entries[pl]

    def put(self, key: str, oid: str, record: dict[str, Any]) -> dict[str, Any]:
        self.present.add(key)
        self.keys.setdefault(key, {})[oid] = record
        return record

    def get(self, key: str, oid: str) -> dict[str, Any] | None:
        return self.keys.get(key, {}).get(oid)

    def drop(self, key: str, oid: str) -> dict[str, Any] | None:
        return self.keys.get(key, {}).pop(oid, None)

    def all(self, key: str) -> list[dict[str, Any]]:
        return list(self.keys.get(key, {}).values())


class Mapper:
    """Applies a plan's changes to ``objects``; ``overlay``: onto a collected account."""

    def __init__(
        self,
        plan: Plan,
        resolver: Resolver,
        objects: Objects,
        region: str,
        account: str | None,
        *,
        overlay: bool,
    ) -> None:
        self.plan = plan
        self.r = resolver
        self.o = objects
        self.region = region
        self.account = account
        self.overlay = overlay
        self.unresolved: list[Unresolved] = []
        self.kinds: dict[str, RouteTargetKind] = {}  # route target id -> what it is
        self.new_vpcs: dict[str, dict[str, Any]] = {}  # vpc name -> its Vpcs record
        self.vpc_of_default: dict[str, str] = {}  # implicit object name -> its VPC
        self.nacl_subnets: dict[str, str] = {}  # subnet -> NACL set by the plan
        self.deleted_ids: set[str] = set()
        self.sensitive: set[str] = set()

    # ---- values -----------------------------------------------------------------------

    def name(self, c: Change) -> str:
        """What the object is called: its AWS id, or its address if the plan creates it."""
        if c.created:
            return c.address
        for part in (c.before, c.after):
            if part and isinstance(part.get("id"), str) and part["id"]:
                return str(part["id"])
        return c.address

    def unknown(self, c: Change, attribute: str, why: Unknown) -> str:
        self.unresolved.append(Unresolved(c.address, attribute, why.why))
        return unknown_id(c.address, attribute)

    def raw(self, c: Change, *path: Any) -> tuple[bool, Any]:
        return value_at(c.after, c.after_unknown, path)

    def one(
        self, c: Change, *path: Any, default: Callable[[], str | None] | None = None
    ) -> str | None:
        """A single-valued reference (plan-input.md step 4)."""
        known, value = self.raw(c, *path)
        attribute = _attr(path)
        if known:
            return self._pl(value) if isinstance(value, str) and value else None
        if default is not None and self.r.expression(c, path) is None:
            return default()
        got = self.r.resolve(c, path, single=True)
        if isinstance(got, Unknown):
            return self.unknown(c, attribute, got)
        cands = _dedupe([x for x in got if not _is_cidr(x.value)])
        if len(cands) == 1:
            return self._pl(self._named(cands[0]))
        return self.unknown(
            c, attribute, Unknown(f"its expression names {len(cands)} objects, not one")
        )

    def many(
        self, c: Change, *path: Any, default: Callable[[], list[str]] | None = None
    ) -> list[str]:
        """A set-valued reference: the union of the candidates, or one unknown id."""
        known, value = self.raw(c, *path)
        if known:
            if value is None:
                return []
            return (
                [self._pl(str(v)) for v in value if v is not None]
                if isinstance(value, list)
                else [self._pl(str(value))]
            )
        if default is not None and self.r.expression(c, path) is None:
            return default()
        got = self.r.resolve(c, path, single=False)
        if isinstance(got, Unknown):
            return [self.unknown(c, _attr(path), got)]
        return [self._pl(self._named(x)) for x in _dedupe(got)]

    def flag(self, c: Change, *path: Any, default: bool | None) -> bool | None:
        known, value = self.raw(c, *path)
        return value if known and isinstance(value, bool) else default

    def _named(self, cand: Candidate) -> str:
        return self.r.aliases.get(cand.value, cand.value)

    def _pl(self, value: str) -> str:
        """An AWS-managed prefix list named by its service (``pl:com.amazonaws.R.s3``): its
        id in the snapshot, else the service name stands for it."""
        if not value.startswith("pl:"):
            return value
        service = value[3:]
        for pl in self.o.all("PrefixLists"):
            if pl.get("PrefixListName") == service and isinstance(pl.get("PrefixListId"), str):
                return str(pl["PrefixListId"])
        return service

    # ---- the plan's changes --------------------------------------------------------------

    def apply(self) -> None:
        changes = [c for c in self.plan.changes if c.mode == "managed"]
        self._adoptions(changes)
        for c in changes:
            if c.deleted and self.overlay:
                self._delete(c)
        for c in changes:
            if c.gone or c.actions == ("forget",) or c.after is None:
                continue
            if self.overlay and c.kind == "no-op" and self._in_snapshot(c):
                continue
            build = PRIMARY.get(c.type)
            if build is not None:
                build(self, c)
        for c in changes:
            if c.gone or c.actions == ("forget",) or c.after is None:
                continue
            if self.overlay and c.kind == "no-op" and self._in_snapshot(c):
                continue
            attach = ATTACHED.get(c.type)
            if attach is not None:
                attach(self, c)
        for record in self.o.all("Subnets"):
            if record.get("_somewhere"):
                vpc = self.o.get("Vpcs", record.get("VpcId") or "") or {}
                record["CidrBlock"] = vpc.get("CidrBlock") or "0.0.0.0/0"
        self._implicit()
        self._endpoint_routes()
        self._nacl_associations()
        self._local_routes()
        self._referenced_vpcs()
        self._blackholes()

    def _in_snapshot(self, c: Change) -> bool:
        key = KEY_OF.get(c.type)
        return key is not None and self.o.get(key, self.name(c)) is not None

    def _adoptions(self, changes: list[Change]) -> None:
        """aws_default_* resources that take an implicit object of a new VPC in this plan."""
        for c in changes:
            attr = {
                "aws_default_route_table": ("default_route_table_id", "main_route_table_id"),
                "aws_default_network_acl": ("default_network_acl_id", "default_network_acl_id"),
                "aws_default_security_group": ("vpc_id", "default_security_group_id"),
            }.get(c.type)
            if attr is None or c.gone:
                continue
            field_name, implicit = attr
            got = self.r.resolve(c, (field_name,), single=True)
            if isinstance(got, Unknown) or len(got) != 1:
                continue
            cand = got[0]
            if cand.type == "aws_vpc":
                self.r.aliases[f"{cand.value}.{implicit}"] = c.address
            elif cand.type == "implicit":
                self.r.aliases[cand.value] = c.address

    def _delete(self, c: Change) -> None:
        old = c.before or {}
        oid = old.get("id") if isinstance(old.get("id"), str) else None
        key = KEY_OF.get(c.type)
        if key is not None and oid:
            record = self.o.drop(key, _key_id(key, c, old, self))
            self.deleted_ids.add(oid)
            if c.type == "aws_vpc_endpoint" and record is not None:
                for eni in record.get("NetworkInterfaceIds") or []:
                    self.o.drop("NetworkInterfaces", eni)
                for rt in self.o.all("RouteTables"):
                    rt["Routes"] = [r for r in rt.get("Routes") or [] if r.get("GatewayId") != oid]
            if c.type == "aws_ec2_managed_prefix_list":
                self.o.entries[oid] = None  # gone with its entries
            if c.type == "aws_network_acl" and record is not None:
                for a in record.get("Associations") or []:
                    subnet = a.get("SubnetId")
                    default = _default_nacl(self.o, record.get("VpcId"))
                    if subnet and default is not None:
                        _associate_nacl(self.o, default, subnet)
            return
        undo = DETACH.get(c.type)
        if undo is not None:
            undo(self, c)

    # ---- what AWS adds ----------------------------------------------------------------

    def _implicit(self) -> None:
        """The main route table, default NACL and default SG of each VPC the plan creates,
        and its DHCP options set (AmazonProvidedDNS) unless an association names one."""
        for vpc_name, vpc in self.new_vpcs.items():
            cidr = vpc.get("CidrBlock")
            rt = self.r.aliases.get(f"{vpc_name}.main_route_table_id", "")
            rt_name = rt or f"{vpc_name}.main_route_table_id"
            record = self.o.get("RouteTables", rt_name)
            if record is None:
                self.o.put(
                    "RouteTables",
                    rt_name,
                    {
                        "RouteTableId": rt_name,
                        "VpcId": vpc_name,
                        "Routes": [],
                        "Associations": [],
                        "_plan": True,
                    },
                )
                record = self.o.get("RouteTables", rt_name)
            assert record is not None
            if not any(
                a.get("Main")
                for t in self.o.all("RouteTables")
                for a in t.get("Associations") or []
                if t.get("VpcId") == vpc_name
            ):
                record.setdefault("Associations", []).append({"Main": True})
            acl = self.r.aliases.get(f"{vpc_name}.default_network_acl_id", "")
            acl_name = acl or f"{vpc_name}.default_network_acl_id"
            if self.o.get("NetworkAcls", acl_name) is None:
                self.o.put(
                    "NetworkAcls",
                    acl_name,
                    {
                        "NetworkAclId": acl_name,
                        "VpcId": vpc_name,
                        "IsDefault": True,
                        "Entries": _default_nacl_entries(cidr),
                        "Associations": [],
                    },
                )
            else:
                self.o.keys["NetworkAcls"][acl_name]["IsDefault"] = True
            sg = self.r.aliases.get(f"{vpc_name}.default_security_group_id", "")
            sg_name = sg or f"{vpc_name}.default_security_group_id"
            if self.o.get("SecurityGroups", sg_name) is None:
                self.o.put(
                    "SecurityGroups",
                    sg_name,
                    {
                        "GroupId": sg_name,
                        "GroupName": "default",
                        "VpcId": vpc_name,
                        "IpPermissions": [
                            {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": sg_name}]}
                        ],
                        "IpPermissionsEgress": [
                            {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
                        ],
                    },
                )
            else:
                self.o.keys["SecurityGroups"][sg_name]["GroupName"] = "default"
            if not vpc.get("DhcpOptionsId"):
                dhcp = f"{vpc_name}.dhcp_options_id"
                vpc["DhcpOptionsId"] = dhcp
                self.o.put(
                    "DhcpOptions",
                    dhcp,
                    {
                        "DhcpOptionsId": dhcp,
                        "DhcpConfigurations": [
                            {
                                "Key": "domain-name-servers",
                                "Values": [{"Value": "AmazonProvidedDNS"}],
                            }
                        ],
                    },
                )

    def _endpoint_routes(self) -> None:
        """A gateway endpoint's route in each of its tables (the provider leaves them out)."""
        for ep in self.o.all("VpcEndpoints"):
            if ep.get("VpcEndpointType") != "Gateway" or not ep.get("_plan"):
                continue
            pl = self._pl(f"pl:{ep.get('ServiceName')}")
            for rt_id in ep.get("RouteTableIds") or []:
                table = self.o.get("RouteTables", rt_id)
                if table is None:
                    continue
                routes = table.setdefault("Routes", [])
                if not any(r.get("GatewayId") == ep["VpcEndpointId"] for r in routes):
                    routes.append(
                        {
                            "DestinationPrefixListId": pl,
                            "GatewayId": ep["VpcEndpointId"],
                            "State": "active",
                            "Origin": "CreateRoute",
                        }
                    )
                    self.kinds[ep["VpcEndpointId"]] = "gateway-endpoint"

    def _nacl_associations(self) -> None:
        """Each subnet the plan creates without a NACL: its VPC's default NACL."""
        taken = {
            a.get("SubnetId")
            for acl in self.o.all("NetworkAcls")
            for a in acl.get("Associations") or []
        }
        for subnet in self.o.all("Subnets"):
            sid = subnet.get("SubnetId")
            if not isinstance(sid, str) or sid in taken or not subnet.get("_plan"):
                continue
            default = _default_nacl(self.o, subnet.get("VpcId"))
            if default is not None:
                _associate_nacl(self.o, default, sid)

    def _local_routes(self) -> None:
        """The local route of every table the plan writes (the provider leaves it out)."""
        for table in self.o.all("RouteTables"):
            if not table.get("_plan"):
                continue
            vpc = self.o.get("Vpcs", table.get("VpcId") or "")
            routes = table.setdefault("Routes", [])
            if any(r.get("GatewayId") == "local" for r in routes):
                continue
            cidrs = (
                [a.get("CidrBlock") for a in vpc.get("CidrBlockAssociationSet") or []]
                if vpc
                else []
            ) or ([vpc.get("CidrBlock")] if vpc else [])
            for cidr in cidrs:
                if cidr:
                    routes.insert(
                        0,
                        {
                            "DestinationCidrBlock": cidr,
                            "GatewayId": "local",
                            "State": "active",
                            "Origin": "CreateRouteTable",
                        },
                    )

    def _referenced_vpcs(self) -> None:
        """A VPC that the plan only names: only what a data source says of it is known."""
        vpcs = self.o.keys.setdefault("Vpcs", {})
        for key in ("Subnets", "RouteTables", "NetworkAcls", "VpcEndpoints"):
            for record in self.o.all(key):
                vpc = record.get("VpcId")
                if isinstance(vpc, str) and vpc not in vpcs:
                    vpcs[vpc] = {"VpcId": vpc, "_stub": True}

    def _blackholes(self) -> None:
        """Routes outside the plan to an object it deletes or replaces name nothing."""
        for table in self.o.all("RouteTables"):
            for r in table.get("Routes") or []:
                for k in ("NatGatewayId", "GatewayId", "NetworkInterfaceId", "TransitGatewayId"):
                    if r.get(k) in self.deleted_ids:
                        r["State"] = "blackhole"

    # ---- route helpers -----------------------------------------------------------------

    def route(self, c: Change, path: tuple[Any, ...]) -> dict[str, Any] | None:
        """One route of ``aws_route_table.route`` or an ``aws_route``, as AWS describes it."""
        prefix = "destination_" if c.type == "aws_route" else ""
        out: dict[str, Any] = {"State": "active", "Origin": "CreateRoute"}
        cidr = self.one(c, *path, f"{prefix}cidr_block")
        v6 = self.one(c, *path, f"{prefix}ipv6_cidr_block")
        pl = self.one(c, *path, "destination_prefix_list_id")
        if cidr:
            out["DestinationCidrBlock"] = cidr
        elif v6:
            out["DestinationIpv6CidrBlock"] = v6
        elif pl:
            out["DestinationPrefixListId"] = pl
        else:
            return None
        for attr, key, kind in _ROUTE_TARGETS:
            value = self.one(c, *path, attr)
            if value:
                out[key] = value
                found = kind or _kind_of(value, self)
                if found is not None:
                    self.kinds[value] = found
                break
        return out


def _attr(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[")


def _dedupe(cands: list[Candidate]) -> list[Candidate]:
    seen: dict[str, Candidate] = {}
    for c in cands:
        seen.setdefault(c.value, c)
    return list(seen.values())


def _is_cidr(text: str) -> bool:
    if "/" not in text:
        return False
    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


def _kind_of(value: str, m: Mapper) -> RouteTargetKind | None:
    """What a route target named by address is (an id's prefix says it for AWS ids)."""
    change = m.plan.by_address.get(value.removesuffix(AFTER_APPLY))
    if change is not None:
        return _TYPE_KINDS.get(change.type)
    return None


def _default_nacl(o: Objects, vpc: Any) -> str | None:
    for acl in o.all("NetworkAcls"):
        if acl.get("VpcId") == vpc and acl.get("IsDefault"):
            return str(acl["NetworkAclId"])
    return None


def _associate_nacl(o: Objects, acl_id: str, subnet: str) -> None:
    for acl in o.all("NetworkAcls"):
        acl["Associations"] = [
            a for a in acl.get("Associations") or [] if a.get("SubnetId") != subnet
        ]
    record = o.get("NetworkAcls", acl_id)
    if record is not None:
        record.setdefault("Associations", []).append({"SubnetId": subnet, "NetworkAclId": acl_id})


def _default_nacl_entries(cidr: Any) -> list[dict[str, Any]]:
    out = []
    for egress in (False, True):
        out.append(
            {
                "RuleNumber": 100,
                "Protocol": "-1",
                "RuleAction": "allow",
                "Egress": egress,
                "CidrBlock": "0.0.0.0/0",
            }
        )
        out.append(_deny(egress))
    return out


def _deny(egress: bool) -> dict[str, Any]:
    return {
        "RuleNumber": 32767,
        "Protocol": "-1",
        "RuleAction": "deny",
        "Egress": egress,
        "CidrBlock": "0.0.0.0/0",
    }


def _key_id(key: str, c: Change, old: dict[str, Any], m: Mapper) -> str:
    """The id under which the snapshot holds the object a plan resource denotes."""
    if key == "RoleDetailList":
        return str(old.get("arn") or "")
    if key in ("Policies", "taskDefinitions"):
        return str(old.get("arn") or "")
    if key == "services":
        return str(old.get("id") or "")
    if key == "RepositoryPolicies":
        return str(old.get("repository") or "")
    if key == "repositories":
        return str(old.get("arn") or "")
    return str(old.get("id") or "")


# The per-type builders are in plan_types (imported last: it registers them here).
PRIMARY: dict[str, Callable[[Mapper, Change], None]] = {}
ATTACHED: dict[str, Callable[[Mapper, Change], None]] = {}
DETACH: dict[str, Callable[[Mapper, Change], None]] = {}
KEY_OF: dict[str, str] = {}

__all__ = ["PLAN", "Mapper", "Objects", "Unresolved", "unknown_id"]
