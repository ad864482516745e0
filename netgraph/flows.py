"""Where a packet starts: ECS services, ENIs, instances and hypothetical ENIs.

A source is what the hop evaluation depends on (subnet, security groups, public IP, address)
plus where it came from, for the report. Two sources with the same subnet, groups and public
IP get the same verdicts; the scan of a whole account relies on that.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from netgraph.model import EcsService, IPAddress, Snapshot, TaskDefinition

SourceKind = Literal["ecs-service", "eni", "instance", "hypothetical"]


class SourceError(Exception):
    """The command named a source that the snapshot does not hold (exit code 2)."""


@dataclass(frozen=True)
class Source:
    kind: SourceKind
    id: str  # eni-…, i-…, or the subnet id for services and hypothetical ENIs
    subnet_id: str
    security_group_ids: tuple[str, ...]
    public_ip: bool
    address: IPAddress | None = None  # None: any address of the subnet
    service: EcsService | None = None
    task_definition: TaskDefinition | None = None
    # The service names no security group: Fargate then uses the VPC's default group.
    uses_default_group: bool = False
    # Why nothing of this source can be checked: it stands for services that could not be
    # listed (``unlisted_services``).
    unknown: str | None = None
    groups_unknown: str = ""  # why the source's security groups are not known

    @property
    def label(self) -> str:
        if self.service is not None:
            return f"service {self.service.name} in {self.subnet_id}"
        if self.kind == "hypothetical":
            return f"a task in {self.subnet_id}"
        return self.id


def _default_group(snapshot: Snapshot, subnet_id: str) -> str | None:
    subnet = (snapshot.subnets or {}).get(subnet_id)
    if subnet is None or snapshot.security_groups is None:
        return None
    for group in snapshot.security_groups.values():
        if group.name == "default" and group.vpc_id == subnet.vpc_id:
            return group.id
    return None


def find_task_definition(snapshot: Snapshot, reference: str) -> TaskDefinition | None:
    """A service names its task definition by ARN; hand-made files may use family:rev."""
    defs = snapshot.task_definitions or {}
    if reference in defs:
        return defs[reference]
    tail = reference.rsplit("/", 1)[-1]
    family, _, revision = tail.partition(":")
    matches = [
        td
        for td in defs.values()
        if td.family == family and (not revision or str(td.revision) == revision)
    ]
    return max(matches, key=lambda td: td.revision or 0) if matches else None


# The calls whose failure leaves the snapshot without its ECS services.
SERVICE_LISTING_CALLS = ("ecs:ListClusters", "ecs:ListServices", "ecs:DescribeServices")


def unlisted_services(snapshot: Snapshot) -> str | None:
    """Why the snapshot's ECS services are unknown: a call that lists them failed."""
    if snapshot.services is not None:
        return None
    for err in snapshot.collection_errors:
        if err.call in SERVICE_LISTING_CALLS:
            denied = any(w in err.error.lower() for w in ("denied", "unauthorized"))
            fix = (
                f"allow {err.call} to the credentials netgraph uses (README, Live AWS)"
                if denied
                else f"find why {err.call} failed"
            )
            return (
                f"the ECS services could not be listed ({err.call} failed: {err.error}), so "
                f"which services run and what they reach is unknown: {fix}, and collect again"
            )
    return None


def _unlisted_source(name: str | None, reason: str) -> Source:
    """One source for the services that could not be listed: its checks are unknown, and say
    why, rather than the run ending with "no ECS service"."""
    service = EcsService(
        name=name or "(not listed)",
        arn=name or "",
        cluster="",
        task_definition="",
        launch_type=None,
        platform_version=None,
        subnet_ids=(),
        security_group_ids=(),
        assign_public_ip=False,
        has_awsvpc_configuration=True,
    )
    return Source("ecs-service", "?", "?", (), False, service=service, unknown=reason)


