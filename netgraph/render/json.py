"""The contract's JSON (check-output.md, ``--format json``): stable for scripts and CI.

``trace_record`` and ``source_record`` are the contract's words for a check and its source;
``write_document`` and ``write`` stream the document a check at a time."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, ClassVar, TextIO

from netgraph.fixes import Fix, cause_of
from netgraph.fixes import fixes as fixes_of
from netgraph.flows import Source
from netgraph.reach import PASSING, PROTOCOL_NAMES, Trace
from netgraph.render.escape import json_text
from netgraph.render.format import Report, StreamFormat
from netgraph.sources.plan import input_record

JSON_VERSION = 1


def source_record(source: Source) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": source.kind}
    if source.service is not None:
        out["service"] = source.service.name
        out["cluster"] = source.service.cluster
    if source.kind in ("eni", "instance"):
        out["id"] = source.id
    out["subnet"] = source.subnet_id
    out["security_groups"] = list(source.security_group_ids)
    out["public_ip"] = source.public_ip
    if source.address is not None:
        out["address"] = str(source.address)
    return out


def trace_record(trace: Trace) -> dict[str, Any]:
    """One check: its source, target, verdict, the hop that blocks it and the whole path."""
    blocked = None
    if trace.blocked_at is not None:
        blocked = {
            "id": trace.blocked_at.id,
            "kind": trace.blocked_at.kind,
            "reason": trace.blocked_at.reason,
        }
        if trace.blocked_at.code:
            blocked["code"] = trace.blocked_at.code
    record: dict[str, Any] = {
        "source": source_record(trace.source),
        "target": trace.target,
        "port": trace.port,
        "protocol": PROTOCOL_NAMES.get(trace.protocol, trace.protocol) or None,
        "verdict": trace.verdict,
        "blocked_at": blocked,
        "reason": trace.reason,
        "path": [
            {
                "id": h.id,
                "kind": h.kind,
                "verdict": h.status,
                "reason": h.reason,
                **({"leg": h.leg} if h.leg != "forward" else {}),
            }
            for h in trace.hops
        ],
        "fix": trace.fix,
    }
    cause = cause_of(trace)
    if cause is not None:
        # The hop to change when it is not the one that drops (private DNS off: the route
        # table drops, the endpoint is mended): an optional key.
        record["cause"] = {"id": cause.id, "kind": cause.kind, "reason": cause.reason}
    if trace.missing:
        # Every call the role may not make, with the resource it was asked on.
        record["missing"] = [{"action": a, "resource": r} for a, r in trace.missing]
    if trace.assumptions:
        # What the check took as given (SCPs not collected, ...): an optional key.
        record["assumptions"] = list(trace.assumptions)
    return record


def _head(region: str, account_id: str | None) -> dict[str, Any]:
    doc: dict[str, Any] = {"version": JSON_VERSION, "region": region}
    if account_id:
        doc["account_id"] = account_id
    return doc


def document(
    traces: Sequence[Trace],
    region: str,
    account_id: str | None = None,
    fixes: Sequence[Fix] | None = None,
) -> dict[str, Any]:
    doc = _head(region, account_id)
    doc["checks"] = [trace_record(t) for t in traces]
    if fixes is not None:
        # One fix per cause, each naming the checks it resolves (indexes in checks).
        doc["fixes"] = [f.record() for f in fixes]
    return doc


def write(
    out: TextIO,
    traces: Sequence[Trace],
    region: str,
    account_id: str | None = None,
    **after: Any,
) -> None:
    """The same document, written one check at a time (a line each), with ``after`` as
    further top-level keys. A scan of a large account has 100,000 checks: building them as
    one object and one string first took 2.3 GB and most of a minute."""
    head = json_text(json.dumps(_head(region, account_id), ensure_ascii=False))
    out.write(head[:-1] + ', "checks": [\n')
    for i, t in enumerate(traces):
        check = json_text(json.dumps(trace_record(t), ensure_ascii=False))
        out.write(("" if i == 0 else ",\n") + check)
    out.write("\n]")
    for key, value in after.items():
        out.write(
            f", {json.dumps(key)}: " + json_text(json.dumps(value, indent=1, ensure_ascii=False))
        )
    out.write("}\n")


def write_document(
    out: TextIO,
    traces: Sequence[Trace],
    region: str,
    account_id: str | None = None,
    fixes: Sequence[Fix] | None = None,
    input_record: dict[str, Any] | None = None,
) -> None:
    """``render``'s text, written one check at a time: the whole document of a large
    account, as an object and then as one string, took three times the memory of the
    snapshot. Nested at depth 2 (four spaces), a check's json.dumps is its lines in the
    whole document's json.dumps, indented four more."""
    head = json.dumps(_head(region, account_id), indent=2, ensure_ascii=False)
    out.write(json_text(head[: -len("\n}")]) + ',\n  "checks": [')
    for i, t in enumerate(traces):
        check = json.dumps(trace_record(t), indent=2, ensure_ascii=False)
        out.write(("\n    " if i == 0 else ",\n    ") + json_text(check.replace("\n", "\n    ")))
    out.write("\n  ]" if traces else "]")
    if fixes is not None:
        listed = json.dumps([f.record() for f in fixes], indent=2, ensure_ascii=False)
        out.write(',\n  "fixes": ' + json_text(listed.replace("\n", "\n  ")))
    if input_record is not None:
        # What the run read (a Terraform plan: plan-input.md "JSON additions").
        listed = json.dumps(input_record, indent=2, ensure_ascii=False)
        out.write(',\n  "input": ' + json_text(listed.replace("\n", "\n  ")))
    out.write("\n}\n")


def render(
    traces: Sequence[Trace],
    region: str,
    account_id: str | None = None,
    fixes: Sequence[Fix] | None = None,
) -> str:
    text = json.dumps(document(traces, region, account_id, fixes), indent=2, ensure_ascii=False)
    return json_text(text) + "\n"


class JsonFormat(StreamFormat):
    """``--format json``: the contract's document. A scan's lists one check a line, then its
    summary (with ``failing_only``, only the checks that do not pass); the others' are
    indented. The snapshot's warnings are the command's to say (``warn_unknown_keys``), once."""

    name: ClassVar[str] = "json"

    def write(self, report: Report, out: TextIO) -> None:
        snap = report.snapshot
        if report.command == "scan":
            listed = report.traces
            extra: dict[str, Any] = {"summary": report.summary}
            if report.failing_only:
                # A healthy account has 100,000 passing checks a gate does not need to read.
                listed = tuple(t for t in report.traces if t.verdict not in PASSING)
                extra["listed"] = "failing"
            extra["fixes"] = [f.record() for f in fixes_of(snap, listed)]
            if input_record(snap) is not None:
                extra["input"] = input_record(snap)
            write(out, listed, snap.region, snap.account_id, **extra)
            return
        # Streamed: built whole, the document of a large account took 3 GB.
        fixes = fixes_of(snap, report.traces)
        write_document(out, report.traces, snap.region, snap.account_id, fixes, input_record(snap))
        out.flush()
