"""Snapshot file or folder (raw AWS response JSON) -> model.

All validation of outside data happens here. Every problem is a :class:`SnapshotError`
whose message is one line naming the file and the key; the CLI turns it into exit code 2.
Absent keys stay ``None`` on the model (not collected); empty lists become empty indexes.
"""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from netgraph.arns import account_of, names_an_image
from netgraph.gc_pause import collector_paused
from netgraph.model import (
    TCP,
    UDP,
    CollectionError,
    ContainerDefinition,
    DhcpOptions,
    EcsService,
    Instance,
    InternetGateway,
    IPAddress,
    IPNetwork,
    NatGateway,
    NetworkAcl,
    NetworkAclEntry,
    NetworkInterface,
    Policy,
    PrefixList,
    Role,
    Route,
    RouteTable,
    RouteTargetKind,
    SecurityGroup,
    SecurityGroupRule,
    Snapshot,
    StoppedTask,
    Subnet,
    TaskDefinition,
    Vpc,
    VpcEndpoint,
)
from netgraph.sources.policies import parse_policy, shipped_managed_policies


class SnapshotError(Exception):
    """Bad input: the message is one line that names the file and the key."""

    def __init__(self, message: str) -> None:
        # Values quoted from the input may hold line breaks; the message stays one line.
        super().__init__(message.replace("\r", "\\r").replace("\n", "\\n"))


# Keys the format defines (snapshot-format.md). Others are ignored with a warning.
KNOWN_KEYS = frozenset(
    {
        "SnapshotVersion",
        "Region",
        "AccountId",
        "CollectedAt",
        "CollectionErrors",
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
        "Reservations",
        "ManagedPrefixLists",
        "PrefixLists",
        "PrefixListEntries",
        "services",
        "taskDefinitions",
        "taskDefinition",
        "tags",
        "tasks",
        "failures",
        "RoleDetailList",
        "Policies",
        "UserDetailList",
        "GroupDetailList",
        "IsTruncated",
        "Marker",
        "NextToken",
        "repositories",
        "RepositoryPolicies",
    }
)

_PROTOCOL_NAMES = {"tcp": "6", "udp": "17", "icmp": "1", "icmpv6": "58", "all": "-1"}


@lru_cache(maxsize=256)
def normalize_protocol(value: str) -> str:
    """AWS writes protocols as names ("tcp") in SGs and numbers ("6") in NACLs. (A handful of
    values, asked once per security-group permission: kept.)"""
    text = value.strip().lower()
    return _PROTOCOL_NAMES.get(text, text)


# ---- a typed reader over raw JSON that knows where it is -----------------------------------


