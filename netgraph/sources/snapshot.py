"""Snapshot file or folder (raw AWS response JSON) -> model: the composition of the readers.

All validation of outside data happens in ``sources/``: ``reader`` (typed JSON that knows
where it is, and the reading of files), ``merge`` (a folder's files, key by key), one module
per service (``ec2``, ``firewalls``, ``ecs``, ``iam``) with one reader per record type, and
``wording`` (every message, so another input kind can word them its own way). Every problem
is a :class:`SnapshotError` whose message is one line naming the file and the key; the CLI
turns it into exit code 2. Absent keys stay ``None`` on the model (not collected); empty
lists become empty indexes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from netgraph.gc_pause import collector_paused
from netgraph.model import CollectionError, Snapshot
from netgraph.sources import ec2, ecs, firewalls, iam, kms, regions, transit
from netgraph.sources.accounts import read_snapshot
from netgraph.sources.merge import KNOWN_KEYS, RawSnapshot, _merge, _scalar_str
from netgraph.sources.organizations import organization
from netgraph.sources.policies import shipped_managed_policies
from netgraph.sources.reader import Obj, SnapshotError, normalize_protocol
from netgraph.sources.route53 import (
    hosted_zones,
    hosted_zones_by_vpc,
    resolver_rule_associations,
    resolver_rules,
)
from netgraph.sources.wording import SNAPSHOT, Wording


def load_snapshot(path: str | Path, region: str | None = None) -> Snapshot:
    """Read a snapshot file or folder (of several accounts: sources/accounts.py). ``region``
    supplies or overrides ``Region`` (of several accounts: picks the Region analysed)."""
    with collector_paused():
        raw = read_snapshot(Path(path), region)
        return build_snapshot(raw, region)


def snapshot_from_data(data: Any, origin: str = "snapshot", region: str | None = None) -> Snapshot:
    """Build the model from snapshot JSON already in memory (the collector, tests)."""
    raw = RawSnapshot(lists={}, scalars={}, objects={}, present=set(), unknown={})
    _merge(raw, data, origin)
    with collector_paused():
        return build_snapshot(raw, region)


def build_snapshot(
    raw: RawSnapshot, region_override: str | None = None, wording: Wording = SNAPSHOT
) -> Snapshot:
    """The model of merged input. ``wording``: how this input kind words what it lacks (the
    records' own messages come from their ``Obj.wording``)."""
    region = region_override or _scalar_str(raw, "Region")
    if not region:
        raise SnapshotError(wording.no_region())
    _check_region(raw, region, region_override is not None, wording)
    if "SnapshotVersion" in raw.scalars:
        version, file = raw.scalars["SnapshotVersion"]
        if version != 1:
            raise SnapshotError(wording.version(f"{file}: $.SnapshotVersion", version))
    account_id = _scalar_str(raw, "AccountId")
    _scalar_str(raw, "CollectedAt")

    collection_errors = tuple(
        CollectionError(call=o.req("Call"), error=o.req("Error"))
        for o in raw.lists.get("CollectionErrors", [])
    )

    vpcs = _index(raw.items("Vpcs"), ec2.vpc)
    ec2.apply_vpc_attributes(vpcs, raw.items("VpcAttributes"))
    subnets = _index(raw.items("Subnets"), ec2.subnet)
    if vpcs is not None and subnets is not None:
        # (a subnet of an account whose files lack Vpcs is not checked: several accounts)
        no_vpcs = raw.uncollected.get("Vpcs", {})
        ec2.check_subnet_vpcs(
            [o for o in raw.lists.get("Subnets", []) if o.data.get("VpcId") not in no_vpcs], vpcs
        )
    route_tables = _index(raw.items("RouteTables"), ec2.route_table)
    security_groups = _index(raw.items("SecurityGroups"), firewalls.security_group)
    network_acls = _index(raw.items("NetworkAcls"), firewalls.network_acl)
    igws = _index(raw.items("InternetGateways"), ec2.internet_gateway)
    eigw_ids = ec2.egress_only_gateway_ids(raw.items("EgressOnlyInternetGateways"))
    nats = _index(raw.items("NatGateways"), ec2.nat_gateway)
    endpoints = _index(raw.items("VpcEndpoints"), ec2.vpc_endpoint)
    enis = _index(raw.items("NetworkInterfaces"), ec2.network_interface)
    instances = ec2.instances(raw.items("Reservations"))
    prefix_lists = ec2.prefix_lists(raw)
    dhcp = _index(raw.items("DhcpOptions"), ec2.dhcp_options)
    task_defs = _index(raw.items("taskDefinitions"), ecs.task_definition)
    services = _index(raw.items("services"), ecs.service)
    roles = iam.roles(raw)
    repositories = iam.repositories(raw.items("repositories"))
    repository_policies = iam.repository_policies(raw, region)

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
        absent=wording.absent,
        shipped_policies=shipped_managed_policies(),
        roles=roles,
        repositories=repositories,
        repository_policies=repository_policies,
        secret_keys=kms.secret_keys(raw),
        parameter_keys=kms.parameter_keys(raw),
        kms_keys=kms.kms_keys(raw),
        kms_key_policies=kms.kms_key_policies(raw),
        hosted_zones=hosted_zones(raw),
        hosted_zones_by_vpc=hosted_zones_by_vpc(raw),
        resolver_rules=resolver_rules(raw),
        resolver_rule_associations=resolver_rule_associations(raw),
        stopped_tasks=ecs.stopped_tasks(raw.lists.get("tasks", [])),
        collection_errors=collection_errors,
        warnings=(
            *raw.skipped,
            *(wording.ignored(file, key) for key, file in sorted(raw.unknown.items())),
        ),
        organization=organization(raw),
        uncollected=raw.uncollected,
        transit_gateways=transit.transit_gateways(raw),
        transit_gateway_attachments=transit.transit_gateway_attachments(raw),
        transit_gateway_route_tables=transit.transit_gateway_route_tables(raw),
        vpc_peering_connections=transit.vpc_peering_connections(raw),
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


def _check_region(raw: RawSnapshot, region: str, flag: bool, wording: Wording) -> None:
    """The region must be one, and the snapshot's own regional records (zones, ARNs,
    endpoint service names) in it: a snapshot read as another region's gives wrong answers
    (its endpoints serve names it is not asked about), not unknown ones."""
    given = (
        "--region"
        if flag or "Region" not in raw.scalars
        else f"{raw.scalars['Region'][1]}: $.Region"
    )
    if not regions.is_region(region):
        raise SnapshotError(wording.not_region(given, region))
    for obj, key, named in regions.disagreements(raw.lists, region):
        raise SnapshotError(
            wording.region_mismatch(
                region, given, obj.at(key), obj.data[key], named, flag=given == "--region"
            )
        )


def _index(items: list[Obj] | None, build: Any) -> dict[str, Any] | None:
    if items is None:
        return None
    out: dict[str, Any] = {}
    for obj in items:
        value = build(obj)
        key: str = value.id if hasattr(value, "id") else value.arn
        if not key:
            raise SnapshotError(obj.wording.empty_id(obj.at()))
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
