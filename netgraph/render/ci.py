"""What the CI formats (``sarif``, ``junit``) and the diff's report share: how a source and a
resource are named, which hop a check is located at, and where that hop is written.

A resource is named by its AWS id, and by its Terraform address too where the input knows it
(an id the plan manages); a resource a plan creates has no id yet and its address is its id.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from netgraph.fixes import cause_of
from netgraph.flows import Source
from netgraph.hop import Hop
from netgraph.model import Snapshot, SourceLocation
from netgraph.reach import Trace
from netgraph.sources.plan import input_record
from netgraph.sources.plan_read import read_plan_file
from netgraph.sources.reader import SnapshotError

# A Terraform resource address (aws_route_table.private, module.net.aws_subnet.a["x"],
# data.aws_vpc.main): what a plan names a resource that does not exist yet.
_ADDRESS = re.compile(r"^(?:module\.[\w-]+(?:\[[^\]]*\])?\.)*(?:data\.)?aws_\w+\.[\w-]+")


def is_address(name: str) -> bool:
    return bool(_ADDRESS.match(name))


def source_name(source: Source) -> str:
    """``service web (cluster app) in subnet-…``, ``eni-… in subnet-…``, ``a task in
    subnet-… with sg-…``: one source, as a person (and a JUnit classname) reads it."""
    if source.service is not None:
        cluster = source.service.cluster.rsplit("/", 1)[-1] if source.service.cluster else "?"
        return f"service {source.service.name} (cluster {cluster}) in {source.subnet_id}"
    if source.kind == "hypothetical":
        groups = ", ".join(source.security_group_ids) or "no security group"
        return f"a task in {source.subnet_id} with {groups}"
    return f"{source.id} in {source.subnet_id}"


@lru_cache(maxsize=8)
def plan_addresses(plan_path: str) -> Mapping[str, str]:
    """AWS id (and ARN) -> Terraform address of each managed resource a plan names that
    exists already: what a plan overlaid on a snapshot calls the snapshot's resources."""
    try:
        plan = read_plan_file(plan_path)
    except (SnapshotError, OSError):
        return {}
    out: dict[str, str] = {}
    for change in plan.changes:
        if change.mode != "managed":
            continue
        for values in (change.before, change.after):
            for key in ("id", "arn"):
                value = (values or {}).get(key)
                # Terraform's synthetic ids of rules and associations (sgrule-…, r-rtb-…)
                # name no AWS resource; a hop never carries them, so they are harmless.
                if isinstance(value, str) and value and value not in out:
                    out[value] = change.address
    return out


def addresses_of(snapshot: Snapshot) -> Mapping[str, str]:
    """AWS id -> Terraform address, where the input says (a plan overlaid on a snapshot)."""
    record = input_record(snapshot)
    plan = record.get("plan") if record else None
    return plan_addresses(str(plan)) if plan else {}


def named(resource: str, addresses: Mapping[str, str]) -> str:
    """``rtb-0f… (aws_route_table.private)`` where the id has an address, else the id."""
    address = addresses.get(resource)
    if address and address != resource:
        return f"{resource} ({address})"
    return resource


def blamed(trace: Trace) -> Hop | None:
    """The hop a finding is about: the resource to change (``cause_of``: an endpoint whose
    private DNS is off, not the route table that then drops), else the blocking hop, else
    the first unknown hop."""
    cause = cause_of(trace)
    if cause is not None:
        return cause
    if trace.blocked_at is not None:
        return trace.blocked_at
    if trace.verdict == "unknown":
        return next((h for h in trace.hops if h.status == "unknown"), None)
    return None


@dataclass(frozen=True)
class Place:
    """Where a finding points: a file (relative to the working folder where it can be) and
    a line, or nothing for a live account."""

    file: str | None
    line: int | None


class Locator:
    """Finds where a resource is written: the Terraform file and line a plan gives
    (``Snapshot.locations``), else the first line of the snapshot file (or of a file of the
    snapshot folder) that names it, else the snapshot itself without a line."""

    def __init__(
        self,
        snapshot: Snapshot,
        where: str,
        *,
        live: bool = False,
        addresses: Mapping[str, str] | None = None,
    ) -> None:
        self._locations: Mapping[str, SourceLocation] = snapshot.locations
        self._addresses = addresses if addresses is not None else addresses_of(snapshot)
        record = input_record(snapshot)
        if record is not None:
            # A plan's run is titled "SNAPSHOT + PLAN": what is not in the plan's .tf files is
            # in the snapshot, or (a plan alone) only in the plan.
            where = str(record.get("snapshot") or record.get("plan") or where)
        self._where = None if live else where
        self._texts: list[tuple[str, str]] | None = None
        self._found: dict[str, Place] = {}

    def _files(self) -> list[tuple[str, str]]:
        if self._texts is None:
            self._texts = []
            where = self._where
            paths: list[Path] = []
            if where is not None and os.path.isdir(where):
                paths = sorted(p for p in Path(where).rglob("*") if p.is_file())
            elif where is not None and os.path.isfile(where):
                paths = [Path(where)]
            for p in paths:
                try:
                    self._texts.append((str(p), p.read_text(encoding="utf-8", errors="replace")))
                except OSError:
                    continue
        return self._texts

    def place(self, resource: str | None) -> Place:
        if self._where is None and not self._locations:
            return Place(None, None)
        if resource is None:
            return Place(self._where, None)
        if resource in self._found:
            return self._found[resource]
        located = self._locations.get(resource)
        if located is None and resource in self._addresses:
            located = self._locations.get(self._addresses[resource])
        if located is not None:
            found = Place(located.file, located.line)
        else:
            found = Place(self._where, None)
            # The whole id (sg-1 is not in sg-12), quoted in JSON or bare in YAML.
            whole = re.compile(rf"(?<![\w-]){re.escape(resource)}(?![\w-])")
            for path, text in self._files():
                m = whole.search(text)
                if m is not None:
                    found = Place(path, text.count("\n", 0, m.start()) + 1)
                    break
        self._found[resource] = found
        return found


__all__ = [
    "Locator",
    "Place",
    "addresses_of",
    "blamed",
    "is_address",
    "named",
    "plan_addresses",
    "source_name",
]