class Obj:
    """A JSON object plus the file and key path it came from, for error messages.

    The path is kept as (parent, key, index) and written out only when an error needs it:
    a large account has hundreds of thousands of objects and almost never an error.
    """

    __slots__ = ("_where", "data", "file")

    def __init__(
        self, data: dict[str, Any], file: str, where: str | tuple[Obj, str, int | None]
    ) -> None:
        self.data = data
        self.file = file
        self._where = where

    @property
    def path(self) -> str:
        if isinstance(self._where, str):
            return self._where
        parent, key, index = self._where
        return f"{parent.path}.{key}" + ("" if index is None else f"[{index}]")

    def _fail(self, key: str, expected: str, got: Any) -> SnapshotError:
        return SnapshotError(
            f"{self.file}: {self.path}.{key}: expected {expected}, got {_describe(got)}"
        )

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None

    def not_null(self, *keys: str) -> Obj:
        """Refuse a null where absence means "none" (no logging, no secrets): AWS leaves
        such keys out, so a null is not its answer, and read as absent it would widen."""
        for key in keys:
            if key in self.data and self.data[key] is None:
                raise SnapshotError(
                    f"{self.file}: {self.path}.{key}: null (AWS leaves the key out when "
                    "there is none)"
                )
        return self

    def req(self, key: str) -> str:
        if key not in self.data or self.data[key] is None:
            raise SnapshotError(f"{self.file}: {self.path}: required key '{key}' is missing")
        return self.opt_str(key) or ""

    def opt_str(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise self._fail(key, "a string", value)
        return value

    def opt_bool(self, key: str) -> bool | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, bool):
            raise self._fail(key, "true or false", value)
        return value

    def opt_int(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._fail(key, "an integer", value)
        return value

    def opt_obj(self, key: str) -> Obj | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise self._fail(key, "an object", value)
        return Obj(value, self.file, (self, key, None))

    def objs(self, key: str) -> list[Obj]:
        """A list of objects; absent means empty here (the caller decides what absent means)."""
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._fail(key, "a list", value)
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise SnapshotError(
                    f"{self.file}: {self.path}.{key}[{i}]: expected an object, "
                    f"got {_describe(item)}"
                )
            out.append(Obj(item, self.file, (self, key, i)))
        return out

    def strs(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self._fail(key, "a list of strings", value)
        return tuple(value)

    def network(self, key: str) -> IPNetwork | None:
        text = self.opt_str(key)
        if text is None:
            return None
        try:
            return _network(text)
        except ValueError:
            raise SnapshotError(
                f"{self.file}: {self.path}.{key}: '{text}' is not a CIDR block"
            ) from None

    def address(self, key: str) -> IPAddress | None:
        text = self.opt_str(key)
        if text is None:
            return None
        try:
            return ipaddress.ip_address(text)
        except ValueError:
            raise SnapshotError(
                f"{self.file}: {self.path}.{key}: '{text}' is not an IP address"
            ) from None

    def name_tag(self, key: str = "Tags") -> str | None:
        for tag in self.objs(key):
            if tag.opt_str("Key") == "Name":
                return tag.opt_str("Value")
        return None


@lru_cache(maxsize=65536)
def _network(text: str) -> IPNetwork:
    # The same CIDRs recur by the thousand (0.0.0.0/0, VPC CIDRs, peers): parse each once.
    return ipaddress.ip_network(text, strict=False)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, (int, float)):
        return f"{value} (a number)"
    if isinstance(value, str):
        return f"'{value[:40]}' (a string)"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "null"


# ---- reading files --------------------------------------------------------------------------


@dataclass
class RawSnapshot:
    """Top-level keys merged from one or more files, with the file each part came from."""

    lists: dict[str, list[Obj]]
    scalars: dict[str, tuple[Any, str]]  # key -> (value, file)
    objects: dict[str, list[Obj]]  # object-valued keys (PrefixListEntries), per file
    present: set[str]
    unknown: dict[str, str]  # key -> first file

    def items(self, key: str) -> list[Obj] | None:
        return self.lists.get(key) if key in self.present else None


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SnapshotError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SnapshotError(f"{path}: not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SnapshotError(
            f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except ValueError:  # Python refuses integers of more than 4,300 digits
        raise SnapshotError(
            f"{path}: the JSON holds a number too long to read (over 4,300 digits; no AWS "
            "field holds one)"
        ) from None
    except RecursionError:
        raise SnapshotError(
            f"{path}: the JSON is nested too deeply to read (no AWS response nests so deep)"
        ) from None


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.glob("*.json") if p.is_file())
        if not files:
            raise SnapshotError(f"{path}: folder holds no *.json files")
        return files
    if path.is_file():
        return [path]
    raise SnapshotError(f"{path}: no such file or folder")


_OBJECT_KEYS = frozenset({"PrefixListEntries"})
_MUST_AGREE = frozenset({"SnapshotVersion", "Region", "AccountId"})


def read_raw(path: Path) -> RawSnapshot:
    raw = RawSnapshot(lists={}, scalars={}, objects={}, present=set(), unknown={})
    for file in _files(path):
        _merge(raw, _read_json(file), str(file))
    return raw


def _merge(raw: RawSnapshot, data: Any, name: str) -> None:
    """Add one file's top-level keys: lists concatenate, objects merge, scalars must agree."""
    if not isinstance(data, dict):
        raise SnapshotError(f"{name}: expected a JSON object at the top, got {_describe(data)}")
    top = Obj(data, name, "$")
    for key, value in data.items():
        if key not in KNOWN_KEYS:
            raw.unknown.setdefault(key, name)
            continue
        if key == "taskDefinition":
            # One `aws ecs describe-task-definition` response: fold into the list.
            obj = top.opt_obj(key)
            if obj is not None:
                raw.lists.setdefault("taskDefinitions", []).append(obj)
                raw.present.add("taskDefinitions")
            continue
        raw.present.add(key)
        if key in _OBJECT_KEYS:
            obj = top.opt_obj(key)
            if obj is not None:
                raw.objects.setdefault(key, []).append(obj)
        elif isinstance(value, list):
            raw.lists.setdefault(key, []).extend(top.objs(key))
        elif key in (
            "SnapshotVersion",
            "Region",
            "AccountId",
            "CollectedAt",
            "IsTruncated",
            "Marker",
            "NextToken",
        ):
            if key in _MUST_AGREE and key in raw.scalars and raw.scalars[key][0] != value:
                prev_value, prev_file = raw.scalars[key]
                raise SnapshotError(
                    f"{name}: $.{key}: '{value}' contradicts '{prev_value}' in {prev_file}"
                )
            raw.scalars.setdefault(key, (value, name))
        else:
            raise SnapshotError(f"{name}: $.{key}: expected a list, got {_describe(value)}")


# ---- building the model ---------------------------------------------------------------------


def load_snapshot(path: str | Path, region: str | None = None) -> Snapshot:
    """Read a snapshot file or folder. ``region`` supplies or overrides ``Region``."""
    with collector_paused():
        raw = read_raw(Path(path))
        return build_snapshot(raw, region)


def snapshot_from_data(data: Any, origin: str = "snapshot", region: str | None = None) -> Snapshot:
    """Build the model from snapshot JSON already in memory (the collector, tests)."""
    raw = RawSnapshot(lists={}, scalars={}, objects={}, present=set(), unknown={})
    _merge(raw, data, origin)
    with collector_paused():
        return build_snapshot(raw, region)


def _scalar_str(raw: RawSnapshot, key: str) -> str | None:
    if key not in raw.scalars:
        return None
    value, file = raw.scalars[key]
    if not isinstance(value, str):
        raise SnapshotError(f"{file}: $.{key}: expected a string, got {_describe(value)}")
    return value


def build_snapshot(raw: RawSnapshot, region_override: str | None = None) -> Snapshot:
    region = region_override or _scalar_str(raw, "Region")
    if not region:
        raise SnapshotError(
            'snapshot: key \'Region\' is missing: add "Region": "ap-northeast-1" '
            "(for example) to the snapshot, or pass --region"
        )
    if "SnapshotVersion" in raw.scalars:
        version, file = raw.scalars["SnapshotVersion"]
        if version != 1:
            raise SnapshotError(
                f"{file}: $.SnapshotVersion: this netgraph reads version 1, got {version!r}"
            )
    account_id = _scalar_str(raw, "AccountId")
    _scalar_str(raw, "CollectedAt")

    collection_errors = tuple(
        CollectionError(call=o.req("Call"), error=o.req("Error"))
        for o in raw.lists.get("CollectionErrors", [])
    )

    vpcs = _index(raw.items("Vpcs"), _vpc)
    _apply_vpc_attributes(vpcs, raw.items("VpcAttributes"))
    subnets = _index(raw.items("Subnets"), _subnet)
    if vpcs is not None and subnets is not None:
        for subnet_obj in raw.lists.get("Subnets", []):
            vpc_id = subnet_obj.req("VpcId")
            if vpc_id not in vpcs:
                raise SnapshotError(
                    f"{subnet_obj.file}: {subnet_obj.path}.VpcId: subnet "
                    f"{subnet_obj.req('SubnetId')} names {vpc_id}, which is not in Vpcs"
                )
    route_tables = _index(raw.items("RouteTables"), _route_table)
    security_groups = _index(raw.items("SecurityGroups"), _security_group)
    network_acls = _index(raw.items("NetworkAcls"), _network_acl)
    igws = _index(raw.items("InternetGateways"), _internet_gateway)
    eigws = raw.items("EgressOnlyInternetGateways")
    eigw_ids = (
        None if eigws is None else frozenset(o.req("EgressOnlyInternetGatewayId") for o in eigws)
    )
    nats = _index(raw.items("NatGateways"), _nat_gateway)
    endpoints = _index(raw.items("VpcEndpoints"), _vpc_endpoint)
    enis = _index(raw.items("NetworkInterfaces"), _network_interface)
    instances = _instances(raw.items("Reservations"))
    prefix_lists = _prefix_lists(raw)
    dhcp = _index(raw.items("DhcpOptions"), _dhcp_options)
    task_defs = _index(raw.items("taskDefinitions"), _task_definition)
    services = _index(raw.items("services"), _service)
    roles = _roles(raw)
    repositories = (
        None
        if "repositories" not in raw.present
        else frozenset(o.req("repositoryArn") for o in raw.lists.get("repositories", []))
    )
    repository_policies = _repository_policies(raw, region)

    snapshot = Snapshot(
        region=region,
        account_id=account_id,
        vpcs=vpcs,
        subnets=subnets,
        route_tables=route_tables,
        internet_gateways=igws,
        egress_only_internet_gateway_ids=eigw_ids,
        nat_gateways=nats,
        vpc_endpoints=endpoints,
        security_groups=security_groups,
        network_acls=network_acls,
        network_interfaces=enis,
        instances=instances,
        prefix_lists=prefix_lists,
        dhcp_options=dhcp,
        vpc_attributes_collected="VpcAttributes" in raw.present,
        services=services,
        task_definitions=task_defs,
        roles=roles,
        repositories=repositories,
        repository_policies=repository_policies,
        stopped_tasks=tuple(
            StoppedTask(o.req("taskArn"), o.opt_str("group") or "", o.req("stoppedReason"))
            for o in raw.lists.get("tasks", [])
            if o.opt_str("stoppedReason")
        ),
        collection_errors=collection_errors,
        warnings=tuple(
            f"{file}: key '{key}' is not part of the snapshot format; ignored"
            for key, file in sorted(raw.unknown.items())
        ),
        route_table_by_subnet={
            subnet_id: rt.id for rt in (route_tables or {}).values() for subnet_id in rt.subnet_ids
        },
        main_route_table_by_vpc={
            rt.vpc_id: rt.id for rt in (route_tables or {}).values() if rt.main
        },
        network_acl_by_subnet={
            subnet_id: acl.id
            for acl in (network_acls or {}).values()
            for subnet_id in acl.subnet_ids
        },
        default_network_acl_by_vpc={
            acl.vpc_id: acl.id for acl in (network_acls or {}).values() if acl.is_default
        },
    )
    return snapshot


def _index(items: list[Obj] | None, build: Any) -> dict[str, Any] | None:
    if items is None:
        return None
    out: dict[str, Any] = {}
    for obj in items:
        value = build(obj)
        key: str = value.id if hasattr(value, "id") else value.arn
        if not key:
            raise SnapshotError(f"{obj.file}: {obj.path}: its id is an empty string")
        out[key] = value
    return out


def _vpc(o: Obj) -> Vpc:
    cidrs: list[IPNetwork] = []
    assocs = o.objs("CidrBlockAssociationSet")
    if assocs:
        for a in assocs:
            state = a.opt_obj("CidrBlockState")
            # Disassociated secondary CIDRs have no local route any more.
            if state is None or state.opt_str("State") in (None, "associated", "associating"):
                net = a.network("CidrBlock")
                if net is not None:
                    cidrs.append(net)
    else:
        net = o.network("CidrBlock")
        if net is not None:
            cidrs.append(net)
    for a in o.objs("Ipv6CidrBlockAssociationSet"):
        state = a.opt_obj("Ipv6CidrBlockState")
        if state is None or state.opt_str("State") in (None, "associated"):
            net = a.network("Ipv6CidrBlock")
            if net is not None:
                cidrs.append(net)
    return Vpc(
        id=o.req("VpcId"),
        cidrs=tuple(cidrs),
        dhcp_options_id=o.opt_str("DhcpOptionsId"),
        enable_dns_support=None,
        enable_dns_hostnames=None,
        name=o.name_tag(),
    )


def _apply_vpc_attributes(vpcs: dict[str, Any] | None, items: list[Obj] | None) -> None:
    if vpcs is None or items is None:
        return
    for o in items:
        vpc_id = o.req("VpcId")
        if vpc_id not in vpcs:
            raise SnapshotError(f"{o.file}: {o.path}.VpcId: {vpc_id} is not in Vpcs")
        vpc: Vpc = vpcs[vpc_id]
        support, hostnames = vpc.enable_dns_support, vpc.enable_dns_hostnames
        for key in ("EnableDnsSupport", "EnableDnsHostnames"):
            attr = o.opt_obj(key)
            if attr is None:
                continue
            value = attr.opt_bool("Value")
            if key == "EnableDnsSupport":
                support = value
            else:
                hostnames = value
        vpcs[vpc_id] = Vpc(
            id=vpc.id,
            cidrs=vpc.cidrs,
            dhcp_options_id=vpc.dhcp_options_id,
            enable_dns_support=support,
            enable_dns_hostnames=hostnames,
            name=vpc.name,
        )


def _dhcp_options(o: Obj) -> DhcpOptions:
    dhcp_id = o.req("DhcpOptionsId")
    # AWS returns DhcpConfigurations, and a Key and Values in each: without them the DNS
    # servers are unknown, not AmazonProvidedDNS.
    if not o.has("DhcpConfigurations"):
        return DhcpOptions(dhcp_id, None)
    servers: tuple[str, ...] = ()
    for conf in o.objs("DhcpConfigurations"):
        key = conf.opt_str("Key")
        if key is None:
            return DhcpOptions(dhcp_id, None)
        if key == "domain-name-servers":
            if not conf.has("Values") or not conf.objs("Values"):
                return DhcpOptions(dhcp_id, None)
            servers = tuple(v.req("Value") for v in conf.objs("Values"))
    return DhcpOptions(id=dhcp_id, domain_name_servers=servers)


def _subnet(o: Obj) -> Subnet:
    return Subnet(
        id=o.req("SubnetId"),
        vpc_id=o.req("VpcId"),
        cidr=o.network("CidrBlock"),
        ipv6_cidrs=tuple(
            n
            for a in o.objs("Ipv6CidrBlockAssociationSet")
            if (n := a.network("Ipv6CidrBlock")) is not None
        ),
        availability_zone=o.opt_str("AvailabilityZone"),
        name=o.name_tag(),
    )


_TARGET_KEYS: tuple[tuple[str, RouteTargetKind], ...] = (
    ("NatGatewayId", "nat"),
    ("TransitGatewayId", "tgw"),
    ("VpcPeeringConnectionId", "pcx"),
    ("EgressOnlyInternetGatewayId", "eigw"),
    ("InstanceId", "instance"),
    ("NetworkInterfaceId", "eni"),
    ("LocalGatewayId", "other"),
    ("CarrierGatewayId", "other"),
    ("CoreNetworkArn", "other"),
)


def _gateway_kind(gateway: str) -> RouteTargetKind:
    """What a route's GatewayId names: the VPC itself or a gateway, by its id's prefix."""
    if gateway == "local":
        return "local"
    for prefix, kind in _GATEWAY_PREFIXES:
        if gateway.startswith(prefix):
            return kind
    return "other"


_GATEWAY_PREFIXES: tuple[tuple[str, RouteTargetKind], ...] = (
    ("igw-", "igw"),
    ("vgw-", "vgw"),
    ("vpce-", "gateway-endpoint"),
    ("eigw-", "eigw"),
)


def _route(o: Obj) -> Route:
    return _route_fast(o.data) or _route_read(o)


def _cidr_fast(value: object) -> IPNetwork | None:
    """A CIDR block for the fast paths; None if the value is not one (the validating reader
    then reads the record and names the error)."""
    if type(value) is not str:
        return None
    try:
        return _network(value)
    except ValueError:
        return None


def _route_fast(d: dict[str, Any]) -> Route | None:
    """``_route_read`` for a well-formed route, without the reader's bookkeeping (a large
    account has tens of thousands). None: let ``_route_read`` read it and name any error."""
    dest: IPNetwork | None = None
    text = d.get("DestinationCidrBlock")
    if text is None:
        text = d.get("DestinationIpv6CidrBlock")
    if text is not None:
        dest = _cidr_fast(text)
        if dest is None:
            return None
    pl = d.get("DestinationPrefixListId")
    gateway = d.get("GatewayId")
    state = d.get("State")
    origin = d.get("Origin")
    for value in (pl, gateway, state, origin):
        if value is not None and type(value) is not str:
            return None
    if dest is None and pl is None:
        return None
    kind: RouteTargetKind = "other"
    target = ""
    if gateway is not None:
        target = gateway
        kind = _gateway_kind(gateway)
    for key, key_kind in _TARGET_KEYS:
        if key in d:
            value = d[key]
            if value is None:
                continue
            if type(value) is not str:
                return None
            if not target:
                target, kind = value, key_kind
    return _route_of(dest, pl, kind, target, state, origin)


def _route_read(o: Obj) -> Route:
    dest = o.network("DestinationCidrBlock")
    if dest is None:
        dest = o.network("DestinationIpv6CidrBlock")
    pl = o.opt_str("DestinationPrefixListId")
    if dest is None and pl is None:
        raise SnapshotError(
            f"{o.file}: {o.path}: route has no DestinationCidrBlock, "
            "DestinationIpv6CidrBlock or DestinationPrefixListId"
        )
    kind: RouteTargetKind = "other"
    target = ""
    gateway = o.opt_str("GatewayId")
    if gateway is not None:
        target = gateway
        kind = _gateway_kind(gateway)
    # An instance route also names the instance's ENI; the ENI is what forwards.
    present = o.data
    for key, key_kind in _TARGET_KEYS:
        if key not in present:  # a route names one target: skip the others cheaply
            continue
        value = o.opt_str(key)
        if value is not None and not target:
            target, kind = value, key_kind
    return _route_of(dest, pl, kind, target, o.opt_str("State"), o.opt_str("Origin"))


def _route_of(
    dest: IPNetwork | None,
    prefix_list_id: str | None,
    kind: RouteTargetKind,
    target: str,
    state: str | None,
    origin: str | None,
) -> Route:
    """A route as both readers of a route record make it, with what absent fields mean."""
    return Route(
        destination=dest,
        prefix_list_id=prefix_list_id,
        target_kind=kind,
        target_id=target or "unknown-target",
        state=(state or "unknown").lower(),  # absent: not known, not active
        origin=origin or "CreateRoute",
    )


def _route_table(o: Obj) -> RouteTable:
    subnet_ids: list[str] = []
    main = False
    for a in o.objs("Associations"):
        state = a.opt_obj("AssociationState")
        if state is not None and state.opt_str("State") not in (None, "associated"):
            continue
        if a.opt_bool("Main"):
            main = True
        subnet = a.opt_str("SubnetId")
        if subnet is not None:
            subnet_ids.append(subnet)
    return RouteTable(
        id=o.req("RouteTableId"),
        vpc_id=o.req("VpcId"),
        routes=tuple(_route(r) for r in o.objs("Routes")),
        subnet_ids=tuple(subnet_ids),
        main=main,
        name=o.name_tag(),
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
                if type(peer) is not dict:
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
            raise SnapshotError(f"{perm.file}: {perm.path}: {problem}")
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


def _security_group(o: Obj) -> SecurityGroup:
    return SecurityGroup(
        id=o.req("GroupId"),
        vpc_id=o.opt_str("VpcId"),
        name=o.opt_str("GroupName") or "",
        ingress=_sg_rules(o, "IpPermissions"),
        egress=_sg_rules(o, "IpPermissionsEgress"),
    )


def _network_acl(o: Obj) -> NetworkAcl:
    entries = []
    for e in o.objs("Entries"):
        cidr = e.network("CidrBlock") or e.network("Ipv6CidrBlock")
        if cidr is None:
            raise SnapshotError(f"{e.file}: {e.path}: entry has no CidrBlock or Ipv6CidrBlock")
        number = e.opt_int("RuleNumber")
        if number is None:
            raise SnapshotError(f"{e.file}: {e.path}: required key 'RuleNumber' is missing")
        action = e.req("RuleAction").lower()
        if action not in ("allow", "deny"):
            raise SnapshotError(
                f"{e.file}: {e.path}.RuleAction: expected allow or deny, got '{action}'"
            )
        protocol = normalize_protocol(e.req("Protocol"))
        port_from = port_to = None
        if protocol in (TCP, UDP):
            # AWS returns a PortRange on every TCP/UDP entry; read as "all ports", one
            # without it would widen an allow rule: refused instead.
            ports = e.opt_obj("PortRange")
            if ports is None:
                raise SnapshotError(
                    f"{e.file}: {e.path}: a TCP/UDP entry without PortRange (AWS always returns it)"
                )
            port_from, port_to = ports.opt_int("From"), ports.opt_int("To")
            if port_from is None or port_to is None:
                raise SnapshotError(
                    f"{ports.file}: {ports.path}: required keys 'From' and 'To' "
                    f"(got {_describe(ports.data.get('From'))}, {_describe(ports.data.get('To'))})"
                )
            if not (0 <= port_from <= port_to <= 65535):
                raise SnapshotError(
                    f"{ports.file}: {ports.path}: ports {port_from}-{port_to} are not a range "
                    "within 0-65535"
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


def _internet_gateway(o: Obj) -> InternetGateway:
    return InternetGateway(
        id=o.req("InternetGatewayId"),
        attached_vpc_ids=tuple(
            a.req("VpcId")
            for a in o.objs("Attachments")
            if a.opt_str("State") in ("available", "attached")
        ),
        unknown_state_vpc_ids=tuple(
            a.req("VpcId") for a in o.objs("Attachments") if a.opt_str("State") is None
        ),
    )


def _nat_gateway(o: Obj) -> NatGateway:
    addresses = o.objs("NatGatewayAddresses")
    return NatGateway(
        id=o.req("NatGatewayId"),
        vpc_id=o.opt_str("VpcId"),
        subnet_id=o.req("SubnetId"),
        state=(o.opt_str("State") or "unknown").lower(),
        connectivity_type=(o.opt_str("ConnectivityType") or "public").lower(),
        private_ips=tuple(a for x in addresses if (a := x.address("PrivateIp")) is not None),
        public_ips=tuple(a for x in addresses if (a := x.address("PublicIp")) is not None),
    )


def _vpc_endpoint(o: Obj) -> VpcEndpoint:
    dns = o.opt_obj("DnsOptions")
    endpoint_id = o.req("VpcEndpointId")
    document = o.data.get("PolicyDocument")
    policy = None
    if document is not None:
        if not isinstance(document, (str, dict)):
            raise SnapshotError(f"{o.file}: {o.path}.PolicyDocument: expected a JSON string")
        policy = parse_policy(f"endpoint policy of {endpoint_id}", document, resource_based=True)
    return VpcEndpoint(
        id=endpoint_id,
        vpc_id=o.req("VpcId"),
        endpoint_type=o.opt_str("VpcEndpointType") or "Gateway",
        service_name=o.req("ServiceName"),
        state=(o.opt_str("State") or "unknown").lower(),
        private_dns_enabled=bool(o.opt_bool("PrivateDnsEnabled")),
        private_dns_only_for_inbound_resolver=bool(
            dns.opt_bool("PrivateDnsOnlyForInboundResolverEndpoint") if dns else False
        ),
        subnet_ids=o.strs("SubnetIds"),
        group_ids=(tuple(g.req("GroupId") for g in o.objs("Groups")) if o.has("Groups") else None),
        network_interface_ids=o.strs("NetworkInterfaceIds"),
        route_table_ids=o.strs("RouteTableIds"),
        policy=policy,
    )


def _ips(o: Obj) -> tuple[list[IPAddress], IPAddress | None]:
    private: list[IPAddress] = []
    public: IPAddress | None = None
    primary = o.address("PrivateIpAddress")
    if primary is not None:
        private.append(primary)
    for p in o.objs("PrivateIpAddresses"):
        if primary is not None and p.data.get("PrivateIpAddress") == o.data["PrivateIpAddress"]:
            continue  # the primary address again, as AWS lists it: already read
        ip = p.address("PrivateIpAddress")
        if ip is not None and ip not in private:
            private.append(ip)
        assoc = p.opt_obj("Association")
        if public is None and assoc is not None:
            public = assoc.address("PublicIp")
    assoc = o.opt_obj("Association")
    if assoc is not None and assoc.address("PublicIp") is not None:
        public = assoc.address("PublicIp")
    return private, public


def _network_interface(o: Obj) -> NetworkInterface:
    return _network_interface_fast(o.data) or _network_interface_read(o)


def _network_interface_fast(d: dict[str, Any]) -> NetworkInterface | None:
    """``_network_interface_read`` for a well-formed ENI with one private address, the
    common case by far; None otherwise, and that reader takes it."""
    eni_id = d.get("NetworkInterfaceId")
    primary = d.get("PrivateIpAddress")
    others = d.get("PrivateIpAddresses")
    groups = d.get("Groups")
    assoc = d.get("Association")
    attachment = d.get("Attachment")
    if (
        type(eni_id) is not str
        or type(primary) is not str
        or type(groups) is not list
        or (assoc is not None and type(assoc) is not dict)
        or (attachment is not None and type(attachment) is not dict)
    ):
        return None
    # AWS lists the primary address again in PrivateIpAddresses: take only that shape here.
    if others is not None and (
        type(others) is not list
        or len(others) > 1
        or (
            others and (type(others[0]) is not dict or others[0].get("PrivateIpAddress") != primary)
        )
    ):
        return None
    strings = (
        d.get("SubnetId"),
        d.get("VpcId"),
        d.get("InterfaceType"),
        d.get("Description"),
        attachment.get("InstanceId") if attachment else None,
        assoc.get("PublicIp") if assoc else None,
    )
    for value in strings:
        if value is not None and type(value) is not str:
            return None
    group_ids = []
    for g in groups:
        if type(g) is not dict or type(g.get("GroupId")) is not str:
            return None
        group_ids.append(g["GroupId"])
    try:
        address = ipaddress.ip_address(primary)
        public = ipaddress.ip_address(strings[5]) if strings[5] is not None else None
    except ValueError:
        return None
    return _interface_of(
        eni_id,
        strings[0],
        strings[1],
        (address,),
        public,
        tuple(group_ids),
        strings[2],
        strings[4],
        strings[3],
    )


def _network_interface_read(o: Obj) -> NetworkInterface:
    private, public = _ips(o)
    attachment = o.opt_obj("Attachment")
    return _interface_of(
        o.req("NetworkInterfaceId"),
        o.opt_str("SubnetId"),
        o.opt_str("VpcId"),
        tuple(private),
        public,
        tuple(g.req("GroupId") for g in o.objs("Groups")) if o.has("Groups") else None,
        o.opt_str("InterfaceType"),
        attachment.opt_str("InstanceId") if attachment else None,
        o.opt_str("Description"),
    )


def _interface_of(
    eni_id: str,
    subnet_id: str | None,
    vpc_id: str | None,
    private_ips: tuple[IPAddress, ...],
    public_ip: IPAddress | None,
    group_ids: tuple[str, ...] | None,
    interface_type: str | None,
    instance_id: str | None,
    description: str | None,
) -> NetworkInterface:
    """An ENI as both readers of an ENI record make it, with what absent fields mean."""
    return NetworkInterface(
        id=eni_id,
        subnet_id=subnet_id,
        vpc_id=vpc_id,
        private_ips=private_ips,
        public_ip=public_ip,
        group_ids=group_ids,
        interface_type=interface_type or "interface",
        instance_id=instance_id,
        description=description or "",
    )


def _instances(items: list[Obj] | None) -> dict[str, Instance] | None:
    if items is None:
        return None
    out: dict[str, Instance] = {}
    for reservation in items:
        for o in reservation.objs("Instances"):
            state = o.opt_obj("State")
            instance = Instance(
                id=o.req("InstanceId"),
                state=(state.opt_str("Name") if state else None) or "unknown",
                subnet_id=o.opt_str("SubnetId"),
                vpc_id=o.opt_str("VpcId"),
                private_ip=o.address("PrivateIpAddress"),
                public_ip=o.address("PublicIpAddress"),
                group_ids=tuple(g.req("GroupId") for g in o.objs("SecurityGroups")),
                network_interface_ids=tuple(
                    n.req("NetworkInterfaceId") for n in o.objs("NetworkInterfaces")
                ),
                name=o.name_tag(),
            )
            out[instance.id] = instance
    return out


def _prefix_lists(raw: RawSnapshot) -> dict[str, PrefixList] | None:
    if not ({"PrefixLists", "ManagedPrefixLists", "PrefixListEntries"} & raw.present):
        return None
    names: dict[str, str | None] = {}
    cidrs: dict[str, list[IPNetwork]] = {}
    for o in raw.lists.get("PrefixLists", []):
        pl = o.req("PrefixListId")
        names[pl] = o.opt_str("PrefixListName")
        if not o.has("Cidrs"):
            continue  # a list without its CIDRs: they are unknown, not empty
        nets = []
        for i, text in enumerate(o.strs("Cidrs")):
            try:
                nets.append(ipaddress.ip_network(text, strict=False))
            except ValueError:
                raise SnapshotError(
                    f"{o.file}: {o.path}.Cidrs[{i}]: '{text}' is not a CIDR block"
                ) from None
        cidrs[pl] = nets
    for o in raw.lists.get("ManagedPrefixLists", []):
        pl = o.req("PrefixListId")
        names[pl] = o.opt_str("PrefixListName") or names.get(pl)
    for obj in raw.objects.get("PrefixListEntries", []):
        for pl, value in obj.data.items():
            holder = Obj({"Entries": value}, obj.file, f"{obj.path}.{pl}")
            if isinstance(value, dict):
                holder = Obj(value, obj.file, f"{obj.path}.{pl}")
            nets = [n for e in holder.objs("Entries") if (n := e.network("Cidr")) is not None]
            cidrs.setdefault(pl, []).extend(nets)
            names.setdefault(pl, None)
    return {
        pl: PrefixList(id=pl, name=names.get(pl), cidrs=tuple(cidrs[pl]) if pl in cidrs else None)
        for pl in names
    }


def _container(o: Obj) -> ContainerDefinition:
    o.not_null("logConfiguration", "secrets", "repositoryCredentials")
    log = o.opt_obj("logConfiguration")
    options: tuple[tuple[str, str], ...] = ()
    if log is not None:
        if log.opt_str("logDriver") is None:
            raise SnapshotError(
                f"{log.file}: {log.path}: required key 'logDriver' is missing (AWS always "
                "returns it)"
            )
        opts = log.opt_obj("options")
        if opts is not None:
            options = tuple((k, opts.req(k)) for k in sorted(opts.data))
    creds = o.opt_obj("repositoryCredentials")
    return ContainerDefinition(
        name=o.opt_str("name") or "",
        image=o.req("image"),
        log_driver=log.opt_str("logDriver") if log else None,
        log_options=options,
        secrets=tuple(s.req("valueFrom") for s in o.objs("secrets")),
        repository_credentials=creds.req("credentialsParameter") if creds else None,
    )


def _task_definition(o: Obj) -> TaskDefinition:
    arn = o.opt_str("taskDefinitionArn") or (f"{o.req('family')}:{o.opt_int('revision') or 0}")
    containers = tuple(_container(c) for c in o.objs("containerDefinitions"))
    # What the task must reach comes from its containers: without them (or with an image
    # that names nothing) the targets cannot be derived, and an empty list would pass.
    unreadable = None
    if not containers:
        unreadable = f"{arn} has no containerDefinitions in the snapshot"
    for c in containers:
        if not names_an_image(c.image):
            unreadable = (
                f"the image '{c.image}' of container {c.name or '?'} in {arn} names nothing"
            )
    return TaskDefinition(
        arn=arn,
        family=o.opt_str("family") or arn.rsplit("/", 1)[-1].split(":")[0],
        revision=o.opt_int("revision"),
        network_mode=o.opt_str("networkMode"),
        execution_role_arn=o.opt_str("executionRoleArn"),
        containers=containers,
        unreadable=unreadable,
    )


def _service(o: Obj) -> EcsService:
    name = o.req("serviceName")
    net = o.opt_obj("networkConfiguration")
    vpc_conf = net.opt_obj("awsvpcConfiguration") if net else None
    cluster_arn = o.opt_str("clusterArn") or ""
    return EcsService(
        name=name,
        arn=o.opt_str("serviceArn") or name,
        cluster=cluster_arn.rsplit("/", 1)[-1] if cluster_arn else "",
        task_definition=o.opt_str("taskDefinition") or "",
        launch_type=o.opt_str("launchType"),
        platform_version=o.opt_str("platformVersion"),
        subnet_ids=vpc_conf.strs("subnets") if vpc_conf else (),
        security_group_ids=vpc_conf.strs("securityGroups") if vpc_conf else (),
        assign_public_ip=(vpc_conf.opt_str("assignPublicIp") == "ENABLED") if vpc_conf else False,
        has_awsvpc_configuration=vpc_conf is not None,
    )


__all__ = ["SnapshotError", "load_snapshot", "normalize_protocol"]


def _policy_value(o: Obj, key: str, name: str, *, resource_based: bool = False) -> Policy | None:
    value = o.data.get(key)
    if value is None:
        return None
    if not isinstance(value, (str, dict)):
        raise SnapshotError(f"{o.file}: {o.path}.{key}: expected a policy document")
    return parse_policy(name, value, resource_based=resource_based)


def _roles(raw: RawSnapshot) -> dict[str, Role] | None:
    """Roles of `aws iam get-account-authorization-details`, with every policy resolved:
    managed ones from `Policies` (their default version), else netgraph's shipped copy."""
    if "RoleDetailList" not in raw.present:
        return None
    managed: dict[str, Policy] = {}
    for o in raw.lists.get("Policies", []):
        arn = o.req("Arn")
        versions = o.objs("PolicyVersionList")
        default = next((v for v in versions if v.opt_bool("IsDefaultVersion")), None)
        if default is None and versions:
            default = versions[0]
        if default is not None:
            doc = _policy_value(default, "Document", arn)
            if doc is not None:
                managed[arn] = doc
    shipped = shipped_managed_policies()
    roles: dict[str, Role] = {}
    for o in raw.lists.get("RoleDetailList", []):
        arn, name = o.req("Arn"), o.req("RoleName")
        inline = [
            p
            for x in o.objs("RolePolicyList")
            if (
                p := _policy_value(
                    x, "PolicyDocument", f"{arn} inline policy {x.req('PolicyName')}"
                )
            )
            is not None
        ]
        attached, missing = [], []
        for x in o.objs("AttachedManagedPolicies"):
            policy_arn = x.req("PolicyArn")
            doc = managed.get(policy_arn) or shipped.get(policy_arn)
            if doc is None:
                missing.append(policy_arn)
            else:
                attached.append(doc)
        boundary = o.opt_obj("PermissionsBoundary")
        boundary_arn = boundary.opt_str("PermissionsBoundaryArn") if boundary else None
        roles[arn] = Role(
            arn=arn,
            name=name,
            account=account_of(arn),
            trust_policy=_policy_value(
                o, "AssumeRolePolicyDocument", f"trust policy of {arn}", resource_based=True
            ),
            policies=tuple(inline + attached),
            missing_policy_arns=tuple(missing),
            boundary_arn=boundary_arn,
            boundary=(managed.get(boundary_arn) or shipped.get(boundary_arn))
            if boundary_arn
            else None,
        )
    return roles


def _repository_policies(raw: RawSnapshot, region: str) -> dict[str, Policy] | None:
    if "RepositoryPolicies" not in raw.present:
        return None
    out: dict[str, Policy] = {}
    for o in raw.lists.get("RepositoryPolicies", []):
        arn = f"arn:aws:ecr:{region}:{o.req('registryId')}:repository/{o.req('repositoryName')}"
        policy = _policy_value(o, "policyText", f"repository policy of {arn}", resource_based=True)
        if policy is not None:
            out[arn] = policy
    return out
