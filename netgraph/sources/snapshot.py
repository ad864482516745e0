"""Snapshot file or folder (raw AWS response JSON) -> model.

All validation of outside data happens here. Every problem is a :class:`SnapshotError`
whose message is one line naming the file and the key; the CLI turns it into exit code 2.
Absent keys stay ``None`` on the model (not collected); empty lists become empty indexes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from netgraph.gc_pause import collector_paused
from netgraph.model import CollectionError, Snapshot, StoppedTask
from netgraph.sources.ec2 import (
    _apply_vpc_attributes,
    _dhcp_options,
    _instances,
    _internet_gateway,
    _nat_gateway,
    _network_interface,
    _prefix_lists,
    _route_table,
    _subnet,
    _vpc,
    _vpc_endpoint,
)
from netgraph.sources.ecs import _service, _task_definition
from netgraph.sources.firewalls import _network_acl, _security_group
from netgraph.sources.iam import _repository_policies, _roles
from netgraph.sources.merge import KNOWN_KEYS, RawSnapshot, _merge, _scalar_str, read_raw
from netgraph.sources.reader import Obj, SnapshotError, normalize_protocol


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


__all__ = [
    "KNOWN_KEYS",
    "SnapshotError",
    "build_snapshot",
    "load_snapshot",
    "normalize_protocol",
    "snapshot_from_data",
]