def service_sources(snapshot: Snapshot, name: str | None = None) -> list[Source]:
    """One source per subnet of each awsvpc service (or of the one named)."""
    if snapshot.services is None:
        unlisted = unlisted_services(snapshot)
        if unlisted is not None:
            return [_unlisted_source(name, unlisted)]
        if name is not None:
            raise SourceError(f"--service {name}: {snapshot.missing_reason('services')}")
        return []
    chosen = [s for s in snapshot.services.values() if name is None or name in (s.name, s.arn)]
    if name is not None and not chosen:
        known = ", ".join(sorted(s.name for s in snapshot.services.values())) or "none"
        raise SourceError(
            f"--service {name}: no such ECS service in the snapshot (services: {known})"
        )
    sources: list[Source] = []
    for service in chosen:
        task_def = find_task_definition(snapshot, service.task_definition)
        awsvpc = (
            (task_def.network_mode == "awsvpc")
            if (task_def and task_def.network_mode)
            else service.has_awsvpc_configuration
        )
        if not awsvpc or not service.subnet_ids:
            if name is not None:
                raise SourceError(
                    f"--service {name}: the service does not use the awsvpc "
                    "network mode with subnets; netgraph checks awsvpc tasks"
                )
            continue
        for subnet_id in service.subnet_ids:
            groups = service.security_group_ids
            if not groups:
                default = _default_group(snapshot, subnet_id)
                groups = (default,) if default else ()
            sources.append(
                Source(
                    kind="ecs-service",
                    id=subnet_id,
                    subnet_id=subnet_id,
                    security_group_ids=groups,
                    public_ip=service.assign_public_ip,
                    service=service,
                    task_definition=task_def,
                    uses_default_group=not service.security_group_ids,
                )
            )
    return sources


def known(ids: Iterable[str], key: str, shown: int = 5) -> str:
    """A few of the ids the snapshot holds, for a message naming one it does not."""
    listed = sorted(ids)
    head = ", ".join(listed[:shown]) or "none"
    more = f" and {len(listed) - shown} more" if len(listed) > shown else ""
    return f"{key}: {head}{more}"


def eni_source(snapshot: Snapshot, eni_id: str) -> Source:
    if snapshot.network_interfaces is None:
        raise SourceError(f"--eni {eni_id}: {snapshot.missing_reason('NetworkInterfaces')}")
    eni = snapshot.network_interfaces.get(eni_id)
    if eni is None:
        raise SourceError(
            f"{eni_id}: no such network interface in the snapshot "
            f"({known(snapshot.network_interfaces, 'NetworkInterfaces')}): check the id"
        )
    if eni.subnet_id is None:
        raise SourceError(f"{eni_id}: the network interface has no SubnetId")
    return Source(
        kind="eni",
        id=eni.id,
        subnet_id=eni.subnet_id,
        security_group_ids=eni.group_ids or (),
        public_ip=eni.public_ip is not None,
        address=eni.primary_ip,
        groups_unknown=(
            "" if eni.group_ids is not None else f"the Groups of {eni.id} are not in the snapshot"
        ),
    )


def instance_source(snapshot: Snapshot, instance_id: str) -> Source:
    if snapshot.instances is None:
        raise SourceError(f"{instance_id}: {snapshot.missing_reason('Reservations')}")
    inst = snapshot.instances.get(instance_id)
    if inst is None:
        raise SourceError(
            f"{instance_id}: no such instance in the snapshot "
            f"({known(snapshot.instances, 'Reservations')}): check the id"
        )
    if inst.subnet_id is None or inst.private_ip is None:
        raise SourceError(
            f"{instance_id}: the instance is {inst.state} and has no subnet or "
            "address; it sends nothing"
        )
    return Source(
        kind="instance",
        id=inst.id,
        subnet_id=inst.subnet_id,
        security_group_ids=inst.group_ids or (),
        public_ip=inst.public_ip is not None,
        address=inst.private_ip,
        groups_unknown=inst.groups_unread,
    )


