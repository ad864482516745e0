"""A Terraform plan as netgraph's input (plan-input.md): the plan alone, or overlaid on a
snapshot. The plan's resources become the snapshot's keys in AWS's describe shapes
(``plan_map``, ``plan_types``), then the model is built as for any snapshot
(``build_snapshot``), worded the plan's way (``plan_wording``).

``load_input`` is the one entry point for commands: a snapshot, a plan, or both.
"""

from __future__ import annotations

import copy
import json
import weakref
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from netgraph.gc_pause import collector_paused
from netgraph.model import Route, RouteTable, Snapshot
from netgraph.sources import plan_types  # noqa: F401  (registers the builders)
from netgraph.sources.merge import RawSnapshot, read_raw
from netgraph.sources.plan_locations import locations
from netgraph.sources.plan_map import PLAN_KEYS, Mapper, Objects, unknown_id
from netgraph.sources.plan_read import AWS_PROVIDER, Plan, is_plan, read_plan_file
from netgraph.sources.plan_refs import Resolver, aws_provider
from netgraph.sources.plan_wording import PLAN, PlanWording
from netgraph.sources.reader import Obj, SnapshotError
from netgraph.sources.snapshot import build_snapshot, load_snapshot


class PlanObj(Obj):
    """A record made from a plan: its messages are worded the plan's way."""

    __slots__ = ()
    wording = PLAN


# The ``input`` record of each model built from a plan (JSON additions), by model.
_INPUTS: weakref.WeakKeyDictionary[Snapshot, dict[str, Any]] = weakref.WeakKeyDictionary()


def input_record(snapshot: Snapshot) -> dict[str, Any] | None:
    """The JSON's top-level ``input`` of a run with a plan; None for a snapshot."""
    return _INPUTS.get(snapshot)


def looks_like_plan(path: str | Path) -> bool:
    """A file whose top-level object has ``format_version`` (a plan, or a state that
    ``read_plan_file`` refuses by name); a snapshot has none."""
    p = Path(path)
    if not p.is_file():
        return False
    try:
        text = p.read_bytes()
    except OSError:
        return False
    if b'"format_version"' not in text:
        return False
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return False
    return isinstance(data, dict) and "format_version" in data


def load_input(
    path: str | Path, plan: str | Path | None = None, region: str | None = None
) -> Snapshot:
    """The model of ``path`` (a snapshot file or folder, or a plan), with ``plan`` overlaid
    on it when given. Bad input raises :class:`SnapshotError` (exit 2)."""
    if plan is None:
        if looks_like_plan(path):
            return load_plan(path, None, region)
        return load_snapshot(path, region)
    if looks_like_plan(path):
        raise SnapshotError(f"{path}: a Terraform plan; --plan overlays a plan on a SNAPSHOT")
    return load_plan(plan, path, region)


def load_plan(
    plan_path: str | Path, snapshot_path: str | Path | None, region: str | None = None
) -> Snapshot:
    plan = read_plan_file(plan_path)
    with collector_paused():
        base = read_raw(Path(snapshot_path)) if snapshot_path is not None else None
        return build_from_plan(plan, base, region, snapshot_path)


def _plan_region(plan: Plan) -> str | None:
    conf = ((plan.configuration.get("provider_config") or {}).get("aws") or {}).get(
        "expressions"
    ) or {}
    expr = conf.get("region") or {}
    if isinstance(expr.get("constant_value"), str):
        return str(expr["constant_value"])
    for ref in expr.get("references") or []:
        if isinstance(ref, str) and ref.startswith("var."):
            value = plan.variables.get(ref[4:].split(".")[0])
            if isinstance(value, str):
                return value
    for values in plan.prior.values():
        if isinstance(values.get("name"), str) and "region" in str(values.get("id", "")):
            return str(values["name"])
    for address, values in plan.prior.items():
        if address.endswith("data.aws_region.current") or ".aws_region." in address:
            for key in ("name", "region", "id"):
                if isinstance(values.get(key), str):
                    return str(values[key])
    return None


def _plan_account(plan: Plan) -> str | None:
    for address, values in plan.prior.items():
        if "aws_caller_identity" in address and isinstance(values.get("account_id"), str):
            return str(values["account_id"])
    for values in plan.prior.values():
        arn = values.get("arn")
        if isinstance(arn, str) and arn.startswith("arn:") and len(arn.split(":")) > 4:
            account = arn.split(":")[4]
            if account.isdigit():
                return account
    return None


def _scalar(raw: RawSnapshot | None, key: str) -> str | None:
    if raw is None or key not in raw.scalars:
        return None
    value = raw.scalars[key][0]
    return value if isinstance(value, str) else None


