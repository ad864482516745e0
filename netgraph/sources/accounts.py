"""A snapshot folder of several accounts -> one merged input (snapshot-format.md "Several
accounts").

Each subfolder of the snapshot folder that holds files directly is one account's snapshot;
the folder's own files, if any, are one more. Each is read as one snapshot always was
(``merge.read_raw``: ``AccountId`` and ``Region`` must agree within it), then they are
combined:

- The analysed Region is ``--region``, else the primary account's. An account folder of
  another Region is left out with a warning (its resources are not in the analysed Region's
  network: an inter-Region peering is ``unknown`` past it). A folder without a Region takes
  ``--region``; without one either, it is refused.
- The primary account (``AccountId`` of the combined snapshot, which IAM, ECR and the
  endpoint names use): the folder's own files; without them, the first subfolder (in name
  order) whose files list ECS services (not an empty list), else IAM roles, else the first
  subfolder.
- Lists concatenate, in that order (the primary first). The same resource listed by two
  accounts is one: the owner's copy wins (the transit gateway's owner for the transit
  gateway, its attachments and its route tables and their routes; else the account whose
  ``AccountId`` is the record's ``OwnerId``, or one of a peering's two ``OwnerId``); with
  no owner among the copies, the first.
- Absent is per account: a key that some accounts' files have and others' lack is kept, and
  ``RawSnapshot.uncollected`` says, for each VPC the lacking account's files mention (or
  that any file says the account owns), why it is absent there. The evaluation asks
  ``Snapshot.collected(key, vpc_id)`` and answers ``unknown`` in those VPCs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from netgraph.model import CollectionError
from netgraph.sources import regions
from netgraph.sources.merge import RawSnapshot, account_folders, read_raw
from netgraph.sources.reader import Obj, SnapshotError
from netgraph.sources.wording import SNAPSHOT


@dataclass
class Account:
    """One account's part: a folder's own files."""

    folder: str
    raw: RawSnapshot
    account_id: str | None
    region: str | None

    @property
    def label(self) -> str:
        return f"account {self.account_id or '(no AccountId)'} ({self.folder})"


def read_snapshot(path: Path, region: str | None = None) -> RawSnapshot:
    """A snapshot file or folder, merged; a folder of accounts combined into one."""
    subfolders = account_folders(path)
    if not subfolders:
        return read_raw(path)
    root = read_raw(path, subfolders)
    parts = [root] if root.files else []
    parts += [read_raw(folder) for folder in subfolders]
    folders = ([str(path)] if root.files else []) + [str(f) for f in subfolders]
    accounts = [
        Account(folder, raw, _scalar(raw, "AccountId"), _scalar(raw, "Region"))
        for folder, raw in zip(folders, parts, strict=True)
    ]
    for account in accounts:
        _check_version(account)
    primary = _primary(accounts, has_root=bool(root.files))
    analysed = region or primary.region
    if not analysed:
        raise SnapshotError(
            f"{primary.folder}: no Region in its files (the primary account's, "
            f'{primary.label}): add {{"Region": "…"}} to a file there, or pass --region'
        )
    if not regions.is_region(analysed):
        given = "--region" if region else f"{primary.raw.scalars['Region'][1]}: $.Region"
        raise SnapshotError(SNAPSHOT.not_region(given, analysed))
    kept: list[Account] = []
    warnings = list(root.skipped)
    for account in accounts:
        if account.raw is not root:
            warnings.extend(account.raw.skipped)
        if account.region is None and region is None:
            raise SnapshotError(
                f"{account.folder}: no Region in its files ({account.label}): add "
                '{"Region": "…"} to a file there, or pass --region for the folders without one'
            )
        if account.region is not None and account.region != analysed:
            warnings.append(
                f"{account.folder}: {account.label} is of Region {account.region}, not "
                f"{analysed}: not read (pass --region {account.region} to analyse that Region; "
                "a path that leaves for it is unknown)"
            )
            continue
        kept.append(account)
    if not kept:
        raise SnapshotError(
            f"{path}: no account folder is of Region {analysed} (their Regions: "
            f"{', '.join(sorted({a.region or '?' for a in accounts}))}): pass --region with one "
            "of them"
        )
    if primary not in kept:
        primary = kept[0]
    return _combine(kept, primary, analysed, warnings)


def _scalar(raw: RawSnapshot, key: str) -> str | None:
    if key not in raw.scalars:
        return None
    value, file = raw.scalars[key]
    if not isinstance(value, str):
        raise SnapshotError(SNAPSHOT.expected(f"{file}: $.{key}", "a string", value))
    return value


def _check_version(account: Account) -> None:
    if "SnapshotVersion" in account.raw.scalars:
        version, file = account.raw.scalars["SnapshotVersion"]
        if version != 1:
            raise SnapshotError(SNAPSHOT.version(f"{file}: $.SnapshotVersion", version))


def _primary(accounts: list[Account], *, has_root: bool) -> Account:
    """The account whose AccountId the combined snapshot carries (see the module's text)."""
    if has_root:
        return accounts[0]
    for key in ("services", "RoleDetailList"):
        for account in accounts:
            if account.raw.lists.get(key):
                return account
    return accounts[0]


# The id of each list's records: the same id in two accounts is one resource.
_ID = {
    "Vpcs": "VpcId",
    "Subnets": "SubnetId",
    "RouteTables": "RouteTableId",
    "InternetGateways": "InternetGatewayId",
    "EgressOnlyInternetGateways": "EgressOnlyInternetGatewayId",
    "NatGateways": "NatGatewayId",
    "VpcEndpoints": "VpcEndpointId",
    "SecurityGroups": "GroupId",
    "NetworkAcls": "NetworkAclId",
    "NetworkInterfaces": "NetworkInterfaceId",
    "Reservations": "ReservationId",
    "ManagedPrefixLists": "PrefixListId",
    "PrefixLists": "PrefixListId",
    "DhcpOptions": "DhcpOptionsId",
    "TransitGateways": "TransitGatewayId",
    "TransitGatewayAttachments": "TransitGatewayAttachmentId",
    "TransitGatewayVpcAttachments": "TransitGatewayAttachmentId",
    "TransitGatewayRouteTables": "TransitGatewayRouteTableId",
    "VpcPeeringConnections": "VpcPeeringConnectionId",
    "HostedZones": "Id",
    "ResolverRules": "Id",
    "ResolverRuleAssociations": "Id",
    "services": "serviceArn",
    "taskDefinitions": "taskDefinitionArn",
    "RoleDetailList": "Arn",
    "Policies": "Arn",
    "repositories": "repositoryArn",
}
# Records that belong to a transit gateway: its owner's copy wins (only it sees Association).
_OF_TGW = frozenset(
    {"TransitGatewayAttachments", "TransitGatewayVpcAttachments", "TransitGatewayRouteTables"}
)
# Keys not of a VPC's network: their records are looked up by ARN or name (a role, a
# service), and one an account lacks is simply not found (unknown); no VPC is marked.
_NOT_PER_VPC = frozenset(
    {
        "SnapshotVersion",
        "Region",
        "AccountId",
        "CollectedAt",
        "CollectionErrors",
        "IsTruncated",
        "Marker",
        "NextToken",
        "services",
        "taskDefinitions",
        "tags",
        "tasks",
        "failures",
        "RoleDetailList",
        "Policies",
        "UserDetailList",
        "GroupDetailList",
        "repositories",
        "RepositoryPolicies",
        "SecretDescriptions",
        "ParameterDescriptions",
        "KmsKeys",
        "KmsKeyPolicies",
        "Organization",
        "OrganizationParents",
        "OrganizationPolicies",
        "ServiceControlPoliciesForTarget",
        "ResourceControlPoliciesForTarget",
    }
)


def _tgw_owners(accounts: list[Account]) -> dict[str, str]:
    """Transit gateway id -> its OwnerId, as any account lists it."""
    owners: dict[str, str] = {}
    for account in accounts:
        for o in account.raw.lists.get("TransitGateways", []):
            tgw, owner = o.data.get("TransitGatewayId"), o.data.get("OwnerId")
            if isinstance(tgw, str) and isinstance(owner, str):
                owners.setdefault(tgw, owner)
    return owners


def _owners(key: str, data: dict[str, Any], tgw_owners: dict[str, str]) -> set[str]:
    """The accounts whose copy of a record is the owner's."""
    if key in _OF_TGW:
        owner = data.get("TransitGatewayOwnerId") or tgw_owners.get(
            str(data.get("TransitGatewayId"))
        )
        return {owner} if isinstance(owner, str) else set()
    if key == "VpcPeeringConnections":
        sides = (data.get("RequesterVpcInfo"), data.get("AccepterVpcInfo"))
        return {s["OwnerId"] for s in sides if isinstance(s, dict) and "OwnerId" in s}
    owner = data.get("OwnerId")
    return {owner} if isinstance(owner, str) else set()


def _combine(
    accounts: list[Account], primary: Account, region: str, warnings: list[str]
) -> RawSnapshot:
    ordered = [primary, *(a for a in accounts if a is not primary)]
    combined = RawSnapshot(
        lists={},
        scalars={},
        objects={},
        present=set(),
        unknown={},
        skipped=warnings,
        files=[f for a in ordered for f in a.raw.files],
    )
    for key, (value, file) in primary.raw.scalars.items():
        combined.scalars[key] = (value, file)
    combined.scalars["Region"] = (region, primary.raw.scalars.get("Region", (region, ""))[1])
    for account in ordered:
        for key, file in account.raw.unknown.items():
            combined.unknown.setdefault(key, file)
        combined.present |= account.raw.present

    tgw_owners = _tgw_owners(ordered)
    for key in sorted({k for a in ordered for k in a.raw.lists}):
        combined.lists[key] = _dedupe(key, ordered, tgw_owners)
    for key in sorted({k for a in ordered for k in a.raw.objects}):
        combined.objects[key] = _merge_objects(key, ordered, tgw_owners)

    vpcs = _vpcs_of(ordered)
    for key in sorted(combined.present - _NOT_PER_VPC):
        for account in ordered:
            if key in account.raw.present:
                continue
            errors = [
                CollectionError(call=o.data.get("Call", ""), error=o.data.get("Error", ""))
                for o in account.raw.lists.get("CollectionErrors", [])
            ]
            reason = f"{account.label}: {SNAPSHOT.absent(key, errors)}"
            for vpc in vpcs[id(account)]:
                combined.uncollected.setdefault(key, {}).setdefault(vpc, reason)
    return combined


def _dedupe(key: str, accounts: list[Account], tgw_owners: dict[str, str]) -> list[Obj]:
    id_key = _ID.get(key)
    out: list[Obj | None] = []
    where: dict[str, tuple[int, bool]] = {}  # id -> (index in out, the owner's copy)
    for account in accounts:
        for o in account.raw.lists.get(key, []):
            rid = o.data.get(id_key) if id_key else None
            if not isinstance(rid, str):
                out.append(o)
                continue
            owner = account.account_id is not None and account.account_id in _owners(
                key, o.data, tgw_owners
            )
            if rid not in where:
                where[rid] = (len(out), owner)
                out.append(o)
            elif owner and not where[rid][1]:
                where[rid] = (where[rid][0], True)
                out[where[rid][0]] = o
    return [o for o in out if o is not None]


def _merge_objects(key: str, accounts: list[Account], tgw_owners: dict[str, str]) -> list[Obj]:
    """An object-valued key's parts, each inner key kept once: the owner's (the transit
    gateway's owner for a route table's routes), else the first."""
    table_tgw: dict[str, str] = {}
    for account in accounts:
        for o in account.raw.lists.get("TransitGatewayRouteTables", []):
            rtb, tgw = o.data.get("TransitGatewayRouteTableId"), o.data.get("TransitGatewayId")
            if isinstance(rtb, str) and isinstance(tgw, str):
                table_tgw.setdefault(rtb, tgw)
    chosen: dict[str, tuple[int, bool]] = {}  # inner key -> (part index, the owner's)
    parts: list[Obj] = []
    for account in accounts:
        for o in account.raw.objects.get(key, []):
            index = len(parts)
            parts.append(o)
            for inner in o.data:
                owner = (
                    key == "TransitGatewayRouteTableRoutes"
                    and account.account_id is not None
                    and tgw_owners.get(table_tgw.get(inner, "")) == account.account_id
                )
                if inner not in chosen or (owner and not chosen[inner][1]):
                    chosen[inner] = (index, owner)
    out = []
    for index, o in enumerate(parts):
        kept = {k: v for k, v in o.data.items() if chosen[k][0] == index}
        if kept or not o.data:
            out.append(Obj(kept, o.file, o.path) if len(kept) != len(o.data) else o)
    return out


# Where a record of the account's own network names its VPC (not a transit gateway's
# attachment: its owner lists the attachments of every VPC; see _owned).
_VPC_FIELDS = (
    ("Vpcs", "VpcId"),
    ("VpcAttributes", "VpcId"),
    ("Subnets", "VpcId"),
    ("RouteTables", "VpcId"),
    ("SecurityGroups", "VpcId"),
    ("NetworkAcls", "VpcId"),
    ("NetworkInterfaces", "VpcId"),
    ("VpcEndpoints", "VpcId"),
    ("NatGateways", "VpcId"),
    ("ResolverRuleAssociations", "VPCId"),
)


def _mentioned(raw: RawSnapshot) -> Iterator[str]:
    for key, field in _VPC_FIELDS:
        for o in raw.lists.get(key, []):
            if isinstance(o.data.get(field), str):
                yield o.data[field]
    for o in raw.lists.get("InternetGateways", []):
        for att in o.data.get("Attachments") or []:
            if isinstance(att, dict) and isinstance(att.get("VpcId"), str):
                yield att["VpcId"]
    for o in raw.lists.get("Reservations", []):
        for inst in o.data.get("Instances") or []:
            if isinstance(inst, dict) and isinstance(inst.get("VpcId"), str):
                yield inst["VpcId"]
    for o in raw.objects.get("HostedZonesByVpc", []):
        yield from o.data


def _owned(raw: RawSnapshot) -> Iterator[tuple[str, str]]:
    """(VPC id, owner account) as a record says."""
    for o in raw.lists.get("Vpcs", []):
        if isinstance(o.data.get("VpcId"), str) and isinstance(o.data.get("OwnerId"), str):
            yield o.data["VpcId"], o.data["OwnerId"]
    for o in raw.lists.get("TransitGatewayVpcAttachments", []):
        if isinstance(o.data.get("VpcId"), str) and isinstance(o.data.get("VpcOwnerId"), str):
            yield o.data["VpcId"], o.data["VpcOwnerId"]
    for o in raw.lists.get("TransitGatewayAttachments", []):
        d = o.data
        vpc, owner = d.get("ResourceId"), d.get("ResourceOwnerId")
        if d.get("ResourceType") == "vpc" and isinstance(vpc, str) and isinstance(owner, str):
            yield vpc, owner
    for o in raw.lists.get("VpcPeeringConnections", []):
        for side in ("RequesterVpcInfo", "AccepterVpcInfo"):
            info = o.data.get(side)
            vpc, owner = (
                (info.get("VpcId"), info.get("OwnerId")) if isinstance(info, dict) else (0, 0)
            )
            if isinstance(vpc, str) and isinstance(owner, str):
                yield vpc, owner


def _vpcs_of(accounts: list[Account]) -> dict[int, set[str]]:
    """Each account's VPCs (by ``id(account)``): those its files mention, and those any file
    says it owns. Generous on purpose: a VPC counted in is only ever more unknown."""
    owned: dict[str, set[str]] = {}
    for account in accounts:
        for vpc, owner in _owned(account.raw):
            owned.setdefault(owner, set()).add(vpc)
    return {id(a): set(_mentioned(a.raw)) | owned.get(a.account_id or "", set()) for a in accounts}
