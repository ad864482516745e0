"""``netgraph diff``'s report: the checks whose verdict a change moves, in words
(``--format text``) or as a versioned JSON document (``--format json``).

The JSON (version 1)::

    {"version": 1, "region": "...", "account_id": "..." | null,
     "before": "BEFORE", "after": "AFTER" | null, "plan": "tfplan.json" | null,
     "summary": {"compared": 12, "unchanged": 4, "worse": 8, "better": 0, "appeared": 0,
                 "disappeared": 0, "regressions": 8},
     "changes": [{"change": "worse" | "better" | "appeared" | "disappeared",
                  "regression": true, "source": {...}, "target": "ecr.dkr", "port": 443,
                  "protocol": "tcp", "verdict_before": "reachable" | null,
                  "verdict_after": "blocked" | null,
                  "hop": {"id": "rtb-...", "kind": "route-table", "verdict": "fail",
                          "reason": "...", "address": "aws_route_table.private" | null}
                         | null,
                  "hop_before": {"id": ..., "kind": ..., "verdict": ..., "reason": ...} | null,
                  "touched": [{"id": "vpce-...", "action": "deleted", "address": ... | null}],
                  "message": "this plan breaks ecr.dkr for ...", "fix": "..." | null,
                  "before": {check} | null, "after": {check} | null}]}

``source`` and ``{check}`` are check-output.md's objects.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TextIO

from netgraph.diff import Change, Diff
from netgraph.hop import Hop
from netgraph.model import Snapshot
from netgraph.reach import PROTOCOL_NAMES
from netgraph.render.ci import addresses_of, named, source_name
from netgraph.render.escape import json_text, printable
from netgraph.render.format import Report, StreamFormat
from netgraph.render.json import source_record, trace_record

DIFF_JSON_VERSION = 1

_VERB = {"worse": "breaks", "better": "mends"}


@dataclass(kw_only=True)
class DiffReport(Report):
    """A ``Report`` that carries the comparison: ``snapshot`` is the after-run's."""

    diff: Diff
    before: Snapshot
    before_where: str
    plan: str | None = None
    # AWS id -> Terraform address, for naming what a plan changes.
    addresses: Mapping[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        snap = self.snapshot
        account = f", account {snap.account_id}" if snap.account_id else ""
        change = f"--plan {self.plan}" if self.plan else f"-> {self.where}"
        return f"netgraph diff {self.before_where} {change} ({snap.region}{account})"

    @property
    def subject(self) -> str:
        return "this plan" if self.plan else "this change"

    def names(self) -> Mapping[str, str]:
        if self.addresses:
            return self.addresses
        return {**addresses_of(self.before), **addresses_of(self.snapshot)}


def _verdict(trace_verdict: str | None, hop: Hop | None, names: Mapping[str, str]) -> str:
    if trace_verdict is None:
        return "not checked"
    if hop is not None and trace_verdict in ("blocked", "denied"):
        return f"{trace_verdict} at {named(hop.id, names)} ({hop.kind})"
    if hop is not None and trace_verdict == "unknown":
        return f"unknown at {named(hop.id, names)} ({hop.kind})"
    return trace_verdict


def touched_text(change: Change, names: Mapping[str, str]) -> str:
    """``vpce-… (aws_vpc_endpoint.ecr_dkr) deleted, rtb-… changed``."""
    return ", ".join(f"{named(t.id, names)} {t.action}" for t in change.touched)


def message(change: Change, subject: str, names: Mapping[str, str]) -> str:
    """One change in a sentence: what breaks (or mends) for whom, the hop that decides it and
    why, and what the change did on the path."""
    t = change.trace
    who = source_name(t.source)
    hop = change.hop
    if change.movement in _VERB:
        before_hop = hop if change.movement == "better" else change.other
        after_hop = hop if change.movement == "worse" else change.other
        head = (
            f"{subject} {_VERB[change.movement]} {t.target} for {who}: "
            f"{_verdict(change.verdict_before, before_hop, names)} -> "
            f"{_verdict(change.verdict_after, after_hop, names)}"
        )
    elif change.movement == "appeared":
        head = f"new check {t.target} for {who}: {_verdict(change.verdict_after, hop, names)}"
    elif change.unlisted:
        head = (
            f"{subject} leaves {t.target} for {who} unknown: {change.unlisted}, so whether "
            f"the source is still there cannot be told (was {change.verdict_before})"
        )
    else:
        head = f"no longer checked: {t.target} for {who} (was {change.verdict_before})"
    # A verdict no hop decides (a target that may not be needed: unknown, with the check's
    # reason) is explained by the check's reason.
    decided = change.before if change.movement == "better" else change.after
    why = hop.reason if hop is not None else (decided.reason if decided is not None else "")
    if why and change.movement == "better":
        head += f" (was: {why})"
    elif why and change.movement != "disappeared":
        head += f": {why}"
    touched = touched_text(change, names)
    if touched:
        head += f"; changed on its path: {touched}"
    return head


def _hop_record(hop: Hop | None, names: Mapping[str, str]) -> dict[str, Any] | None:
    if hop is None:
        return None
    return {
        "id": hop.id,
        "kind": hop.kind,
        "verdict": hop.status,
        "reason": hop.reason,
        "address": names.get(hop.id),
        **({"code": hop.code} if hop.code else {}),
    }


def change_record(change: Change, subject: str, names: Mapping[str, str]) -> dict[str, Any]:
    t = change.trace
    return {
        "change": change.movement,
        "regression": change.regression,
        "source": source_record(t.source),
        "target": t.target,
        "port": t.port,
        "protocol": PROTOCOL_NAMES.get(t.protocol, t.protocol) or None,
        "verdict_before": change.verdict_before,
        "verdict_after": change.verdict_after,
        "hop": _hop_record(change.hop, names),
        "hop_before": _hop_record(change.other, names) if change.movement == "worse" else None,
        "touched": [
            {"id": x.id, "action": x.action, "address": names.get(x.id)} for x in change.touched
        ],
        "unlisted": change.unlisted or None,
        "message": message(change, subject, names),
        "fix": change.after.fix if change.after is not None else None,
        "before": trace_record(change.before) if change.before is not None else None,
        "after": trace_record(change.after) if change.after is not None else None,
    }


def document(report: DiffReport) -> dict[str, Any]:
    names = report.names()
    snap = report.snapshot
    return {
        "version": DIFF_JSON_VERSION,
        "region": snap.region,
        "account_id": snap.account_id,
        "before": report.before_where,
        "after": None if report.plan else report.where,
        "plan": report.plan,
        "summary": report.diff.counts(),
        "changes": [change_record(c, report.subject, names) for c in report.diff.changes],
    }


def summary_line(diff: Diff) -> str:
    n = diff.counts()
    parts = [f"{n[m]} {m}" for m in ("worse", "better", "appeared", "disappeared") if n[m]]
    said = ", ".join(parts) if parts else "no verdict changes"
    return f"{n['compared']} checks compared: {said}; {n['unchanged']} unchanged"


def render_text(report: DiffReport) -> str:
    names = report.names()
    lines = [report.title, ""]
    diff = report.diff
    if not diff.changes:
        lines.append(f"{report.subject} changes no check's verdict")
    for change in diff.changes:
        mark = "WORSE" if change.regression else change.movement
        lines.append(f"{mark:<11} {message(change, report.subject, names)}")
        if change.movement == "worse" and change.other is not None:
            lines.append(f"{'':<11}   before: {change.other.reason}")
        fix = change.after.fix if change.after is not None else None
        if fix and change.regression:
            lines.append(f"{'':<11}   fix: {fix}")
    lines += ["", summary_line(diff)]
    return printable("\n".join(lines) + "\n", newlines=True)


class DiffTextFormat(StreamFormat):
    """``netgraph diff --format text``."""

    name: ClassVar[str] = "text"
    commands: ClassVar[frozenset[str]] = frozenset({"diff"})

    def write(self, report: Report, out: TextIO) -> None:
        assert isinstance(report, DiffReport), "diff writes a DiffReport"
        out.write(render_text(report))


class DiffJsonFormat(StreamFormat):
    """``netgraph diff --format json``."""

    name: ClassVar[str] = "json"
    commands: ClassVar[frozenset[str]] = frozenset({"diff"})

    def write(self, report: Report, out: TextIO) -> None:
        assert isinstance(report, DiffReport), "diff writes a DiffReport"
        text = json.dumps(document(report), indent=2, ensure_ascii=False)
        out.write(json_text(text) + "\n")


__all__ = [
    "DiffJsonFormat",
    "DiffReport",
    "DiffTextFormat",
    "change_record",
    "document",
    "message",
    "render_text",
]