def build_from_plan(
    plan: Plan,
    base: RawSnapshot | None,
    region: str | None,
    snapshot_path: str | Path | None = None,
) -> Snapshot:
    plan_region = _plan_region(plan)
    snap_region = _scalar(base, "Region")
    if region is None and snap_region and plan_region and snap_region != plan_region:
        raise SnapshotError(
            f"{plan.path}: the plan's aws provider is in {plan_region}, the snapshot "
            f"{snapshot_path} in {snap_region}: give the snapshot of that region"
        )
    chosen = region or snap_region or plan_region
    if not chosen:
        raise SnapshotError(PLAN.no_region())
    if region and plan_region and region != plan_region:
        raise SnapshotError(
            f"--region {region} disagrees with the plan: its aws provider is in {plan_region}"
        )
    account = _scalar(base, "AccountId") or _plan_account(plan)

    objects = Objects()
    if base is not None:
        for key, items in base.lists.items():
            field_name = _ID.get(key)
            for i, o in enumerate(items):
                record = copy.deepcopy(o.data)
                oid = str(record.get(field_name) or f"#{i}") if field_name else f"#{i}"
                held = objects.keys.setdefault(key, {})
                if key == "VpcAttributes" and oid in held:
                    # One describe-vpc-attribute response per attribute: one record per VPC.
                    held[oid].update(record)
                    continue
                held[oid] = record
        objects.present |= set(base.present)
        objects.base_entries = _base_entries(base)
    else:
        objects.present |= set(PLAN_KEYS)
        for key in PLAN_KEYS:
            objects.keys.setdefault(key, {})
    counts = _counts(plan)
    plan, warnings = _read_only_the_region(plan, chosen)
    mapper = Mapper(
        plan, Resolver(plan, chosen), objects, chosen, account, overlay=base is not None
    )
    mapper.apply()
    raw = _raw(objects, plan, base, chosen, account)
    wording: PlanWording = PLAN
    snapshot = build_snapshot(raw, region, wording=wording if base is None else _overlay_words())
    snapshot = _retarget(snapshot, mapper.kinds)
    snapshot = replace(
        snapshot,
        locations=locations(plan),
        warnings=(*snapshot.warnings, *warnings),
        sensitive=plan.sensitive,
        unresolved={
            unknown_id(u.address, u.attribute): PLAN.unknown_after_apply(
                u.attribute, u.address, u.reason
            )
            for u in _unique(mapper.unresolved)
        },
    )
    _INPUTS[snapshot] = {
        "kind": "terraform-plan",
        "plan": plan.path,
        "snapshot": str(snapshot_path) if snapshot_path is not None else None,
        "terraform_version": plan.terraform_version,
        "format_version": plan.format_version,
        "changes": counts,
        "unresolved": [u.record() for u in _unique(mapper.unresolved)],
        "warnings": list(warnings),
    }
    return snapshot


def _overlay_words() -> Any:
    from netgraph.sources.wording import SNAPSHOT

    return SNAPSHOT


_ID = {
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
    "PrefixLists": "PrefixListId",
    "services": "serviceArn",
    "taskDefinitions": "taskDefinitionArn",
    "RoleDetailList": "Arn",
    "Policies": "Arn",
    "repositories": "repositoryArn",
    "RepositoryPolicies": "repositoryName",
}


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _raw(
    objects: Objects, plan: Plan, base: RawSnapshot | None, region: str, account: str | None
) -> RawSnapshot:
    raw = RawSnapshot(
        lists={},
        scalars=dict(base.scalars) if base is not None else {},
        objects=dict(base.objects) if base is not None else {},
        present=set(objects.present),
        unknown=dict(base.unknown) if base is not None else {},
        skipped=list(base.skipped) if base is not None else [],
    )
    if base is None:
        raw.scalars["Region"] = (region, plan.path)
        if account:
            raw.scalars["AccountId"] = (account, plan.path)
    elif "AccountId" not in raw.scalars and account:
        raw.scalars["AccountId"] = (account, plan.path)
    if objects.entries:
        _write_entries(raw, objects, plan.path)
    for key, records in objects.keys.items():
        if key not in objects.present:
            continue
        top = PlanObj({}, plan.path, "$")
        raw.lists[key] = [
            PlanObj(_clean(r), plan.path, (top, key, i)) for i, r in enumerate(records.values())
        ]
    return raw


def _base_entries(base: RawSnapshot) -> dict[str, list[dict[str, Any]]]:
    """The snapshot's PrefixListEntries, by prefix list (both shapes the reader takes)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for obj in base.objects.get("PrefixListEntries", []):
        for pl, value in obj.data.items():
            entries = value.get("Entries") if isinstance(value, dict) else value
            if isinstance(entries, list):
                out.setdefault(pl, []).extend(e for e in entries if isinstance(e, dict))
    return out


def _write_entries(raw: RawSnapshot, objects: Objects, path: str) -> None:
    """PrefixListEntries: the snapshot's, but those of the lists the plan writes, which are
    the plan's (a list whose entries are unknown is left out: its CIDRs are unknown)."""
    written = set(objects.entries)
    kept = []
    for obj in raw.objects.get("PrefixListEntries", []):
        rest = {pl: v for pl, v in obj.data.items() if pl not in written}
        if rest:
            kept.append(type(obj)(rest, obj.file, obj.path))
    plan_entries = {pl: e for pl, e in objects.entries.items() if e is not None}
    if plan_entries:
        kept.append(PlanObj(plan_entries, path, "$.PrefixListEntries"))
    raw.objects["PrefixListEntries"] = kept
    raw.present.add("PrefixListEntries")


