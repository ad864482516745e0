"""Snapshot files -> their top-level keys, merged: one JSON object, or a folder of them
whose keys merge key by key (lists concatenate in file-name order, scalars must agree).

A folder's subfolders that hold files directly are accounts (``account_folders``), read
one by one with ``read_raw`` and combined by ``sources/accounts.py``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netgraph.sources.reader import YAML_SUFFIXES, Obj, SnapshotError, _read_json
from netgraph.sources.wording import SNAPSHOT

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
        # AWS Organizations: SCPs and RCPs (sources/organizations.py)
        "Organization",
        "OrganizationParents",
        "OrganizationPolicies",
        "ServiceControlPoliciesForTarget",
        "ResourceControlPoliciesForTarget",
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
        # KMS keys of secrets and parameters (sources/kms.py)
        "SecretDescriptions",
        "ParameterDescriptions",
        "KmsKeys",
        "KmsKeyPolicies",
        # Several VPCs (snapshot-format.md "Several VPCs"): transit gateways, peering,
        # Route 53 private hosted zones and Resolver rules
        "TransitGateways",
        "TransitGatewayAttachments",
        "TransitGatewayVpcAttachments",
        "TransitGatewayRouteTables",
        "TransitGatewayRouteTableRoutes",
        "VpcPeeringConnections",
        "HostedZones",
        "HostedZoneDetails",
        "HostedZonesByVpc",
        "ResolverRules",
        "ResolverRuleAssociations",
    }
)


@dataclass
class RawSnapshot:
    """Top-level keys merged from one or more files, with the file each part came from."""

    lists: dict[str, list[Obj]]
    scalars: dict[str, tuple[Any, str]]  # key -> (value, file)
    objects: dict[str, list[Obj]]  # object-valued keys (PrefixListEntries), per file
    present: set[str]
    unknown: dict[str, str]  # key -> first file
    skipped: list[str] = field(default_factory=list)  # a folder's files not read, as warnings
    files: list[str] = field(default_factory=list)  # the files read, in order
    # Several accounts combined (sources/accounts.py): key -> VPC id -> why that key is
    # absent for the account of that VPC, though another account has it.
    uncollected: dict[str, dict[str, str]] = field(default_factory=dict)

    def items(self, key: str) -> list[Obj] | None:
        return self.lists.get(key) if key in self.present else None


READ_SUFFIXES = (".json", *YAML_SUFFIXES)


def _readable(path: Path) -> bool:
    return path.suffix.lower() in READ_SUFFIXES and path.is_file()


def account_folders(path: Path) -> list[Path]:
    """The subfolders of a snapshot folder that hold readable files directly: each is one
    account's snapshot (snapshot-format.md "Several accounts"). Deeper folders are not read."""
    if not path.is_dir():
        return []
    return [
        p for p in sorted(path.iterdir()) if p.is_dir() and any(_readable(f) for f in p.iterdir())
    ]


def _files(path: Path, accounts: Sequence[Path] = ()) -> tuple[list[Path], list[str]]:
    """The files to read, and the warning for those of a folder that are not read.
    ``accounts``: its subfolders read as accounts of their own (not skipped)."""
    if path.is_dir():
        files: list[Path] = []
        skipped: list[str] = []
        for p in sorted(path.iterdir()):
            if _readable(p):
                files.append(p)
            elif p not in accounts:
                skipped.append(p.name + ("/" if p.is_dir() else ""))
        if not files and not accounts:
            raise SnapshotError(
                f"{path}: folder holds no *.json files (nor *.yaml, *.yml): save each AWS CLI "
                "output there as NAME.json"
            )
        warnings = [SNAPSHOT.skipped(str(path), skipped)] if skipped else []
        return files, warnings
    if path.is_file():
        return [path], []
    raise SnapshotError(f"{path}: no such file or folder")


_OBJECT_KEYS = frozenset(
    {
        "PrefixListEntries",
        "Organization",
        "OrganizationParents",
        "ServiceControlPoliciesForTarget",
        "ResourceControlPoliciesForTarget",
        "TransitGatewayRouteTableRoutes",
        "HostedZoneDetails",
        "HostedZonesByVpc",
    }
)
_MUST_AGREE = frozenset({"SnapshotVersion", "Region", "AccountId"})


def read_raw(path: Path, accounts: Sequence[Path] = ()) -> RawSnapshot:
    """One snapshot: a file, or a folder's own files (``accounts``: its subfolders that are
    read as accounts of their own; without them a folder of no files is an error)."""
    files, skipped = _files(path, accounts)
    raw = RawSnapshot(lists={}, scalars={}, objects={}, present=set(), unknown={}, skipped=skipped)
    for file in files:
        _merge(raw, _read_json(file), str(file))
        raw.files.append(str(file))
    return raw


def _merge(raw: RawSnapshot, data: Any, name: str) -> None:
    """Add one file's top-level keys: lists concatenate, objects merge, scalars must agree."""
    if not isinstance(data, dict):
        message = SNAPSHOT.expected(name, "a JSON object at the top", data)
        if isinstance(data, list) and data and all(isinstance(d, dict) for d in data):
            # `aws ... --output yaml-stream` writes a list of pages, each a response.
            message += (
                "; an AWS CLI response is one object: write it with --output json or "
                "--output yaml (yaml-stream writes a list of pages)"
            )
        raise SnapshotError(message)
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
                    SNAPSHOT.contradicts(f"{name}: $.{key}", value, prev_value, prev_file)
                )
            raw.scalars.setdefault(key, (value, name))
        else:
            raise SnapshotError(SNAPSHOT.expected(f"{name}: $.{key}", "a list", value))


def _scalar_str(raw: RawSnapshot, key: str) -> str | None:
    if key not in raw.scalars:
        return None
    value, file = raw.scalars[key]
    if not isinstance(value, str):
        raise SnapshotError(SNAPSHOT.expected(f"{file}: $.{key}", "a string", value))
    return value