def hypothetical_source(
    snapshot: Snapshot, subnet_id: str, groups: tuple[str, ...], public_ip: bool
) -> Source:
    if snapshot.subnets is None:
        raise SourceError(f"--subnet {subnet_id}: {snapshot.missing_reason('Subnets')}")
    subnet = snapshot.subnets.get(subnet_id)
    if subnet is None:
        unread = snapshot.uncollected.get("Subnets", {})
        if unread:
            # Several accounts: the subnet may be of one whose subnets were not collected.
            vpc_id, why = sorted(unread.items())[0]
            more = f" and {len(unread) - 1} more" if len(unread) > 1 else ""
            raise SourceError(
                f"--subnet {subnet_id}: not in the snapshot, whose subnets of {vpc_id}{more} "
                f"were not collected ({why}): collect them, or check the id"
            )
        raise SourceError(
            f"--subnet {subnet_id}: no such subnet in the snapshot "
            f"({known(snapshot.subnets, 'Subnets')}): check the id"
        )
    if not groups:
        raise SourceError("--subnet needs at least one --security-group sg-…")
    # Groups not collected: their hops are unknown. Collected: a group not there is a typo.
    held = snapshot.security_groups or {}
    for group_id in groups if snapshot.security_groups is not None else ():
        group = held.get(group_id)
        if group is None:
            raise SourceError(
                f"--security-group {group_id}: no such security group in the snapshot "
                f"({known(held, 'SecurityGroups')}): check the id"
            )
        if group.vpc_id and subnet.vpc_id and group.vpc_id != subnet.vpc_id:
            raise SourceError(
                f"--security-group {group_id}: it is in {group.vpc_id}, but {subnet_id} is in "
                f"{subnet.vpc_id} (a task's groups are of its subnet's VPC): name a group of "
                f"{subnet.vpc_id}"
            )
    return Source(
        kind="hypothetical",
        id=subnet_id,
        subnet_id=subnet_id,
        security_group_ids=groups,
        public_ip=public_ip,
    )


@dataclass(frozen=True)
class Scope:
    """The part of the account a command looks at: services and ENIs in these VPCs, services
    of these clusters (empty: no limit). ENIs belong to no cluster: only ``vpcs`` limits them.
    A source whose subnet the snapshot lacks may be in any VPC: it stays, and is checked
    (its verdicts are unknown) rather than silently left out."""

    vpcs: frozenset[str] = frozenset()
    clusters: frozenset[str] = frozenset()  # cluster names

    def holds(self, snapshot: Snapshot, source: Source) -> bool:
        if source.unknown is not None:
            return True  # services not listed: any of them may be in the scope
        if self.vpcs:
            subnet = (snapshot.subnets or {}).get(source.subnet_id)
            if subnet is not None and subnet.vpc_id not in self.vpcs:
                return False
        return not (
            self.clusters and source.service and source.service.cluster not in self.clusters
        )


def scope(snapshot: Snapshot, vpcs: Sequence[str] = (), clusters: Sequence[str] = ()) -> Scope:
    """The scope of ``--vpc`` and ``--cluster``; a name the snapshot does not hold is an error,
    not a silently empty (or silently whole) account."""
    for vpc in vpcs:
        if snapshot.vpcs is None:
            raise SourceError(f"--vpc {vpc}: {snapshot.missing_reason('Vpcs')}")
        if vpc not in snapshot.vpcs:
            known = ", ".join(sorted(snapshot.vpcs)) or "none"
            raise SourceError(f"--vpc {vpc}: no such VPC in the snapshot (Vpcs: {known})")
    names = frozenset(c.rsplit("/", 1)[-1] for c in clusters)  # a name or a cluster ARN
    running = {s.cluster for s in (snapshot.services or {}).values()}
    for cluster in clusters if unlisted_services(snapshot) is None else ():
        if cluster.rsplit("/", 1)[-1] not in running:
            known = ", ".join(sorted(c for c in running if c)) or "none"
            raise SourceError(
                f"--cluster {cluster}: no ECS service of the snapshot runs in it "
                f"(clusters: {known})"
            )
    return Scope(frozenset(vpcs), names)