def _retarget(snapshot: Snapshot, kinds: dict[str, Any]) -> Snapshot:
    """Routes to objects named by address: what they name is known from the plan (an id's
    prefix says it for AWS ids)."""
    if not kinds or snapshot.route_tables is None:
        return snapshot
    tables: dict[str, RouteTable] = {}
    for tid, table in snapshot.route_tables.items():
        routes = tuple(
            replace(r, target_kind=kinds[r.target_id])
            if r.target_id in kinds and r.target_kind != kinds[r.target_id]
            else r
            for r in table.routes
        )
        tables[tid] = replace(table, routes=routes) if routes != table.routes else table
    return replace(snapshot, route_tables=tables)


def _provider_region(plan: Plan, key: str) -> str | None:
    """The region of the provider configuration ``key`` of ``configuration.provider_config``
    (``aws``, ``aws.west``, ``network:aws``): a constant, or a root variable's value."""
    conf = (plan.configuration.get("provider_config") or {}).get(key)
    expr = ((conf or {}).get("expressions") or {}).get("region") or {}
    if isinstance(expr.get("constant_value"), str):
        return str(expr["constant_value"])
    refs = [r for r in expr.get("references") or [] if isinstance(r, str)]
    if ":" not in key:  # a root module's provider block: its var. is a root variable
        for ref in refs:
            if ref.startswith("var."):
                value = plan.variables.get(ref[4:].split(".")[0])
                if isinstance(value, str):
                    return value
    return None


def _read_only_the_region(plan: Plan, region: str) -> tuple[Plan, list[str]]:
    """The plan without what netgraph does not read, and a warning naming it: resources of
    another provider than hashicorp/aws, and of an aws provider configuration in another
    region than the analysed one (plan-input.md "Which parts of the plan are read"). A
    reference to an ignored resource then names nothing in the plan: unknown."""
    resolver = Resolver(plan, region)
    others: dict[str, list[str]] = {}
    elsewhere: dict[tuple[str, str], list[str]] = {}
    kept = []
    for c in plan.changes:
        if not aws_provider(c):
            if c.type.startswith("aws_"):  # another build of the AWS provider: say so
                others.setdefault(c.provider, []).append(c.address)
            continue
        key = str((resolver.resource_config(c) or {}).get("provider_config_key") or "aws")
        if c.mode == "managed" and key != "aws":
            where = _provider_region(plan, key)
            if where is not None and where != region:
                elsewhere.setdefault((key, where), []).append(c.address)
                continue
        kept.append(c)
    warnings = [
        f"{plan.path}: resources of provider {p} are not read (only {AWS_PROVIDER}): "
        f"{_listed(addresses)}"
        for p, addresses in sorted(others.items())
    ] + [
        f"{plan.path}: resources of provider configuration {key} (region {where}) are not "
        f"read: netgraph analyses {region}: {_listed(addresses)}"
        for (key, where), addresses in sorted(elsewhere.items())
    ]
    if len(kept) == len(plan.changes):
        return plan, warnings
    by_address = {c.address: c for c in kept if c.mode == "managed"}
    return replace(plan, changes=kept, by_address=by_address), warnings


def _listed(addresses: list[str], limit: int = 10) -> str:
    more = f" and {len(addresses) - limit} more" if len(addresses) > limit else ""
    return ", ".join(addresses[:limit]) + more


def _counts(plan: Plan) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for c in plan.changes:
        if not aws_provider(c):
            continue
        kind = "read" if c.mode == "data" and "read" in c.actions else c.kind
        if c.mode == "data" and kind != "read":
            continue
        counts[kind] += 1
    return {k: counts.get(k, 0) for k in ("create", "update", "delete", "replace", "read")}


def _unique(items: list[Any]) -> list[Any]:
    seen: set[tuple[str, str]] = set()
    out = []
    for u in items:
        if (u.address, u.attribute) not in seen:
            seen.add((u.address, u.attribute))
            out.append(u)
    return out


__all__ = ["Route", "input_record", "is_plan", "load_input", "load_plan", "looks_like_plan"]


def dump(snapshot_path: str) -> str:  # pragma: no cover - a debugging aid
    return json.dumps(input_record(load_input(snapshot_path)), indent=1)
